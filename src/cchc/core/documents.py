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
(below the 30 s a gunicorn worker is given by default: the deployment's timeout must stay
above it) and may take RENDER_MEMORY more than the server process holds: the sandbox keeps a
template away from Python's internals, but a loop inside a loop can still run for hours or
fill the memory, and a thread of the server cannot be stopped from outside. The child obeys
SIGTERM, holds RENDER_SECONDS + 1 s of CPU time (RLIMIT_CPU: the kernel ends it even when no
one waits for it) and is killed by Linux when the thread that forked it dies
(PR_SET_PDEATHSIG): a gunicorn worker killed for its timeout leaves no render behind. What
the template renders is checked in the child too — at most UNPACKED_MAX, counted while
Jinja writes it and again unpacked — and so is whatever the caller does with the result
(`finish`: python-docx parsing, core properties): the server process only moves bytes.

A template, and what it renders, is refused when it holds active content Word would run or
fetch: macros, ActiveX controls, OLE objects, a template attached from elsewhere, any
relationship to an external target other than a hyperlink, and the fields DDE, DDEAUTO,
INCLUDETEXT and INCLUDEPICTURE (`_check_archive`).

No app is imported here (core is the bottom layer); which templates exist, and with what
data, is the apps' business (reports: `cchc.reports.document_templates`).
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import multiprocessing
import os
import re
import resource
import signal
import zipfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from docx.document import Document as DocxDocument
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from cchc.core.text import xml_safe

logger = logging.getLogger(__name__)


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


