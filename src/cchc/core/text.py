"""Vietnamese text folded for comparison: the one place accents are taken off. And text
kept to the characters a Word or Excel file can hold (`xml_safe`)."""

from __future__ import annotations

import re
import unicodedata

# "đ" and "Đ" are letters of their own, not d + a mark: NFD leaves them whole.
_BARRED_D = str.maketrans({"đ": "d", "Đ": "D"})


def without_accents(text: object) -> str:
    """The text without its diacritics, case kept ("Đường Sở Tư pháp" → "Duong So Tu phap"),
    whatever its normal form (NFC or NFD as Word and macOS write it)."""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_BARRED_D))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


# What XML 1.0 — the inside of every .docx and .xlsx — cannot hold: the C0 controls other than
# tab, line feed and carriage return, and the noncharacters U+FFFE, U+FFFF; and lone
# surrogates, which have no UTF-8 at all (JSON can carry one: "\ud800"). One of them in a
# value broke the Excel download (an error page) and, in Word, made the whole report's "<",
# ">" and "&" come out mangled ("a <b>&amp; c" as "bamp;"). ADR 0034.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Word's manual line break and page break, as they come out when its text is pasted.
_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


def xml_safe(text: str) -> str:
    """`text` without the characters a Word or Excel file cannot hold: a vertical tab or a
    form feed (Word's line and page breaks, pasted) becomes a line break, the others, which
    show nothing, are dropped. Typed text is kept this way (every form), and every Word and
    Excel file the product writes (files and the API refuse such text instead, with where
    it is: a program sent it)."""
    if NOT_IN_XML.search(text) is None:
        return text
    return NOT_IN_XML.sub(lambda found: _BREAKS.get(found.group(), ""), text)
