"""Word documents rendered from .docx templates (docxtpl: Jinja written in Word).

`render_docx(template, context)` fills a template's `{{ … }}` and `{% … %}` (in the body, the
headers and footers) and returns the bytes of the .docx. A context value may be a
`BodyFragment`: paragraphs and tables built with python-docx, put in place of a paragraph
`{{p name }}` (the data tables of a report, whose columns depend on the data). Strings are
escaped; a `\\n` in a value becomes a line break inside its paragraph; a character a .docx
cannot hold is dropped (`core.text.xml_safe`).

Errors — a broken template, a name the context does not have, a file that is not a .docx —
raise `DocumentTemplateError` with a Vietnamese message that names the Jinja error and where
it is (the paragraph and its nearby text), so the reform office can find it in Word.

A template is rendered in a child process of its own, which is stopped after RENDER_SECONDS
and may take RENDER_MEMORY more than the server process holds: the sandbox keeps a template
away from Python's internals, but a loop inside a loop can still run for hours or fill the
memory, and a thread of the server cannot be stopped from outside.

No app is imported here (core is the bottom layer); which templates exist, and with what
data, is the apps' business (reports: `cchc.reports.document_templates`).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import resource
import zipfile
from collections.abc import Mapping
from typing import Any

from docx.document import Document as DocxDocument
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from cchc.core.text import xml_safe


class DocumentTemplateError(ValueError):
    """A template that cannot be rendered; the message is Vietnamese and says where."""


class BodyFragment:
    """Paragraphs and tables of a python-docx document, for `{{p name }}` in a template. The
    fragment carries only direct formatting (no style of its own), so it looks the same in
    any template."""

    def __init__(self, document: DocxDocument) -> None:
        body = document.element.body
        if body.sectPr is not None:
            body.remove(body.sectPr)
        self._xml = re.sub(r"</?w:body[^>]*>", "", etree.tostring(body, encoding="unicode"))

    def __html__(self) -> str:  # autoescape: the XML goes in as it is
        return self._xml

    def __str__(self) -> str:
        return self._xml


def _nearby_text(exc: Exception) -> str:
    """The text of the paragraph of a Jinja error, or of the nearest one with text (docxtpl
    puts each paragraph on a line and keeps the lines from 3 before the error to 3 after)."""
    lines = [" ".join(str(line).split()) for line in getattr(exc, "docx_context", None) or []]
    lineno = getattr(exc, "lineno", None)
    if not lines or not lineno:
        return ""
    at = min((lineno - 1) - max(lineno - 4, 0), len(lines) - 1)
    for offset in (0, -1, 1, -2, 2, -3, 3):
        if 0 <= at + offset < len(lines) and lines[at + offset]:
            return lines[at + offset][:80]
    return ""


def _hint(message: str) -> str:
    """The usual Jinja syntax errors, said in Vietnamese (the English message follows)."""
    unknown = re.search(r"unknown tag '(\w+)'", message)
    if unknown:
        return f"không có thẻ “{unknown.group(1)}” (viết sai tên thẻ?)"
    unclosed = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if unclosed:
        block = unclosed.group(1)
        return f"khối “{{% {block} … %}}” chưa được đóng bằng “{{% end{block} %}}”"
    if message.startswith("unexpected '}'") or "expected token 'end of print statement'" in message:
        return "dấu ngoặc của một trường không khớp: trường viết là “{{ tên }}”"
    return ""


def _explain(exc: Exception) -> str:
    if isinstance(exc, UndefinedError):
        name = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
        what = (name.group(2) or name.group(1)) if name else str(exc)
        detail = f"dùng tên “{what}” mà dữ liệu của văn bản không có ({exc})"
    elif isinstance(exc, TemplateSyntaxError):
        message = (exc.message or "").rstrip(".")
        detail = f"sai cú pháp Jinja: {message}"
        hint = _hint(message)
        if hint:
            detail = f"{hint} (sai cú pháp Jinja: {message})"
    else:
        detail = f"lỗi Jinja: {str(exc).rstrip('.')}"
    where = []
    lineno = getattr(exc, "lineno", None)
    if lineno:
        # docxtpl puts every paragraph on a line of its own after the XML declaration line.
        where.append(f"đoạn văn thứ {max(lineno - 1, 1)}")
    nearby = _nearby_text(exc)
    if nearby:
        where.append(f"gần chữ “{nearby}”")
    place = f" ({', '.join(where)})" if where else ""
    return f"Mẫu văn bản không dùng được{place}: {detail}."


def _environment() -> Environment:
    # Sandboxed: a template is a document a reform office edits in Word, not code; in a plain
    # environment `{{ cycler.__init__.__globals__.os.popen(…) }}` ran a shell command on the
    # server at upload, and again at every report any agency made. The sandbox refuses
    # attributes that reach Python's internals, keeps data read-only, and holds `range` to
    # 100.000 items (a `range(10**9)` loop held SQLite's write lock for minutes).
    # Strict: a misspelt name is an error at upload, not a blank in a signed document.
    return ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


# What a template may hold once unpacked: a Word document of text and images is some
# megabytes; a "zip bomb" of 347 KB unpacked to 300 MB of text and took 3,7 GB to render.
UNPACKED_MAX = 64 * 1024 * 1024


def _xml_safe(value: Any) -> Any:
    """The context with every text kept to what a .docx can hold (`xml_safe`), through its
    mappings, lists and tuples. One control character left in made docxtpl's XML unreadable,
    and the whole document came out with every "<", ">" and "&" mangled."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, Mapping):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    if type(value) is tuple:
        return tuple(_xml_safe(item) for item in value)
    return value


