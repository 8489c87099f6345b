"""Tests for the plan parser (pure Python, no database)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.plans.document_parser import (
    DEFAULT_INDICATOR_CATALOGUE,
    ParsedPlan,
    PlanParseError,
    extract_agencies,
    match_indicator,
    normalise_text,
    parse_legal_basis,
    parse_plan_text,
    parse_target_item,
    plan_to_dict,
)
from cchc.plans.docx_text import DocumentError, extract_docx_text

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = REPO_ROOT / "src/cchc/data/sources/kh-4345-kh-ubnd-2021.txt"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_plan(seed_text: str) -> ParsedPlan:
    return parse_plan_text(seed_text)


def _summary(plan: ParsedPlan) -> list[tuple]:
    """Targets as comparable tuples: (number+part, comparator, kind, baseline, thresholds)."""
    return [
        (
            f"{t.number}{t.part}",
            t.comparator,
            t.kind,
            t.baseline_year,
            [(th.level, th.value, th.upper) for th in t.thresholds],
        )
        for t in plan.targets
    ]


# ------------------------------------------------------------------------- the seed

D = Decimal
LEVELS_4 = [("province", D(30), None), ("district", D(20), None), ("commune", D(15), None)]
LEVELS_8 = [("province", D(50), None), ("district", D(40), None), ("commune", D(30), None)]
SEED_TARGETS = [
    ("1", "gte", "share", None, [(None, D(30), None)]),
    ("2", "gte", "share", None, [(None, D(100), None)]),
    ("3", "gte", "share", None, [(None, D(100), None)]),
    ("4", "gte", "share", None, LEVELS_4),
    ("5a", "gte", "share", None, [(None, D(30), None)]),
    ("5b", "gte", "share", None, [(None, D(10), None)]),
    ("6a", "gte", "growth", 2021, [(None, D(10), None)]),
    ("6b", "gte", "growth", 2021, [(None, D(20), None)]),
    ("6c", "gte", "share", None, [(None, D(20), None)]),
    ("7", "gte", "share", None, [(None, D(100), None)]),
    ("8", "gte", "share", None, LEVELS_8),
]  # fmt: skip

SEED_INDICATORS = {
    "1": "INSPECTION_COVERAGE",
    "2": "PAR_INDEX_COVERAGE",
    "3": "LEGAL_REVIEW_COVERAGE",
    "4": "RESULT_DIGITISATION",
    "5a": "ONLINE_PAYMENT_PROCEDURES",
    "5b": "ONLINE_PAYMENT_SHARE",
    "6a": "ONLINE_SERVICE_GROWTH",
    "6b": "PORTAL_INTEGRATION_GROWTH",
    "6c": "ONLINE_DOSSIER_SHARE",
    "7": "SYSTEMS_CONNECTED",
    "8": "WORK_RECORDS_ONLINE",
}


def test_seed_header(seed_plan: ParsedPlan) -> None:
    assert seed_plan.number == "4345/KH-UBND"
    assert seed_plan.doc_type == "Kế hoạch"
    assert seed_plan.issuer == "Ủy ban nhân dân tỉnh Lai Châu"
    assert seed_plan.place == "Lai Châu"
    assert seed_plan.issued_on == date(2021, 12, 23)
    assert seed_plan.title == "Kế hoạch cải cách hành chính tỉnh Lai Châu năm 2022"
    assert seed_plan.year == 2022
    assert seed_plan.signer == "Trần Tiến Dũng"


def test_seed_legal_bases(seed_plan: ParsedPlan) -> None:
    bases = seed_plan.legal_bases
    assert [(b.doc_type, b.number, b.issued_on, b.issuer) for b in bases] == [
        ("Nghị quyết", "76/NQ-CP", date(2021, 7, 15), "Chính phủ"),
        ("Nghị quyết", "08-NQ/TU", date(2021, 5, 20), "Ban Chấp hành Đảng bộ tỉnh"),
        ("Kế hoạch", "2943/KH-UBND", date(2021, 9, 20), "UBND tỉnh"),
    ]
    assert bases[0].title == (
        "ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030"
    )
    assert bases[1].title.startswith("về đẩy mạnh cải cách hành chính")
    # The closing ", Ủy ban nhân dân tỉnh ban hành Kế hoạch … như sau:" is not a basis.
    assert bases[2].title == "về Chương trình cải cách hành chính tỉnh Lai Châu giai đoạn 2021-2030"
    assert "như sau" not in bases[2].text


def test_seed_purposes_and_requirements(seed_plan: ParsedPlan) -> None:
    assert seed_plan.purposes.startswith("Đảm bảo triển khai có hiệu quả")
    assert len(seed_plan.requirements) == 4
    assert seed_plan.requirements[0].startswith("Công tác cải cách hành chính phải")
    assert seed_plan.requirements[-1].startswith("Bố trí đủ nguồn lực")


def test_seed_targets(seed_plan: ParsedPlan) -> None:
    assert sorted({t.number for t in seed_plan.targets}) == list(range(1, 9))
    assert len(seed_plan.targets) == 11
    assert _summary(seed_plan) == SEED_TARGETS
    assert all(t.unit == "percent" for t in seed_plan.targets)


def test_seed_indicator_codes(seed_plan: ParsedPlan) -> None:
    assert {f"{t.number}{t.part}": t.indicator_code for t in seed_plan.targets} == SEED_INDICATORS


def test_seed_scope_notes_and_quantities(seed_plan: ParsedPlan) -> None:
    by_key = {f"{t.number}{t.part}": t for t in seed_plan.targets}
    assert "Ma Lù Thàng" in by_key["2"].scope_note
    assert by_key["2"].scope_note.startswith("bao gồm cả")
    assert "mật" in by_key["8"].scope_note
    assert by_key["8"].scope_note.startswith("không bao gồm")
    assert by_key["4"].quantity == "số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực"
    assert by_key["5b"].quantity == "tỷ lệ giao dịch thanh toán trực tuyến"
    assert by_key["8"].quantity == "hồ sơ công việc được xử lý trên môi trường mạng"
    # Every part of an item keeps the whole item as its source.
    assert by_key["5a"].source_text == by_key["5b"].source_text
    assert by_key["5a"].source_text.startswith("Tối thiểu 30% thủ tục hành chính")
    assert all(t.scope_note == "" for k, t in by_key.items() if k not in {"2", "8"})


def test_seed_tasks(seed_plan: ParsedPlan) -> None:
    tasks = seed_plan.tasks
    assert len(tasks) == 5
    assert [(t.area_number, t.area_title) for t in tasks] == [
        (1, "Công tác chỉ đạo điều hành"),
        (1, "Công tác chỉ đạo điều hành"),
        (1, "Công tác chỉ đạo điều hành"),
        (1, "Công tác chỉ đạo điều hành"),
        (2, "Cải cách thể chế"),
    ]
    assert all(t.lead_agency_name is None for t in tasks)
    assert all(t.coordinating_agency_names == [] for t in tasks)
    assert all("[...]" not in t.text for t in tasks)
    assert tasks[0].text.startswith("Thực hiện tự chấm điểm")
    # The truncation marker is reported, not silently dropped.
    assert any("lược bỏ" in w for w in seed_plan.warnings)


def test_seed_nfd_input_parses_identically(seed_text: str, seed_plan: ParsedPlan) -> None:
    nfd = unicodedata.normalize("NFD", seed_text)
    assert nfd != seed_text
    assert parse_plan_text(nfd) == seed_plan


def test_seed_crlf_tabs_and_nbsp_parse_identically(seed_text: str, seed_plan: ParsedPlan) -> None:
    messy = seed_text.replace("\n", "\r\n").replace(" ", "\u00a0", 50).replace("- ", "-\t")
    assert parse_plan_text(messy) == seed_plan


def test_plan_to_dict_is_json_safe(seed_plan: ParsedPlan) -> None:
    import json

    data = plan_to_dict(seed_plan)
    assert data["issued_on"] == "2021-12-23"
    assert data["targets"][3]["thresholds"][0] == {
        "level": "province",
        "value": "30",
        "upper": None,
    }
    json.dumps(data, ensure_ascii=False)


# ------------------------------------------------------------------------------ docx


def _seed_as_docx(seed_text: str) -> bytes:
    """A .docx built from the seed's paragraphs, with the header block in a 2-column table
    as real plans have it."""
    lines = [line for line in seed_text.split("\n") if line.strip()]
    header_end = lines.index("KẾ HOẠCH")
    issuer_start = lines.index("ỦY BAN NHÂN DÂN")
    document = Document()
    for line in lines[:issuer_start]:
        document.add_paragraph(line)
    header = lines[issuer_start:header_end]
    table = document.add_table(rows=2, cols=2)
    left, right = table.rows[0].cells
    left.text = "\n".join(header[:3])  # ỦY BAN NHÂN DÂN / TỈNH LAI CHÂU / -------
    right.text = "\n".join(header[3:6])  # CỘNG HÒA … / Độc lập … / -----
    table.rows[1].cells[0].text = header[6]  # Số: 4345/KH-UBND
    table.rows[1].cells[1].text = header[7]  # Lai Châu, ngày …
    for line in lines[header_end:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_round_trip_gives_same_plan(seed_text: str, seed_plan: ParsedPlan) -> None:
    text = extract_docx_text(_seed_as_docx(seed_text))
    plan = parse_plan_text(text)
    assert _summary(plan) == SEED_TARGETS
    assert plan.targets == seed_plan.targets
    assert plan.number == "4345/KH-UBND"
    assert plan.issuer == "Ủy ban nhân dân tỉnh Lai Châu"
    assert plan.issued_on == date(2021, 12, 23)
    assert len(plan.tasks) == 5
    assert len(plan.legal_bases) == 3


def test_docx_reads_table_cells_in_order() -> None:
    document = Document()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=1, cols=3)
    table.rows[0].cells[0].merge(table.rows[0].cells[1]).text = "Ô gộp"
    table.rows[0].cells[2].text = "Ô thứ ba"
    document.add_paragraph("Sau bảng")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract_docx_text(buffer.getvalue()).split("\n") == [
        "Trước bảng",
        "Ô gộp",
        "Ô thứ ba",
        "Sau bảng",
    ]


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "không phải Word")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"this is not a zip file at all", id="plain-bytes"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 40, id="truncated-zip"),
        pytest.param(_zip_without_document(), id="zip-without-word-part"),
    ],
)
def test_docx_corrupt_file_raises_vietnamese_error(data: bytes) -> None:
    with pytest.raises(DocumentError, match="Không đọc được tệp Word"):
        extract_docx_text(data)


def test_docx_truncated_real_file_raises(seed_text: str) -> None:
    data = _seed_as_docx(seed_text)
    with pytest.raises(DocumentError):
        extract_docx_text(data[: len(data) // 2])


def test_docx_empty_and_old_doc_format() -> None:
    with pytest.raises(DocumentError, match="Tệp rỗng"):
        extract_docx_text(b"")
    with pytest.raises(DocumentError, match=r"\.doc"):
        extract_docx_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    # The upload view can catch one exception type for both steps.
    assert issubclass(DocumentError, PlanParseError)


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t\u00a0\n"])
def test_empty_text_raises(text: str) -> None:
    with pytest.raises(PlanParseError, match="Tệp rỗng"):
        parse_plan_text(text)


def test_unrelated_document_raises_with_clear_message() -> None:
    text = (
        "CÔNG TY TNHH ABC\n\nHỢP ĐỒNG MUA BÁN HÀNG HÓA\n\n"
        "Điều 1. Bên A bán cho Bên B 100 thùng hàng.\n\nĐiều 2. Giá trị hợp đồng là 50 triệu đồng."
    )
    with pytest.raises(PlanParseError) as caught:
        parse_plan_text(text)
    message = str(caught.value)
    assert "KẾ HOẠCH" in message and "CHỈ TIÊU" in message


def test_plan_without_targets_section_warns_instead_of_failing() -> None:
    text = (
        "KẾ HOẠCH\nTUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH NĂM 2023\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nNâng cao nhận thức."
    )
    plan = parse_plan_text(text)
    assert plan.title == "Kế hoạch tuyên truyền cải cách hành chính năm 2023"
    assert plan.year == 2023
    assert plan.targets == []
    assert any("CHỈ TIÊU" in w for w in plan.warnings)


def test_targets_item_without_quantity_warns() -> None:
    text = (
        "KẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH NĂM 2023\n"
        "II. CHỈ TIÊU\n"
        "1. Tối thiểu 30% cơ quan được kiểm tra cải cách hành chính.\n"
        "2. Nâng cao chất lượng phục vụ người dân, doanh nghiệp.\n"
    )
    plan = parse_plan_text(text)
    assert [t.number for t in plan.targets] == [1]
    assert any(w.startswith("Chỉ tiêu 2:") for w in plan.warnings)


# --------------------------------------------------------------- sentence table


def _spec(target) -> str:
    """A target as a short string: "gte 40", "between 20..30", "gte 15 growth@2021",
    "gte province=50 district=35 commune=20", "lte 3 count"."""
    if len(target.thresholds) == 1 and target.thresholds[0].level is None:
        th = target.thresholds[0]
        values = f"{th.value}" if th.upper is None else f"{th.value}..{th.upper}"
    else:
        values = " ".join(f"{th.level}={th.value}" for th in target.thresholds)
    words = [target.comparator, values]
    if target.kind == "growth":
        words.append(f"growth@{target.baseline_year}" if target.baseline_year else "growth")
    if target.unit == "count":
        words.append("count")
    return " ".join(words)


SENTENCES = [
    # "tối thiểu", "ít nhất", "từ … trở lên", "đạt … trở lên", "X% trở lên" → gte
    (
        "Tối thiểu 40% cán bộ, công chức cấp xã được bồi dưỡng kiến thức về cải cách hành chính.",
        "gte 40",
    ),
    ("Ít nhất 25% số cơ quan, đơn vị được kiểm tra công tác cải cách hành chính.", "gte 25"),
    ("Tỷ lệ hồ sơ giải quyết đúng hạn từ 98% trở lên.", "gte 98"),
    ("Tỷ lệ người dân hài lòng với dịch vụ hành chính công đạt 90% trở lên.", "gte 90"),
    ("95% trở lên hồ sơ được tiếp nhận tại Trung tâm Phục vụ hành chính công.", "gte 95"),
    ("Tối thiểu 20% trở lên thủ tục hành chính được cung cấp trực tuyến toàn trình.", "gte 20"),
    ("Tỷ lệ hồ sơ được số hóa khi tiếp nhận không dưới 80%.", "gte 80"),
    # "trên", "hơn", "vượt" → gt
    ("Tỷ lệ thủ tục hành chính được cắt giảm thời gian giải quyết trên 30%.", "gt 30"),
    ("Chỉ số hài lòng của người dân đối với cơ quan hành chính nhà nước đạt hơn 85%.", "gt 85"),
    ("Tỷ lệ giải ngân vốn đầu tư công vượt 95% kế hoạch được giao.", "gt 95"),
    # "dưới" → lt; "không quá", "tối đa", "không vượt quá", "trở xuống" → lte
    ("Tỷ lệ hồ sơ giải quyết quá hạn dưới 2%.", "lt 2"),
    ("Tỷ lệ hồ sơ phải yêu cầu bổ sung, hoàn thiện không quá 5%.", "lte 5"),
    ("Tỷ lệ cán bộ, công chức bị xử lý kỷ luật tối đa 1,5%.", "lte 1.5"),
    ("Tỷ lệ văn bản trả lời kiến nghị quá hạn không vượt quá 3%.", "lte 3"),
    ("Tỷ lệ hồ sơ bị trả lại từ 5% trở xuống.", "lte 5"),
    # ranges
    ("Tỷ lệ hồ sơ trực tuyến toàn trình đạt 20% - 30%.", "between 20..30"),
    ("Tỷ lệ dịch vụ công được thanh toán trực tuyến đạt từ 25% đến 35%.", "between 25..35"),
    # "100% …" at the start, decimals with a comma
    ("100% thủ tục hành chính được công khai đầy đủ trên Cổng Dịch vụ công của tỉnh.", "gte 100"),
    ("Tối thiểu 15,5% hồ sơ đất đai được số hóa và lưu trữ điện tử.", "gte 15.5"),
    # growth, with the baseline written once for the whole sentence
    (
        "Tăng tối thiểu 15% số hồ sơ được giải quyết trực tuyến (so với năm 2021).",
        "gte 15 growth@2021",
    ),
    (
        "Số doanh nghiệp sử dụng dịch vụ công trực tuyến tăng ít nhất 10% so với năm 2022.",
        "gte 10 growth@2022",
    ),
    (
        (
            "Tăng 10% thủ tục hành chính được cắt giảm thời gian; tăng tối thiểu 15% hồ sơ nộp qua "
            "dịch vụ bưu chính công ích (so với năm 2022)."
        ),
        "gte 10 growth@2022 | gte 15 growth@2022",
    ),
    (
        "Giảm tối thiểu 20% thời gian giải quyết thủ tục hành chính so với năm 2021.",
        "lte -20 growth@2021",
    ),
    # per-level lists
    (
        (
            "Tỷ lệ hồ sơ giải quyết trực tuyến đạt tối thiểu tương ứng 50%, 35%, 20% đối với "
            "thủ tục hành chính thuộc thẩm quyền giải quyết của cấp tỉnh, cấp huyện, cấp xã."
        ),
        "gte province=50 district=35 commune=20",
    ),
    (
        (
            "60% văn bản đi tại tỉnh, 45% văn bản đi tại cấp huyện và 30% văn bản đi tại cấp xã "
            "được ký số."
        ),
        "gte province=60 district=45 commune=30",
    ),
    # several quantities in one item → parts a, b
    (
        (
            "Tối thiểu 50% thủ tục hành chính được cung cấp trực tuyến toàn trình; tỷ lệ hồ sơ nộp "
            "trực tuyến đạt từ 30% trở lên."
        ),
        "gte 50 | gte 30",
    ),
    (
        (
            "Tối thiểu 40% hồ sơ được số hóa, trong đó tỷ lệ hồ sơ được tái sử dụng dữ liệu "
            "đạt từ 10% trở lên."
        ),
        "gte 40 | gte 10",
    ),
    ("Phấn đấu tỷ lệ hài lòng của người dân đối với dịch vụ hành chính công đạt 90%.", "gte 90"),
    # counts
    ("Tổ chức tối thiểu 02 lớp tập huấn nghiệp vụ kiểm soát thủ tục hành chính.", "gte 2 count"),
    ("Thời gian giải quyết thủ tục đăng ký doanh nghiệp tối đa 3 ngày làm việc.", "lte 3 count"),
    # result-reporting sentences: no target
    ("Năm 2021, tỷ lệ hồ sơ giải quyết đúng hạn đạt 98%.", ""),
    ("Số thủ tục hành chính trực tuyến năm 2021 đã tăng 10% so với năm 2021.", ""),
    ("Tỷ lệ người dân hài lòng với sự phục vụ của cơ quan hành chính đạt 95,2%.", ""),
    ("Kết quả năm 2021 đã đạt 100% hồ sơ được giải quyết đúng hạn.", ""),
    ("Năm 2021, toàn tỉnh đã hoàn thành tối thiểu 30% chỉ tiêu số hóa hồ sơ.", ""),
]


@pytest.mark.parametrize(
    ("sentence", "expected"), SENTENCES, ids=[f"s{i:02d}" for i in range(len(SENTENCES))]
)
def test_sentence_table(sentence: str, expected: str) -> None:
    targets, warnings = parse_target_item(sentence, 3)
    assert " | ".join(_spec(t) for t in targets) == expected
    parts = [t.part for t in targets]
    assert parts == ([""] if len(targets) == 1 else [chr(97 + i) for i in range(len(targets))])
    assert all(t.number == 3 and t.source_text == sentence for t in targets)
    if not expected:
        assert warnings
        assert all(w.startswith("Chỉ tiêu 3:") for w in warnings)


@pytest.mark.parametrize(
    ("sentence", "note"),
    [
        (
            (
                "100% hồ sơ thủ tục hành chính được số hóa khi tiếp nhận, trừ hồ sơ có nội dung "
                "thuộc bí mật nhà nước."
            ),
            "trừ hồ sơ có nội dung thuộc bí mật nhà nước",
        ),
        ("100% văn bản đi được ký số (không bao gồm văn bản mật).", "không bao gồm văn bản mật"),
        (
            (
                "100% cơ quan hành chính cấp tỉnh (bao gồm cả các đơn vị sự nghiệp trực thuộc) "
                "áp dụng hệ thống quản lý chất lượng."
            ),
            "bao gồm cả các đơn vị sự nghiệp trực thuộc",
        ),
        (
            (
                "Tối thiểu 70% hồ sơ được giải quyết trực tuyến, không bao gồm thủ tục phải kiểm "
                "tra thực địa."
            ),
            "không bao gồm thủ tục phải kiểm tra thực địa",
        ),
    ],
)
def test_scope_notes(sentence: str, note: str) -> None:
    (target,), _ = parse_target_item(sentence)
    assert target.scope_note == note
    assert note not in target.quantity


def test_quantity_descriptions() -> None:
    (target,), _ = parse_target_item(
        "Tỷ lệ hồ sơ giải quyết trực tuyến mức độ 3, 4 trên tổng số hồ sơ "
        "đạt tối thiểu 20% trở lên."
    )
    assert target.quantity == "tỷ lệ hồ sơ giải quyết trực tuyến mức độ 3, 4 trên tổng số hồ sơ"
    (target,), _ = parse_target_item(
        "100% văn bản quy phạm pháp luật được rà soát để phát hiện quy định chồng chéo."
    )
    assert target.quantity == "văn bản quy phạm pháp luật được rà soát"


def test_growth_without_baseline_warns() -> None:
    (target,), warnings = parse_target_item("Tăng tối thiểu 10% số hồ sơ nộp trực tuyến.", 4)
    assert target.kind == "growth" and target.baseline_year is None
    assert any("năm so sánh" in w for w in warnings)


def test_level_list_without_levels_warns() -> None:
    (target,), warnings = parse_target_item("Tỷ lệ hồ sơ đúng hạn lần lượt tối thiểu 90%, 95%.", 2)
    assert [th.level for th in target.thresholds] == [None, None]
    assert any("cấp" in w for w in warnings)


def test_nfd_sentence() -> None:
    sentence = (
        "Tối thiểu 30% thủ tục hành chính có yêu cầu nghĩa vụ tài chính được thanh toán trực tuyến."
    )
    nfc_targets, _ = parse_target_item(sentence)
    nfd_targets, _ = parse_target_item(unicodedata.normalize("NFD", sentence))
    assert nfd_targets == nfc_targets
    assert nfd_targets[0].indicator_code == "ONLINE_PAYMENT_PROCEDURES"


# ----------------------------------------------------------------------- indicators


def test_indicator_matching_rules() -> None:
    # Case-insensitive, old/new tone placement alike, accents matter.
    assert (
        match_indicator("TỶ LỆ HỒ SƠ CÔNG VIỆC XỬ LÝ TRÊN MÔI TRƯỜNG MẠNG") == "WORK_RECORDS_ONLINE"
    )
    assert match_indicator("số hoá kết quả giải quyết thủ tục hành chính") == "RESULT_DIGITISATION"
    assert match_indicator("so hoa ket qua giai quyet thu tuc hanh chinh") is None
    # All phrases of a code must match; "a|b" alternatives.
    assert match_indicator("hồ sơ công việc được lưu trữ") is None
    assert (
        match_indicator("được kết nối với Hệ thống thông tin báo cáo quốc gia")
        == "SYSTEMS_CONNECTED"
    )
    # A custom catalogue replaces the default; its order decides.
    custom = {"FIRST": ["hồ sơ"], "SECOND": ["hồ sơ", "môi trường mạng"]}
    assert match_indicator("hồ sơ công việc trên môi trường mạng", custom) == "FIRST"
    targets, _ = parse_target_item("100% hồ sơ được số hóa.", indicator_catalogue={"X": ["số hóa"]})
    assert targets[0].indicator_code == "X"
    assert next(iter(DEFAULT_INDICATOR_CATALOGUE)) == "INSPECTION_COVERAGE"
    assert len(DEFAULT_INDICATOR_CATALOGUE) == 12  # the 11 targets of plan 4345 + ON_TIME_RATE


# ----------------------------------------------------------------------- legal bases


def test_legal_basis_one_per_paragraph() -> None:
    text = (
        "KẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH TỈNH ĐIỆN BIÊN NĂM 2023\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
        "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế "
        "một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;\n"
        "Căn cứ Quyết định số 1234/QĐ-UBND ngày 05/12/2022 của UBND tỉnh phê duyệt Đề án;\n"
        "Căn cứ tình hình thực tế của địa phương,\n"
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n"
        "II. CHỈ TIÊU\n1. 100% thủ tục hành chính được công khai.\n"
    )
    plan = parse_plan_text(text)
    assert [(b.doc_type, b.number, b.issued_on, b.issuer) for b in plan.legal_bases] == [
        ("Luật", None, date(2015, 6, 19), None),
        ("Nghị định", "61/2018/NĐ-CP", date(2018, 4, 23), "Chính phủ"),
        ("Quyết định", "1234/QĐ-UBND", date(2022, 12, 5), "UBND tỉnh"),
    ]
    assert plan.legal_bases[0].title == "Tổ chức chính quyền địa phương"
    assert plan.legal_bases[2].title == "phê duyệt Đề án"
    assert any("tình hình thực tế" in w for w in plan.warnings)
    # No header block here: the place name in the title is still recognised.
    assert plan.title == "Kế hoạch cải cách hành chính tỉnh Điện Biên năm 2023"


def test_parse_legal_basis_single_fragment() -> None:
    ref = parse_legal_basis(
        "Chỉ thị số 23/CT-TTg ngày 02/9/2021 của Thủ tướng Chính phủ về tiếp tục đẩy mạnh "
        "triển khai Chương trình tổng thể cải cách hành chính"
    )
    assert ref is not None
    assert (ref.doc_type, ref.number, ref.issued_on, ref.issuer) == (
        "Chỉ thị",
        "23/CT-TTg",
        date(2021, 9, 2),
        "Thủ tướng Chính phủ",
    )
    assert ref.title.startswith("về tiếp tục đẩy mạnh")
    assert parse_legal_basis("tình hình thực tế của tỉnh") is None


# --------------------------------------------------------------------------- agencies


@pytest.mark.parametrize(
    ("text", "lead", "partners"),
    [
        (
            (
                "Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp, Văn phòng UBND tỉnh tổ chức kiểm tra "
                "công tác cải cách hành chính."
            ),
            "Sở Nội vụ",
            ["Sở Tư pháp", "Văn phòng UBND tỉnh"],
        ),
        (
            (
                "Xây dựng kế hoạch tuyên truyền cải cách hành chính năm 2022 (chủ trì: Sở Nội vụ; "
                "phối hợp: Sở Thông tin và Truyền thông, Đài Phát thanh - Truyền hình tỉnh)."
            ),
            "Sở Nội vụ",
            ["Sở Thông tin và Truyền thông", "Đài Phát thanh - Truyền hình tỉnh"],
        ),
        (
            (
                "Rà soát, đơn giản hóa thủ tục hành chính.\nCơ quan chủ trì: Văn phòng UBND tỉnh.\n"
                "Cơ quan phối hợp: Các sở, ban, ngành; UBND các huyện, thành phố."
            ),
            "Văn phòng UBND tỉnh",
            ["Các sở, ban, ngành", "UBND các huyện, thành phố"],
        ),
        (
            (
                "Giao Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với UBND các huyện, "
                "thành phố và các cơ quan liên quan triển khai thực hiện."
            ),
            "Sở Văn hóa, Thể thao và Du lịch",
            ["UBND các huyện, thành phố", "các cơ quan liên quan"],
        ),
        # Named, but not as the lead: never guess.
        ("Sở Nội vụ phối hợp với Sở Tư pháp kiểm tra công tác cải cách hành chính.", None, []),
        ("Phân công rõ trách nhiệm cơ quan chủ trì và cơ quan phối hợp.", None, []),
        ("Tổ chức đánh giá, xếp hạng Chỉ số cải cách hành chính năm 2021.", None, []),
    ],
)
def test_extract_agencies(text: str, lead: str | None, partners: list[str]) -> None:
    assert extract_agencies(text) == (lead, partners)


def test_tasks_with_agencies_and_continuations() -> None:
    text = (
        "KẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH NĂM 2023\n"
        "III. NHIỆM VỤ TRỌNG TÂM\n"
        "1. Cải cách thủ tục hành chính\n"
        "- Rà soát, đơn giản hóa thủ tục hành chính nội bộ.\n"
        "Cơ quan chủ trì: Văn phòng UBND tỉnh.\n"
        "• Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp kiểm tra việc thực hiện.\n"
        "2. Cải cách tổ chức bộ máy\n"
        "+ Sắp xếp các đơn vị sự nghiệp công lập.\n"
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "- Giao Sở Nội vụ chủ trì theo dõi.\n"
    )
    tasks = parse_plan_text(text).tasks
    assert [(t.area_number, t.lead_agency_name, t.coordinating_agency_names) for t in tasks] == [
        (1, "Văn phòng UBND tỉnh", []),
        (1, "Sở Nội vụ", ["Sở Tư pháp"]),
        (2, None, []),
    ]
    assert (
        tasks[0].text
        == "Rà soát, đơn giản hóa thủ tục hành chính nội bộ.\nCơ quan chủ trì: Văn phòng UBND tỉnh."
    )


def test_normalise_text() -> None:
    raw = "Số:\u00a04345/KH-UBND\r\nA\tB  C\u200b\r"
    assert normalise_text(raw) == "Số: 4345/KH-UBND\nA B C\n"


def test_bullet_targets_are_numbered_in_order() -> None:
    text = (
        "KẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH NĂM 2023\n"
        "II. MỤC TIÊU, NHIỆM VỤ VÀ CHỈ TIÊU\n"
        "- 100% thủ tục hành chính được công khai trên Cổng Dịch vụ công.\n"
        "- Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.\n"
        "III. NHIỆM VỤ TRỌNG TÂM\n1. Cải cách thể chế\n- Rà soát văn bản quy phạm pháp luật.\n"
    )
    plan = parse_plan_text(text)
    assert [(t.number, t.part, t.thresholds[0].value) for t in plan.targets] == [
        (1, "", Decimal(100)),
        (2, "", Decimal(98)),
    ]
    # The targets heading mentions "NHIỆM VỤ" too: tasks still come from section III.
    assert [t.text for t in plan.tasks] == ["Rà soát văn bản quy phạm pháp luật."]


_FRAGMENTS = st.sampled_from(
    [
        "KẾ HOẠCH",
        "II. CHỈ TIÊU",
        "III. NHIỆM VỤ",
        "1. ",
        "- ",
        "Tối thiểu ",
        "30%",
        "100% ",
        "từ ",
        "đến ",
        "trở lên",
        "(so với năm 2021)",
        "; ",
        ", trong số đó, ",
        "cấp tỉnh, ",
        "(không bao gồm ",
        ")",
        "(",
        "đã đạt ",
        "tăng ",
        "giảm ",
        "Căn cứ Nghị quyết số ",
        "ngày 15/7/2021 ",
        "của ",
        "chủ trì",
        "phối hợp với ",
        "Sở Nội vụ",
        "\n",
        ". ",
        "[...]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_plan_like_noise_never_crashes(text: str) -> None:
    try:
        plan = parse_plan_text(text)
    except PlanParseError:
        return
    for target in plan.targets:
        assert target.comparator in {"gte", "gt", "lte", "lt", "between"}
        assert target.thresholds


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        parse_plan_text(text)
    except PlanParseError as error:
        assert str(error)
    parse_target_item(text)
    extract_agencies(text)


OTHER_LAYOUT = """UBND TỈNH HÀ GIANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 15/KH-UBND\tHà Giang, ngày 10 tháng 01 năm 2023
KẾ HOẠCH
Cải cách hành chính nhà nước năm 2023
Căn cứ Quyết định số 1234/QĐ-TTg ngày 01/10/2022 của Thủ tướng Chính phủ về việc ban hành \
Đề án; Thông tư số 01/2022/TT-BNV ngày 10/01/2022 của Bộ trưởng Bộ Nội vụ hướng dẫn;
Ủy ban nhân dân tỉnh Hà Giang ban hành Kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích: Nâng cao hiệu quả công tác cải cách hành chính.
2. Yêu cầu
Bám sát chỉ đạo của Trung ương.
II. CHỈ TIÊU
1. Phấn đấu:
- 100% hồ sơ được giải quyết đúng hạn;
- Tỷ lệ hài lòng đạt tối thiểu 90%.
2. Năm 2022, tỷ lệ hồ sơ trực tuyến đạt 45,5%.
3. Số lượng thủ tục hành chính được cắt giảm tối thiểu 20 thủ tục.
III. NHIỆM VỤ, GIẢI PHÁP
1. Cải cách thủ tục hành chính
a) Kiểm soát thủ tục hành chính
- Rà soát thủ tục hành chính nội bộ.
Cơ quan chủ trì: Văn phòng UBND tỉnh; Cơ quan phối hợp: Các sở, ban, ngành. Thời gian: Quý II.
2. Cải cách tổ chức bộ máy
Sở Nội vụ chủ trì, phối hợp với Sở Tài chính rà soát vị trí việc làm.
Tiếp tục sắp xếp tổ chức bộ máy.
IV. TỔ CHỨC THỰC HIỆN
Các sở thực hiện.
Nơi nhận:
- Như trên;
KT. CHỦ TỊCH
Nguyễn Văn A
"""


def test_other_layout_plan() -> None:
    """One-line header, number and date on one line, mixed-case subtitle, sub-bullets in a
    target, a reported result, "cắt giảm", labelled agencies and a signature block."""
    plan = parse_plan_text(OTHER_LAYOUT)
    assert (plan.number, plan.issuer, plan.place, plan.issued_on) == (
        "15/KH-UBND",
        "Ủy ban nhân dân tỉnh Hà Giang",
        "Hà Giang",
        date(2023, 1, 10),
    )
    assert plan.title == "Kế hoạch cải cách hành chính nhà nước năm 2023"
    assert (plan.year, plan.signer) == (2023, "Nguyễn Văn A")  # from the signature block
    assert plan.purposes == "Nâng cao hiệu quả công tác cải cách hành chính."
    assert plan.requirements == ["Bám sát chỉ đạo của Trung ương."]
    assert [(b.number, b.issuer, b.title) for b in plan.legal_bases] == [
        ("1234/QĐ-TTg", "Thủ tướng Chính phủ", "về việc ban hành Đề án"),
        ("01/2022/TT-BNV", "Bộ trưởng Bộ Nội vụ", "hướng dẫn"),
    ]
    assert [f"{t.number}{t.part} {_spec(t)}" for t in plan.targets] == [
        "1a gte 100",
        "1b gte 90",
        "3 gte 20 count",  # "cắt giảm" = cut: a count to reach, not a decrease
    ]
    assert plan.targets[2].quantity == "số lượng thủ tục hành chính được cắt giảm"
    assert any(w.startswith("Chỉ tiêu 2:") and "45,5%" in w for w in plan.warnings)
    tasks = [(t.area_number, t.lead_agency_name, t.coordinating_agency_names) for t in plan.tasks]
    assert tasks == [
        (1, "Văn phòng UBND tỉnh", ["Các sở, ban, ngành"]),
        (2, "Sở Nội vụ", ["Sở Tài chính"]),
        (2, None, []),
    ]
    assert "Các sở thực hiện." not in [t.text for t in plan.tasks]  # section IV is not tasks
