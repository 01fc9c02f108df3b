"""The Excel engine's framework layer: column specs, a guarded streaming reader and the writers.

Nothing here knows about models. An app describes its sheet with a :class:`SheetSpec`, reads an
upload with :func:`read_rows` (which never raises; every problem is a :class:`RowError`) and
writes exports and templates with :func:`write_rows` / :func:`write_template`.
"""

from .columns import KINDS, CellError, Column, SheetSpec
from .reader import ReadResult, RowError, read_rows
from .writer import write_rows, write_template

__all__ = [
    "KINDS",
    "CellError",
    "Column",
    "ReadResult",
    "RowError",
    "SheetSpec",
    "read_rows",
    "write_rows",
    "write_template",
]