# A report of a department renders in well under a second; a template past these limits is
# stopped and refused (its own loops, not the data, make it so large).
RENDER_SECONDS = 30
RENDER_MEMORY = 1024 * 2**20

# Forked, not spawned: the child has the template, the context and every module already, and
# starts in milliseconds; it touches no database connection and ends without running the
# parent's exit handlers.
_FORK = multiprocessing.get_context("fork")


def render_docx(template: bytes, context: Mapping[str, Any]) -> bytes:
    """The template rendered with `context`, as the bytes of a .docx; rendered in a child
    process, stopped after RENDER_SECONDS."""
    if not template.startswith(b"PK\x03\x04"):
        raise DocumentTemplateError(
            "Tệp mẫu không phải tệp Word .docx (hãy lưu mẫu với định dạng Word .docx)."
        )
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_render_child, args=(template, context, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(RENDER_SECONDS):
            raise DocumentTemplateError(
                f"Mẫu văn bản không dùng được: điền dữ liệu vào mẫu mất quá {RENDER_SECONDS} "
                "giây và đã bị dừng (một vòng lặp trong mẫu quá lớn?)."
            )
        try:
            rendered, result = receiver.recv()
        except EOFError:  # the child ended without a word: killed, or out of memory mid-send
            rendered, result = False, _TOO_LARGE
    finally:
        receiver.close()
        child.join(timeout=1)
        if child.is_alive():
            child.kill()
            child.join()
    if not rendered:
        raise DocumentTemplateError(result)
    return result


_TOO_LARGE = "Mẫu văn bản không dùng được: văn bản tạo từ mẫu quá lớn (một vòng lặp trong mẫu?)."


def _render_child(template: bytes, context: Mapping[str, Any], sender: Any) -> None:
    """In the child: the rendered bytes, or the refusal's message, sent to the parent."""
    try:
        _limit_memory(RENDER_MEMORY)
        sender.send((True, _render(template, context)))
    except DocumentTemplateError as exc:
        sender.send((False, str(exc)))
    except MemoryError:  # the result itself past the limit, while being sent
        sender.send((False, _TOO_LARGE))
    finally:
        sender.close()


def _limit_memory(more: int) -> None:
    """Hold this process's address space to what it has now plus `more` bytes (Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            now = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = now + more if hard == resource.RLIM_INFINITY else min(now + more, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _render(template: bytes, context: Mapping[str, Any]) -> bytes:
    try:
        _check_archive(template)
        document = DocxTemplate(io.BytesIO(template))
        document.render(_xml_safe(context), jinja_env=_environment(), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
    except DocumentTemplateError:
        raise
    except SecurityError as exc:
        raise DocumentTemplateError(
            "Mẫu văn bản không dùng được: mẫu chỉ được dùng các trường dữ liệu của văn bản, "
            "không được truy cập vào bên trong hệ thống."
        ) from exc
    except TemplateError as exc:
        raise DocumentTemplateError(_explain(exc)) from exc
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise DocumentTemplateError("Tệp mẫu Word bị hỏng, không đọc được.") from exc
    except Exception as exc:  # anything a template's expressions raise (1 // 0, a wrong type)
        raise DocumentTemplateError(
            f"Mẫu văn bản không dùng được: một biểu thức trong mẫu bị lỗi khi điền dữ liệu "
            f"({_FAILURES.get(type(exc), 'phép tính hoặc bộ lọc không hợp lệ')})."
        ) from exc
    return buffer.getvalue()


_FAILURES = {
    ZeroDivisionError: "chia cho 0",
    TypeError: "phép tính hoặc bộ lọc dùng sai kiểu dữ liệu",
    OverflowError: "vòng lặp hoặc con số quá lớn",
    MemoryError: "mẫu tạo ra quá nhiều nội dung, vượt giới hạn bộ nhớ",
}


def _check_archive(template: bytes) -> None:
    """A .docx (a zip holding word/document.xml, no macros) whose parts, unpacked, stay
    within UNPACKED_MAX."""
    with zipfile.ZipFile(io.BytesIO(template)) as archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise DocumentTemplateError("Tệp mẫu không phải tệp Word .docx.")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise DocumentTemplateError(
                "Tệp mẫu có macro (tệp .docm): hãy lưu lại mẫu với định dạng Word .docx."
            )
        if sum(info.file_size for info in archive.infolist()) > UNPACKED_MAX:
            raise DocumentTemplateError(
                f"Tệp mẫu khi giải nén lớn hơn {UNPACKED_MAX // 2**20} MB: một mẫu văn bản "
                "chỉ gồm chữ và vài hình ảnh nhỏ."
            )


def check_names(template: bytes, context: Mapping[str, Any]) -> None:
    """Refuse a template that names anything the context lacks, even where the sample data
    does not reach it (a branch of an `{% if %}` the sample does not take)."""
    try:
        _check_archive(template)
        document = DocxTemplate(io.BytesIO(template))
        names = document.get_undeclared_template_variables(_environment(), dict(context))
    except DocumentTemplateError:
        raise
    except TemplateError as exc:
        raise DocumentTemplateError(_explain(exc)) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        # python-docx's own words are English and name Python objects ("file
        # '<_io.BytesIO …>' is not a Word file, content type is …").
        raise DocumentTemplateError(
            "Tệp mẫu không đọc được như một văn bản Word .docx (hãy mở bằng Word và lưu lại "
            "với định dạng Word .docx)."
        ) from exc
    if names:
        listed = ", ".join(f"“{name}”" for name in sorted(names))
        raise DocumentTemplateError(
            f"Mẫu văn bản không dùng được: dùng tên {listed} mà dữ liệu của văn bản không có."
        )