class _BoundedTemplate(Template):
    """A template whose output stops once the environment's `output_left` characters are
    written: a few loops in a 39 KB template wrote a million paragraphs (34 MB of XML), and
    the whole of it was held, parsed and zipped before any check could see it."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        if not isinstance(environment, _Environment):  # pragma: no cover - not ours
            return super().render(*args, **kwargs)
        chunks = []
        for chunk in self.generate(*args, **kwargs):
            environment.output_left -= len(chunk)
            if environment.output_left < 0:
                raise DocumentTemplateError(_output_too_large())
            chunks.append(chunk)
        return "".join(chunks)


class _Environment(ImmutableSandboxedEnvironment):
    # Sandboxed: a template is a document a reform office edits in Word, not code; in a plain
    # environment `{{ cycler.__init__.__globals__.os.popen(…) }}` ran a shell command on the
    # server at upload, and again at every report any agency made. The sandbox refuses
    # attributes that reach Python's internals, keeps data read-only, and holds `range` to
    # 100.000 items (a `range(10**9)` loop held SQLite's write lock for minutes).
    # Strict: a misspelt name is an error at upload, not a blank in a signed document.
    # Bounded: all the parts of one document (body, headers, footers) write at most
    # UNPACKED_MAX characters between them.
    template_class = _BoundedTemplate

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self.output_left = UNPACKED_MAX


def _environment() -> _Environment:
    return _Environment()


# What a template, and a document rendered from it, may hold once unpacked: a Word document
# of text and images is some megabytes; a "zip bomb" of 347 KB unpacked to 300 MB of text and
# took 3,7 GB to render, and a 39 KB template rendered 34 MB of XML (zipped: 144 KB).
UNPACKED_MAX = 64 * 1024 * 1024


def _output_too_large() -> str:
    return (
        f"Mẫu văn bản không dùng được: văn bản tạo từ mẫu khi giải nén lớn hơn "
        f"{UNPACKED_MAX // 2**20} MB (một vòng lặp trong mẫu lặp lại quá nhiều nội dung?)."
    )


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
# stopped and refused (its own loops, not the data, make it so large). RENDER_SECONDS stays
# well below the 30 s gunicorn gives a sync worker by default (README: `gunicorn config.wsgi`):
# at 30 s the worker was killed first, the user got a 500, and the render went on.
RENDER_SECONDS = 20
RENDER_MEMORY = 1024 * 2**20

# Forked, not spawned: the child has the template, the context and every module already, and
# starts in milliseconds; it touches no database connection and ends without running the
# parent's exit handlers.
_FORK = multiprocessing.get_context("fork")


def render_docx(
    template: bytes,
    context: Mapping[str, Any],
    *,
    finish: Callable[[bytes], bytes] | None = None,
    all_names: bool = False,
) -> bytes:
    """The template rendered with `context`, as the bytes of a .docx; rendered in a child
    process, stopped after RENDER_SECONDS. `finish`, when given, is done in the child with
    the rendered bytes and its result is returned (what parses or rewrites the document, so
    that a document the template blew up never enters the server process; any failure of it
    is a refusal). `all_names` also refuses a name the context lacks in a branch the data
    does not take (`check_names`, in the same child and within the same time)."""
    if not template.startswith(b"PK\x03\x04"):
        raise DocumentTemplateError(
            "Tệp mẫu không phải tệp Word .docx (hãy lưu mẫu với định dạng Word .docx)."
        )

    def work() -> bytes:
        data = _render(template, context)
        if all_names:
            _check_names(template, context, archive_checked=True)
        return data if finish is None else _finished(data, finish)

    return _in_child(work)


def check_names(template: bytes, context: Mapping[str, Any]) -> None:
    """Refuse a template that names anything the context lacks, even where the sample data
    does not reach it (a branch of an `{% if %}` the sample does not take); in a child
    process, as a render is."""

    def work() -> bytes:
        _check_names(template, context)
        return b""

    _in_child(work)


_TOO_LARGE = "Mẫu văn bản không dùng được: văn bản tạo từ mẫu quá lớn (một vòng lặp trong mẫu?)."
_BROKEN = "Mẫu văn bản không dùng được: văn bản tạo từ mẫu bị hỏng, Word không mở được."


def _too_slow() -> str:
    return (
        f"Mẫu văn bản không dùng được: điền dữ liệu vào mẫu mất quá {RENDER_SECONDS} "
        "giây và đã bị dừng (một vòng lặp trong mẫu quá lớn?)."
    )


def _in_child(work: Callable[[], bytes]) -> bytes:
    """What `work` returns, done in a forked child process held to RENDER_SECONDS and
    RENDER_MEMORY; its refusal (a DocumentTemplateError) raised here."""
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_child, args=(work, sender, os.getpid()), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(RENDER_SECONDS):
            raise DocumentTemplateError(_too_slow())
        try:
            done, result = receiver.recv()
        except EOFError:  # the child ended without a word: killed, or out of memory mid-send
            done, result = False, None
    finally:
        receiver.close()
        child.join(timeout=1)
        if child.is_alive():
            child.kill()
            child.join()
    if not done:
        if result is None:  # killed by the kernel at its CPU time limit, or out of memory
            result = _too_slow() if child.exitcode == -signal.SIGXCPU else _TOO_LARGE
        raise DocumentTemplateError(result)
    return result


def _child(work: Callable[[], bytes], sender: Any, parent: int) -> None:
    """In the child: the bytes `work` returns, or the refusal's message, sent to the
    parent."""
    try:
        prepare_child(parent)
        sender.send((True, work()))
    except DocumentTemplateError as exc:
        sender.send((False, str(exc)))
    except MemoryError:  # the result itself past the limit, while being sent
        sender.send((False, _TOO_LARGE))
    except Exception:  # a province's file is refused, whatever it breaks
        logger.exception("rendering a document template failed")
        sender.send((False, _BROKEN))
    finally:
        sender.close()


# The signals a server may have taken over (gunicorn's worker: TERM and INT to finish the
# request, QUIT, ABRT to exit through Python) are the kernel's again in the child, and none
# is blocked: a forked render that inherited gunicorn's SIGTERM handler ignored SIGTERM.
_DEFAULT_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGABRT", "SIGXCPU")
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

try:  # the C library of this process (prctl is Linux's; elsewhere there is none)
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except (OSError, TypeError):  # pragma: no cover - not Linux
    _LIBC = None


def prepare_child(parent: int) -> None:
    """Make this (forked) process one that ends on its own: default signal handling, killed
    by Linux when `parent` (the thread that forked it) dies, RENDER_SECONDS + 1 s of CPU
    time (then SIGXCPU, and SIGKILL a second later), no core file, RENDER_MEMORY of memory
    beyond what it holds now."""
    for name in _DEFAULT_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    prctl = getattr(_LIBC, "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above: no one waits
        os._exit(1)
    _limit(resource.RLIMIT_CPU, math.ceil(RENDER_SECONDS) + 1, grace=1)
    _limit(resource.RLIMIT_CORE, 0)
    _limit_memory(RENDER_MEMORY)


def _limit(which: int, soft: int, grace: int = 0) -> None:
    """Lower a resource limit of this process to `soft` (and its hard limit to `soft` +
    `grace`), never above the hard limit it has."""
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
        resource.setrlimit(which, (soft, min(soft + grace, hard)))
    else:
        resource.setrlimit(which, (soft, soft + grace))


def _limit_memory(more: int) -> None:
    """Hold this process's address space to what it has now plus `more` bytes (Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            now = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    _limit(resource.RLIMIT_AS, now + more)


def _finished(data: bytes, finish: Callable[[bytes], bytes]) -> bytes:
    try:
        return finish(data)
    except DocumentTemplateError:
        raise
    except MemoryError as exc:
        raise DocumentTemplateError(_TOO_LARGE) from exc
    except Exception as exc:  # python-docx could not open what the template made
        raise DocumentTemplateError(_BROKEN) from exc


