"""How the writing endpoints read a request's body, with every refusal in Vietnamese: DRF's
own parsers answer in English with Python's words ("JSON parse error - Expecting value: line 1
column 15 (char 14)", "'utf-8' codec can't decode …", "… sys.set_int_max_str_digits() …"),
which no catalogue translates because they carry the exception's text."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class Repeated(dict):
    """A JSON object that named a key more than once: the last value is kept, as every JSON
    parser does, and `repeated` lists the keys given again, so that a caller can refuse the
    object instead of silently taking one of its values."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    built = dict(pairs)
    if len(built) == len(pairs):
        return built
    marked = Repeated(built)
    seen: set[str] = set()
    marked.repeated = []
    for key, _value in pairs:
        if key in seen and key not in marked.repeated:
            marked.repeated.append(key)
        seen.add(key)
    return marked


def _integer(digits: str) -> int | str:
    """A JSON integer, or its digits as text when it is longer than Python converts
    (`sys.get_int_max_str_digits()`, 4.300 digits): the receiving check then refuses it as too
    large, where it belongs, instead of the whole body failing to parse."""
    try:
        return int(digits)
    except ValueError:
        return digits


class _Constant(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _Constant(name)


class JSONParser(parsers.JSONParser):
    """JSON as DRF reads it (strict: no NaN or Infinity), refused in Vietnamese with where the
    text goes wrong; objects that repeat a key are marked (`Repeated`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            "".encode(encoding)  # a text encoding only (DRF's `get_encoding`)
        except (LookupError, UnicodeError):
            raise ParseError(
                _("Bảng mã “%(name)s” trong tiêu đề Content-Type không được hỗ trợ; hãy gửi UTF-8.")
                % {"name": encoding}
            ) from None
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("Nội dung không phải văn bản %(encoding)s hợp lệ: byte thứ %(n)s không đọc được.")
                % {"encoding": encoding.upper(), "n": f"{exc.start + 1:,}".replace(",", ".")}
            ) from None
        try:
            return json.loads(
                text, parse_int=_integer, object_pairs_hook=_object, parse_constant=_constant
            )
        except _Constant as exc:
            raise ParseError(
                _("JSON không có giá trị %(name)s: mỗi số phải là một số hữu hạn.")
                % {"name": exc.args[0]}
            ) from None
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("Nội dung không phải JSON hợp lệ: lỗi ở dòng %(line)s, cột %(column)s.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None


class _Form:
    """A form body refused in Vietnamese when it cannot be read (DRF: "Multipart form parse
    error - …", "Unsupported charset …")."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)  # type: ignore[misc]
        except ParseError:
            raise ParseError(
                _("Biểu mẫu gửi lên không đọc được (sai ranh giới multipart hoặc bảng mã).")
            ) from None


class FormParser(_Form, parsers.FormParser):
    pass


class MultiPartParser(_Form, parsers.MultiPartParser):
    pass
