"""core.documents: a .docx template (docxtpl) rendered with a context; what is wrong with a
template said in Vietnamese, with the Jinja error and where it is."""

import io
import resource
import zipfile

import pytest
from docx import Document

from cchc.core import documents
from cchc.core.documents import BodyFragment, DocumentTemplateError, render_docx


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