def _render(template: bytes, context: Mapping[str, Any]) -> bytes:
    try:
        _check_archive(template)
        document = DocxTemplate(io.BytesIO(template))
        document.render(_xml_safe(context), jinja_env=_environment(), autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
        _check_archive(buffer.getvalue(), output=True)
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


# Active content: what Word runs, or fetches from elsewhere, when it opens a document.
_MACROS = "macro (VBA)"
_ACTIVEX = "điều khiển ActiveX"
_OLE = "đối tượng nhúng (OLE)"
# Relationship types by their last segment (transitional and strict OOXML, Microsoft's own).
_ACTIVE_RELATIONSHIPS = {
    "vbaproject": _MACROS, "wordvbadata": _MACROS,
    "control": _ACTIVEX, "activexcontrolbinary": _ACTIVEX,
    "oleobject": _OLE, "package": _OLE,
}  # fmt: skip
_ACTIVE_CONTENT_TYPES = {
    "vbaproject": _MACROS, "vbadata": _MACROS, "macroenabled": _MACROS,
    "activex": _ACTIVEX, "oleobject": _OLE,
}  # fmt: skip
_ACTIVE_FIELDS = re.compile(
    r"(?<![a-z])(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE)(?![a-z])", re.IGNORECASE
)
_WORD = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
         "http://purl.oclc.org/ooxml/wordprocessingml/main")  # fmt: skip
_FLD_CHAR = tuple(f"{{{ns}}}fldChar" for ns in _WORD)
_INSTR_TEXT = tuple(f"{{{ns}}}instrText" for ns in _WORD)
_FLD_SIMPLE = tuple(f"{{{ns}}}fldSimple" for ns in _WORD)
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_TYPES = (
    "{http://schemas.openxmlformats.org/package/2006/content-types}Default",
    "{http://schemas.openxmlformats.org/package/2006/content-types}Override",
)
# A part's XML is read without entities, DTDs or the network (defusedxml's rules).
_SAFE = {"resolve_entities": False, "load_dtd": False, "no_network": True, "huge_tree": False}


def _elements(part: bytes, tags: tuple[str, ...]) -> Iterator[Any]:
    """The elements of a part with these tags, in document order."""
    for _event, element in etree.iterparse(io.BytesIO(part), events=("end",), tag=tags, **_SAFE):
        yield element


_UTF8_DECLARATION = re.compile(rb"<\?xml[^>]*?(?:encoding=[\"']utf-8[\"'][^>]*)?\?>", re.I)


def _may_hold_fields(part: bytes) -> bool:
    """Whether a part may hold a field instruction (`w:instrText`, `w:fldSimple w:instr`):
    its bytes hold "instr", or they are not plain UTF-8 XML, where they could be spelt
    otherwise (UTF-16). Word's styles (800 KB in the bundled templates) are not parsed."""
    if b"instr" in part:
        return True
    declaration = _UTF8_DECLARATION.match(part)
    if declaration is None:
        return not part.startswith(b"<")
    return b"encoding" in declaration.group().lower() and b"utf-8" not in (
        declaration.group().lower()
    )


