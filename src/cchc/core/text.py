"""Vietnamese text folded for comparison: the one place accents are taken off."""

from __future__ import annotations

import unicodedata

# "đ" and "Đ" are letters of their own, not d + a mark: NFD leaves them whole.
_BARRED_D = str.maketrans({"đ": "d", "Đ": "D"})


def without_accents(text: object) -> str:
    """The text without its diacritics, case kept ("Đường Sở Tư pháp" → "Duong So Tu phap"),
    whatever its normal form (NFC or NFD as Word and macOS write it)."""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_BARRED_D))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
