"""The table reader lives in cchc.core.tables (plans import task lists with it too)."""

from cchc.core.tables import FileError, Table, normalize_text, read_table

__all__ = ["FileError", "Table", "normalize_text", "read_table"]
