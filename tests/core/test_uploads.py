"""Evidence files are downloaded under a name whose extension is what their content is, and
files that only look like an accepted kind are refused (an outside review planted a script
named ket-qua.hta behind a PDF header, and an installer taken for a spreadsheet)."""

import io
import zipfile

import pytest

from cchc.core.uploads import kept_name, sniff

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("uploaded", "kind", "kept"),
    [
        ("bao-cao.pdf", "pdf", "bao-cao.pdf"),
        ("BAO-CAO.PDF", "pdf", "BAO-CAO.PDF"),
        ("anh.jpeg", "jpg", "anh.jpeg"),
        ("ket-qua.hta", "pdf", "ket-qua.hta.pdf"),  # a script behind a PDF header
        ("cai-dat.msi", "xls", "cai-dat.msi.xls"),
        ("polyglot.html", "png", "polyglot.html.png"),
        ("bien-ban", "docx", "bien-ban.docx"),
        ("../../x", "pdf", "x.pdf"),
        ("C:\\Users\\a\\b.pdf", "pdf", "b.pdf"),
        ("", "png", "tai-lieu.png"),
    ],
)
def test_the_name_ends_with_the_kind_the_content_is(uploaded, kind, kept):
    assert kept_name(uploaded, kind) == kept


def test_a_long_name_is_cut_before_its_extension():
    kept = kept_name("Biên bản kiểm tra " * 20 + ".pdf", "pdf")
    assert len(kept) == 200 and kept.endswith(".pdf")


def office(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_only_office_documents_and_no_macros_pass_as_word_or_excel():
    assert sniff(office("[Content_Types].xml", "word/document.xml")) == "docx"
    assert sniff(office("[Content_Types].xml", "xl/workbook.xml")) == "xlsx"
    assert sniff(office("word/document.xml")) is None  # a zip that merely holds the part
    assert sniff(office("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")) is None
    assert sniff(OLE2 + "WordDocument".encode("utf-16-le")) == "doc"
    assert sniff(OLE2 + "Workbook".encode("utf-16-le")) == "xls"
    assert sniff(OLE2 + b"\x00" * 512) is None  # an installer, or any other OLE2 file


def test_a_file_stored_under_its_old_name_downloads_with_the_extension_of_what_it_is():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from cchc.core.uploads import KINDS, stored_download

    stored = default_storage.save("evidence/t/old.pdf", ContentFile(b"%PDF-1.4 x"))
    response = stored_download(stored_name=stored, original_name="ket-qua.hta",
                               content_type=KINDS["pdf"])  # fmt: skip
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua.hta.pdf"'
    assert response["Content-Type"] == "application/pdf"
