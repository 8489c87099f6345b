"""Evidence files (tài liệu kiểm chứng): the type is checked from the content, not the name;
files are stored privately under a random name and only ever served through a view that
checks the reader's scope."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "png": "image/png",
    "jpg": "image/jpeg",
}


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def sniff(content: bytes) -> str | None:
    """The file's kind from its first bytes (and, for Office Open XML, its parts)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy Word/Excel
        # By the name of its main stream (UTF-16 in the directory): an installer (.msi) or
        # any other OLE2 file is neither, and was taken for a spreadsheet.
        head = content[: 1024 * 1024]
        if "WordDocument".encode("utf-16-le") in head:
            return "doc"
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            return "xls"
        return None
    if content.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names or any(
            name.lower().endswith("vbaproject.bin") for name in names
        ):
            return None  # not an Office document, or one with macros
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


# The extensions a kind's file may keep from its uploader's name.
EXTENSIONS = {"jpg": ("jpg", "jpeg")}
NAME_MAX = 200


def kept_name(original_name: str, kind: str) -> str:
    """The name a stored file is downloaded under: its uploader's, ending with an extension
    of the kind its content is — "ket-qua.hta" holding a PDF is "ket-qua.hta.pdf", so that
    the computer of whoever downloads it opens a PDF, not a script — and cut to NAME_MAX
    characters before that extension, not through it."""
    name = PurePath(original_name.replace("\\", "/")).name.strip() or "tai-lieu"
    stem, _dot, extension = name.rpartition(".")
    if not (stem and extension.lower() in EXTENSIONS.get(kind, (kind,))):
        stem, extension = name, kind
    return f"{stem[: NAME_MAX - len(extension) - 1]}.{extension}"


def store_evidence(*, content: bytes, original_name: str, folder: str) -> StoredFile:
    """Check and store an evidence file; raise ValidationError (Vietnamese) when refused."""
    limit = settings.EVIDENCE_MAX_BYTES
    if not content:
        raise ValidationError(_("Tệp rỗng."))
    if len(content) > limit:
        raise ValidationError(
            _("Tệp “%(n)s” lớn hơn %(limit)s.")
            % {"n": original_name, "limit": filesizeformat(limit)}
        )
    kind = sniff(content)
    if kind is None:
        raise ValidationError(
            _(
                "Chỉ nhận tài liệu PDF, Word, Excel hoặc ảnh (PNG, JPEG); nội dung tệp “%(n)s” không phải các loại này."
            )
            % {"n": original_name}
        )
    name = kept_name(original_name, kind)
    stored = default_storage.save(
        f"evidence/{folder}/{secrets.token_hex(16)}.{kind}", ContentFile(content)
    )
    return StoredFile(stored, name, KINDS[kind], len(content), hashlib.sha256(content).hexdigest())


def stored_download(*, stored_name: str, original_name: str, content_type: str) -> FileResponse:
    """A stored file as an attachment under its kept name (`kept_name`), for every view that
    serves one (after it checked the reader's scope): a file stored before names were kept
    this way is downloaded with the extension of what it is too."""
    kind = next((k for k, t in KINDS.items() if t == content_type), None)
    name = kept_name(original_name, kind) if kind else PurePath(original_name).name
    return FileResponse(default_storage.open(stored_name, "rb"), as_attachment=True,
                        filename=name or "tai-lieu", content_type=content_type)  # fmt: skip


def remove_when_committed(stored_names: list[str] | tuple[str, ...]) -> None:
    """Delete stored files once the transaction removing their rows commits (at once outside
    one): a rolled-back removal keeps its files, and no file outlives the row serving it."""
    names = list(stored_names)

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove)
