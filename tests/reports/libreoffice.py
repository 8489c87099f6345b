"""Reading a generated .docx the way a user's office suite does: LibreOffice converts it to
PDF (it must open without error) and the PDF's text is read back (poppler's pdftotext, or
LibreOffice's own text export without poppler). A generated .xlsx is converted to CSV with each
cell as LibreOffice shows it. `make test` installs LibreOffice; without it these tests skip
locally and fail in CI."""

import csv
import os
import re
import shutil
import subprocess
import unicodedata

import pytest


def _tool(*names: str) -> str:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail(
            f"{' / '.join(names)} not found; CI must install LibreOffice (libreoffice-writer)"
        )
    pytest.skip(f"{' / '.join(names)} is not installed (apt-get install libreoffice-writer)")


def _convert(soffice: str, source, target_format: str, outdir) -> None:
    profile = (outdir / "lo-profile").as_uri()  # own profile: no clash with a running office
    subprocess.run(  # noqa: S603 — fixed arguments, no shell
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target_format,
         "--outdir", str(outdir), str(source)],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_through_libreoffice(docx: bytes, workdir, name: str = "bao-cao") -> str:
    """The text of the PDF LibreOffice makes of `docx`, whitespace normalised."""
    soffice = _tool("soffice", "libreoffice")
    source = workdir / f"{name}.docx"
    source.write_bytes(docx)
    _convert(soffice, source, "pdf", workdir)
    pdf = workdir / f"{name}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        result = subprocess.run(  # noqa: S603
            [pdftotext, "-layout", str(pdf), "-"], check=True, timeout=120, capture_output=True
        )
        return normalise(result.stdout.decode())
    _convert(soffice, source, "txt:Text (encoded):UTF8", workdir)
    return normalise((workdir / f"{name}.txt").read_text(encoding="utf-8-sig"))


def pdf_through_libreoffice(docx: bytes, workdir, name: str = "van-ban") -> tuple[str, int]:
    """The PDF LibreOffice makes of `docx`: its text (whitespace normalised) and its number
    of pages (poppler's pdfinfo; without it, the page objects of the PDF are counted)."""
    text = text_through_libreoffice(docx, workdir, name)
    pdf = workdir / f"{name}.pdf"
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run(  # noqa: S603
            [pdfinfo, str(pdf)], check=True, timeout=120, capture_output=True
        ).stdout.decode()
        pages = int(
            next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1]
        )
    else:
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    return text, pages


def sheet_through_libreoffice(xlsx: bytes, workdir, name: str = "bang") -> list[list[str]]:
    """The first sheet of `xlsx` as LibreOffice Calc shows it (CSV export with "save cell
    contents as shown"): a formula shows its result, a number its format."""
    soffice = _tool("soffice", "libreoffice")
    source = workdir / f"{name}.xlsx"
    source.write_bytes(xlsx)
    # comma, double quote, UTF-8, from line 1, …, cell contents as shown
    _convert(soffice, source, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
             workdir)  # fmt: skip
    target = workdir / f"{name}.csv"
    if not target.exists():  # Writer alone opens no spreadsheet
        message = "LibreOffice Calc is not installed (apt-get install libreoffice-calc)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with target.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))
