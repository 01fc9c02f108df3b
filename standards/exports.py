"""The 国标代码 columns of the list exports (issue 14, point 8): once the administrator has set codes of an
enumeration, the exports of its ledger carry a “<label>国标代码” column after the record's own columns.

A list view names ``export_columns`` as a property returning ``WithStandardCodes(COLUMNS, spec…)``: nothing
is read while the list page is shown; the export reads the code table once (one query, whatever its rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sanzero.exporting.columns import ExportColumn

from .mapping import BY_KEY
from .models import StandardCode


@dataclass(frozen=True)
class CodeColumn:
    enumeration: str  # "disputes.category"
    path: str  # the row's word: "category", or "category.name" for a subject's Category


def codes_for(keys: Sequence[str]) -> dict[str, dict[str, str]]:
    """{enumeration: {our word: code}} of the codes set, in one query."""
    found: dict[str, dict[str, str]] = {key: {} for key in keys}
    rows = StandardCode.objects.filter(enumeration__in=list(keys)).exclude(code="")
    for key, value, code in rows.values_list("enumeration", "value", "code"):
        found[key][value] = code
    return found


def _word(obj, path: str):
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def code_column(spec: CodeColumn, codes: dict[str, str]) -> ExportColumn:
    return ExportColumn(
        f"{BY_KEY[spec.enumeration].label}国标代码",
        lambda obj, ctx: codes.get(_word(obj, spec.path)),
        max_length=12,
    )


class WithStandardCodes(Sequence):
    """``columns`` and, for each spec whose enumeration has a code set, its 国标代码 column at the end.
    Read on first use (the export), once."""

    def __init__(self, columns: Sequence[ExportColumn], *specs: CodeColumn):
        self.base, self.specs = tuple(columns), specs
        self._columns: list[ExportColumn] | None = None

    def __bool__(self) -> bool:  # the list page asks whether it has an export: no query
        return True

    def _resolved(self) -> list[ExportColumn]:
        if self._columns is None:
            codes = codes_for([s.enumeration for s in self.specs])
            extra = [code_column(s, codes[s.enumeration]) for s in self.specs if codes[s.enumeration]]
            self._columns = [*self.base, *extra]
        return self._columns

    def __len__(self) -> int:
        return len(self._resolved())

    def __getitem__(self, index):
        return self._resolved()[index]

    def __iter__(self):
        return iter(self._resolved())
