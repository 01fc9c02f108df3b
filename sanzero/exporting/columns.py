"""Export column specs: what one list's Excel export holds, declared next to the app's table.

An app lists its columns in `<app>/exports.py` and its list view names them (`export_columns = ...`);
the base list view does the rest (scope, FilterSet, ordering, masking, streaming, the download centre).

A column's value is either a dotted attribute path ("subject.region.name", None-safe) or a function
`f(obj, ctx)` of the row object and the :class:`ExportContext`. Functions must not query the database:
everything a row needs comes from the list's own select_related/annotate (the export's query count
does not grow with its row count; see sanzero/tests/test_export_lists.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sanzero.privacy import HIDDEN_TEXT


@dataclass(frozen=True)
class ExportContext:
    """Per-export facts a value function may need (computed once, never per row)."""

    user: Any
    reveal: bool  # the user's role may see full personal data (sanzero.roles.REVEAL_ROLES)
    today: datetime.date
    warn_days: int = 3


def _path_getter(path: str) -> Callable[[Any, ExportContext], Any]:
    names = path.split(".")

    def get(obj, ctx):
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name)
        return obj

    return get


@dataclass(frozen=True)
class ExportColumn:
    """One column: its header, how to get the value, and (for personal data) how to mask it.

    ``kind`` only shapes the sheet (text/date/int/decimal/rate: width and number format; a rate is a
    fraction shown as a percentage).
    ``mask`` marks the column as personal data (DESIGN §8): the masked value is written unless the
    user's role may reveal it, and an export with revealed personal data is logged in AccessLog.
    """

    header: str
    value: str | Callable[[Any, ExportContext], Any]
    kind: str = "text"
    mask: Callable[[str], str] | None = None
    max_length: int | None = None
    getter: Callable[[Any, ExportContext], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        getter = _path_getter(self.value) if isinstance(self.value, str) else self.value
        object.__setattr__(self, "getter", getter)

    @property
    def personal(self) -> bool:
        return self.mask is not None

    def get(self, obj, ctx: ExportContext) -> Any:
        value = self.getter(obj, ctx)
        if self.mask is not None and value and not ctx.reveal and value != HIDDEN_TEXT:
            return self.mask(value)
        if value == "":
            return None
        return value


def personal_headers(columns: Sequence[ExportColumn]) -> list[str]:
    return [c.header for c in columns if c.personal]


def yes_no(value) -> str:
    return "是" if value else "否"
