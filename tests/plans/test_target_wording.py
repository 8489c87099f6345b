"""How the plan parser reads a target's wording (issue 17): who it applies to (đối tượng áp
dụng), the year it is due, ranges per level, two numbers in one sentence, and the indicator
it suggests. Pure Python, no database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cchc.plans.document_parser import parse_plan_text, parse_target_item, plan_to_dict

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED = REPO_ROOT / "src/cchc/data/sources/kh-4345-kh-ubnd-2021.txt"
CURATED = REPO_ROOT / "src/cchc/data/plan_laichau_2022.json"
D = Decimal


def one(text: str):
    targets, warnings = parse_target_item(text, 1)
    assert len(targets) == 1, (targets, warnings)
    return targets[0]


# ------------------------------------------------------------------- applicability


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        # Plan 4345, target 1: departments and districts, not communes.
        (
            "Tối thiểu 30% số sở, ban, ngành tỉnh, UBND các huyện, thành phố được kiểm tra cải "
            "cách hành chính, kết hợp kiểm tra tổ chức bộ máy, kỷ luật, kỷ cương trong năm 2022.",
            ["department", "district"],
        ),
        (
            "Tỷ lệ hồ sơ giải quyết trực tuyến đạt tối thiểu tương ứng 50%, 35%, 20% đối với "
            "thủ tục hành chính thuộc thẩm quyền giải quyết của cấp tỉnh, cấp huyện, cấp xã.",
            ["department", "district", "commune"],
        ),
        ("100% cán bộ, công chức cấp xã đạt chuẩn theo quy định.", ["commune"]),
        (
            "Tăng tối thiểu 10% thủ tục hành chính của các sở, ngành, địa phương có đủ điều "
            "kiện được cung cấp dịch vụ công trực tuyến mức độ 3,4 (so với năm 2021).",
            ["department", "district", "commune"],
        ),
        (
            "100% văn bản quy phạm pháp luật của Hội đồng nhân dân, Ủy ban nhân dân các cấp "
            "được ban hành theo đúng tiến độ và được kiểm tra theo đúng quy định.",
            ["department", "district", "commune"],
        ),
        # A system or an index "cấp tỉnh" names no agency the target applies to.
        (
            "100% Cổng dịch vụ công, Hệ thống thông tin một cửa điện tử cấp tỉnh được kết nối "
            "với Cổng dịch vụ công quốc gia.",
            [],
        ),
        ("100% văn bản quy phạm pháp luật đã ban hành được kiểm tra, rà soát.", []),
        # An index "of the departments" still names the departments.
        ("Chỉ số cải cách hành chính của các sở, ban, ngành đạt trên 80%.", ["department"]),
        # "xã hội" (society) is not a commune.
        ("100% các tổ chức xã hội được lấy ý kiến về thủ tục hành chính.", []),
        # "các cấp ủy" are Party committees, not levels of administration.
        ("100% các cấp ủy được quán triệt kế hoạch cải cách hành chính.", []),
        # An inclusion note widens the scope; an exclusion does not.
        (
            "100% cơ quan chuyên môn thuộc UBND tỉnh (bao gồm cả UBND cấp xã) được đánh giá.",
            ["department", "commune"],
        ),
        ("100% hồ sơ được số hóa (không bao gồm hồ sơ của cấp xã).", []),
    ],
)
def test_scope_levels_follow_the_wording(text: str, levels: list[str]) -> None:
    assert one(text).scope_levels == levels


def test_seed_scope_levels_agree_with_the_curated_plan() -> None:
    plan = parse_plan_text(SEED.read_text(encoding="utf-8"))
    curated = json.loads(CURATED.read_text(encoding="utf-8"))["targets"]
    expected = {f"{t['number']}{t['part']}": t["scope_levels"] for t in curated}
    assert {f"{t.number}{t.part}": t.scope_levels for t in plan.targets} == expected
    assert plan_to_dict(plan)["targets"][0]["scope_levels"] == ["department", "district"]


# --------------------------------------------------------------------- target year


@pytest.mark.parametrize(
    ("text", "year", "baseline"),
    [
        (
            "Đến hết năm 2025, 100% thủ tục hành chính đủ điều kiện được cung cấp dịch vụ "
            "công trực tuyến toàn trình.",
            2025,
            None,
        ),
        (
            "Bảo đảm sự hài lòng của cá nhân, tổ chức đối với sự phục vụ của cơ quan hành "
            "chính nhà nước đạt mức trên 80% vào năm 2020.",
            2020,
            None,
        ),
        ("Đến năm 2025, tối thiểu 80% hồ sơ được số hóa.", 2025, None),
        # The baseline of a growth target is not its due year.
        ("Tăng tối thiểu 15% số hồ sơ được giải quyết trực tuyến (so với năm 2021).", None, 2021),
        (
            "Tăng tối thiểu 15% hồ sơ trực tuyến so với năm 2021, đến hết năm 2025.",
            2025,
            2021,
        ),
        # A year that names what is assessed ("Chỉ số CCHC năm 2021") is not a due year.
        ("100% cơ quan được đánh giá Chỉ số cải cách hành chính năm 2021.", None, None),
        ("Tỷ lệ hồ sơ trực tuyến giai đoạn 2021-2025 đạt tối thiểu 50%.", None, None),
    ],
)
def test_target_year_is_kept_apart_from_the_baseline(text, year, baseline) -> None:
    target = one(text)
    assert target.target_year == year
    assert target.baseline_year == baseline


def test_a_year_written_once_holds_for_the_sentence_and_a_lead_in_for_the_item() -> None:
    targets, _ = parse_target_item(
        "Đến hết năm 2025, 100% thủ tục được công khai; tối thiểu 80% hồ sơ được số hóa.", 2
    )
    assert [t.target_year for t in targets] == [2025, 2025]
    targets, _ = parse_target_item(
        "Phấn đấu đến năm 2030:\n100% hồ sơ được số hóa.\nTối thiểu 90% người dân hài lòng.", 3
    )
    assert [t.target_year for t in targets] == [2030, 2030]


# ------------------------------------------------------------ ranges, parts, markers


def test_a_range_per_level_gets_its_levels_before_or_after() -> None:
    before = one("Tỷ lệ hồ sơ trực tuyến cấp huyện từ 20% đến 30%, cấp xã từ 10% đến 20%.")
    assert before.comparator == "between"
    assert [(t.level, t.value, t.upper) for t in before.thresholds] == [
        ("district", D(20), D(30)),
        ("commune", D(10), D(20)),
    ]
    assert before.quantity == "tỷ lệ hồ sơ trực tuyến"
    assert before.scope_levels == ["district", "commune"]
    after = one(
        "Từ 20% đến 30% hồ sơ tại cấp huyện và từ 10% đến 20% hồ sơ tại cấp xã được số hóa."
    )
    assert [(t.level, t.value, t.upper) for t in after.thresholds] == [
        ("district", D(20), D(30)),
        ("commune", D(10), D(20)),
    ]
    listed = one(
        "Tỷ lệ hồ sơ trực tuyến lần lượt từ 20% đến 30%, từ 10% đến 20% đối với cấp huyện, cấp xã."
    )
    assert [(t.level, t.value, t.upper) for t in listed.thresholds] == [
        ("district", D(20), D(30)),
        ("commune", D(10), D(20)),
    ]


def test_two_numbers_in_one_sentence_are_two_parts_each_with_its_comparator() -> None:
    targets, warnings = parse_target_item(
        "Trên 98% hồ sơ giải quyết đúng hạn, không quá 1% trễ hạn.", 4
    )
    assert [(t.part, t.comparator, t.thresholds[0].value) for t in targets] == [
        ("a", "gt", D(98)),
        ("b", "lte", D(1)),
    ]
    assert not warnings
    # The on-time rate is suggested for the on-time part only.
    assert [t.indicator_code for t in targets] == ["ON_TIME_RATE", None]


def test_a_percentage_starting_a_new_sentence_is_its_own_part() -> None:
    targets, warnings = parse_target_item(
        "100% công chức cấp tỉnh, cấp huyện có trình độ phù hợp với tiêu chuẩn vị trí việc làm. "
        "100% các cơ quan, đơn vị thực hiện lộ trình tinh giảm biên chế.",
        5,
    )
    assert [(t.part, t.comparator, t.thresholds[0].value) for t in targets] == [
        ("a", "gte", D(100)),
        ("b", "gte", D(100)),
    ]
    assert targets[0].scope_levels == ["department", "district"]
    assert targets[1].scope_levels == []
    assert not warnings


@pytest.mark.parametrize(
    "text",
    [
        "Cần đưa tỷ lệ hồ sơ trực tuyến đạt 55%.",
        "Phải đạt tỷ lệ hồ sơ trực tuyến 55%.",
        "Nâng tỷ lệ hồ sơ trực tuyến lên 55%.",
    ],
)
def test_wording_that_sets_a_level_to_reach_is_a_target(text: str) -> None:
    target = one(text)
    assert (target.comparator, target.thresholds[0].value) == ("gte", D(55))
    assert target.quantity == "tỷ lệ hồ sơ trực tuyến"


@pytest.mark.parametrize(
    "text",
    [
        "Năm 2023, tỉnh nâng cao chất lượng phục vụ, tỷ lệ hồ sơ đúng hạn đạt 98%.",
        "Tỷ lệ hồ sơ phải yêu cầu bổ sung là 5%.",
    ],
)
def test_words_near_those_markers_still_report_a_result(text: str) -> None:
    targets, warnings = parse_target_item(text, 7)
    assert targets == [] and warnings


def test_a_problem_is_warned_once_even_when_several_numbers_share_it() -> None:
    targets, warnings = parse_target_item(
        "Tỷ lệ hồ sơ trực tuyến cấp tỉnh đạt 50%, cấp huyện đạt 40%, cấp xã đạt 30%.", 6
    )
    assert targets == []
    assert len(warnings) == 1 and warnings[0].startswith("Chỉ tiêu 6:")
    plan = parse_plan_text(
        "KẾ HOẠCH\nCẢI CÁCH HÀNH CHÍNH NĂM 2024\nII. CHỈ TIÊU\n"
        "1. Tăng tối thiểu 10% hồ sơ trực tuyến; tăng tối thiểu 20% hồ sơ được số hóa.\n"
    )
    growth = [w for w in plan.warnings if "năm so sánh" in w]
    assert growth == ["Chỉ tiêu 1: chỉ tiêu tăng/giảm nhưng không rõ năm so sánh."]


# ---------------------------------------------------------------------- indicators


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.", "ON_TIME_RATE"),
        ("Tối thiểu 50% hồ sơ được tiếp nhận trực tuyến.", "ONLINE_DOSSIER_SHARE"),
        (
            "Tối thiểu 80% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.",
            "ONLINE_DOSSIER_SHARE",
        ),
        (
            "Tối thiểu 30% cơ quan được kiểm tra công tác cải cách hành chính.",
            "INSPECTION_COVERAGE",
        ),
        ("100% cơ quan được đánh giá, xếp loại Chỉ số CCHC.", "PAR_INDEX_COVERAGE"),
        (
            "Tối thiểu 40% kết quả giải quyết thủ tục hành chính còn hiệu lực được số hóa.",
            "RESULT_DIGITISATION",
        ),
        # No registry indicator measures these: no suggestion rather than a wrong one.
        ("Tỷ lệ hồ sơ trễ hạn dưới 2%.", None),
        ("100% báo cáo được gửi đúng hạn.", None),
        (
            "Chỉ số cải cách hành chính (PAR INDEX) tăng từ 05 bậc trở lên so với năm 2024.",
            None,
        ),
        ("100% cán bộ, công chức cấp xã đạt chuẩn theo quy định.", None),
    ],
)
def test_indicator_suggestions(text: str, code: str | None) -> None:
    assert one(text).indicator_code == code