def _shown(text: str) -> str:
    text = " ".join(xml_safe(text).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _check_archive(data: bytes, *, output: bool = False) -> None:
    """A .docx (a zip holding word/document.xml) whose parts, unpacked, stay within
    UNPACKED_MAX, and with no active content: no macros, ActiveX or OLE object, no template
    attached from elsewhere, no relationship to an external target but hyperlinks, no DDE or
    INCLUDE… field. `output`: `data` is what a template rendered (the messages say so)."""
    what = "Văn bản tạo từ mẫu" if output else "Tệp mẫu"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise DocumentTemplateError("Tệp mẫu không phải tệp Word .docx.")
        if sum(info.file_size for info in archive.infolist()) > UNPACKED_MAX:
            raise DocumentTemplateError(
                _output_too_large()
                if output
                else f"Tệp mẫu khi giải nén lớn hơn {UNPACKED_MAX // 2**20} MB: một mẫu văn "
                "bản chỉ gồm chữ và vài hình ảnh nhỏ."
            )
        for name in names:
            lower = name.lower()
            if lower.endswith(("vbaproject.bin", "vbadata.xml")):
                _refuse_active(what, _MACROS, name)
            if lower.startswith("word/activex/"):
                _refuse_active(what, _ACTIVEX, name)
            if lower.startswith("word/embeddings/"):
                _refuse_active(what, _OLE, name)
        if "[Content_Types].xml" in names:
            for element in _elements(archive.read("[Content_Types].xml"), _CONTENT_TYPES):
                content_type = element.get("ContentType", "")
                for marker, kind in _ACTIVE_CONTENT_TYPES.items():
                    if marker in content_type.lower():
                        _refuse_active(what, kind, content_type)
        for name in names:
            if name.endswith(".rels"):
                _check_relationships(archive.read(name), what)
            elif name.startswith("word/") and name.endswith(".xml"):
                part = archive.read(name)
                if _may_hold_fields(part):
                    _check_fields(part, name, what)


def _refuse_active(what: str, kind: str, found: str) -> None:
    if kind == _MACROS:
        advice = "hãy lưu lại mẫu với định dạng Word .docx (không phải .docm), không kèm macro"
    else:
        advice = f"hãy xóa {kind} đó khỏi mẫu rồi lưu lại mẫu với định dạng Word .docx"
    raise DocumentTemplateError(f"{what} có {kind} ({_shown(found)}): {advice}.")


# A path on the author's own disk: a drive letter, as Word writes it (with or without file:///).
_LOCAL_PATH = re.compile(r"(?:file:///)?[a-z]:[\\/](?![\\/])", re.IGNORECASE)


def _check_relationships(part: bytes, what: str) -> None:
    for relationship in _elements(part, (_RELATIONSHIP,)):
        kind = relationship.get("Type", "").rstrip("/").rsplit("/", 1)[-1].lower()
        target = relationship.get("Target", "")
        if kind == "attachedtemplate" and _LOCAL_PATH.match(target):
            # A document made from a template on the author's own disk names it
            # ("file:///C:\\Users\\…\\Mau.dotx"): elsewhere Word finds nothing there and
            # fetches nothing. A template named by an address or a share is what "remote
            # template injection" uses.
            continue
        if kind == "attachedtemplate":
            raise DocumentTemplateError(
                f"{what} gắn với một mẫu Word khác ({_shown(target)}), nơi có thể chứa macro "
                "mà Word tải về và chạy khi mở văn bản: hãy bỏ mẫu gắn kèm (thẻ Developer → "
                "Document Template, xóa đường dẫn trong ô “Document template”) rồi lưu lại "
                "mẫu."
            )
        if kind in _ACTIVE_RELATIONSHIPS:
            _refuse_active(what, _ACTIVE_RELATIONSHIPS[kind], target)
        if relationship.get("TargetMode") == "External" and kind != "hyperlink":
            raise DocumentTemplateError(
                f"{what} có nội dung liên kết tới một nguồn bên ngoài ({_shown(target)}), "
                "Word sẽ tự tải về khi mở văn bản: hãy chèn thẳng nội dung đó vào mẫu (hoặc "
                "xóa nó) rồi lưu lại mẫu; chỉ siêu liên kết (hyperlink) được trỏ ra ngoài."
            )


def _check_fields(part: bytes, name: str, what: str) -> None:
    """No field whose instruction runs a program (DDE, DDEAUTO) or pulls a file in
    (INCLUDETEXT, INCLUDEPICTURE). A field's instruction may be split over several runs
    ("DD" + "EAUTO"): it is read whole, from its begin to its end."""
    fields: list[str] = []  # the instructions of the fields open here, outermost first
    for element in _elements(part, _FLD_CHAR + _INSTR_TEXT + _FLD_SIMPLE):
        if element.tag in _FLD_CHAR:
            kind = _attribute(element, "fldCharType")
            if kind == "begin":
                fields.append("")
            elif kind == "end" and fields:
                fields.pop()
            continue
        if element.tag in _INSTR_TEXT:
            if fields:
                fields[-1] += element.text or ""
                instruction = fields[-1]
            else:
                instruction = element.text or ""
        else:
            instruction = _attribute(element, "instr")
        found = _ACTIVE_FIELDS.search(instruction)
        if found:
            raise DocumentTemplateError(
                f"{what} có trường {found.group(1).upper()} ({name}: “{_shown(instruction)}”), "
                "trường này chạy chương trình hoặc chèn nội dung từ tệp bên ngoài khi Word mở "
                "văn bản: hãy xóa trường đó (Alt+F9 để hiện mã trường) rồi lưu lại mẫu."
            )


def _attribute(element: Any, name: str) -> str:
    """A w: attribute of a w: element, in the element's own namespace."""
    namespace = etree.QName(element).namespace
    return element.get(f"{{{namespace}}}{name}", "")


def _check_names(
    template: bytes, context: Mapping[str, Any], *, archive_checked: bool = False
) -> None:
    """`check_names` in the child; `archive_checked`: `_render` has just checked the
    template's archive, which is not read a second time."""
    try:
        if not archive_checked:
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
