"""A .docx with parts of its zip changed or added: what python-docx would not write (active
content, a field split over runs, a template that renders too much). Shared by the tests of
`core.documents` and of the reports' templates."""

import io
import zipfile


def edit(content: bytes, replace=None, extra=None) -> bytes:
    """`content` with parts changed (`replace`: name → function of its bytes) or added."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if replace and item.filename in replace:
                data = replace[item.filename](data)
            target.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()
