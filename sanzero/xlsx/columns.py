"""Declarative column specs and the parsing of one Excel cell into a Python value.

Messages are for clerks, in Chinese. An empty cell (None, "" or only whitespace) parses to None
for every kind; a required column refuses it with "必填".
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

KINDS = ("text", "int", "decimal", "date", "bool", "choice", "rate")

# Characters that make Excel (or LibreOffice/WPS) read a typed-in cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

MSG_REQUIRED = "必填"
MSG_DATE = "日期格式应为YYYY-MM-DD"
MSG_BOOL = "应为“是”或“否”"
MSG_INT = "应为整数"
MSG_NEGATIVE = "不能为负数"
MSG_DECIMAL = "应为数字"
MSG_RATE = "应为0到1之间的比率（如0.8、80或80%）"

RATE_QUANTUM = Decimal("0.0001")
_DATE_RE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$")
_INT_TEXT_RE = re.compile(r"^[+-]?\d+(?:\.0*)?$")


class CellError(ValueError):
    """One cell could not be parsed; ``message`` is the clerk-facing reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_header(text: Any) -> str:
    """The form used to match a header cell to a column: NFKC (full-width → half-width, so
    “（万元）” matches “(万元)”), no whitespace at all, no trailing “*” (the handbook marks
    required columns with one; a clerk may copy it)."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = "".join(value.split())
    return value.rstrip("*")


def _as_text(value: Any) -> str:
    """A cell value as the text a clerk sees, stripped (numbers without a spurious “.0”)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_rate(value: Any) -> Decimal | None:
    """A rate as typed in a cell or a form: 0.985, 98.5, "98.5%" or "９８.５％" → the fraction to four
    places. A number above 1 or with % is a percentage. None when it is not a number; the caller
    checks the range (0–1), so that it can say which of the two was wrong."""
    percent = False
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).strip()
        if value.endswith("%"):
            percent, value = True, value[:-1].strip()
    number = _decimal(value)
    if number is None:
        return None
    if percent or number > 1:
        number = number / 100
    return number.quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


def _decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a number or text, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


@dataclass(frozen=True)
class Column:
    """One column of an import/export sheet.

    ``header`` is the exact text of the header cell; ``key`` is the name the parsed value is
    stored under (usually a model field). ``kind`` selects the parser:

    - text: stripped string, at most ``max_length`` characters; numbers lose a spurious “.0”;
    - int: a non-negative whole number (3 and 3.0 are accepted, 3.5 is not);
    - decimal: a non-negative number, returned as Decimal;
    - date: a real Excel date, or text YYYY-MM-DD (YYYY/MM/DD tolerated);
    - bool: 是 → True, 否 → False;
    - choice: exactly one of ``choices``;
    - rate: 0.8, 80 or “80%” → Decimal("0.8000"); must lie in 0–1.

    ``allow_negative`` lifts the non-negative rule of int and decimal columns.
    """

    header: str
    key: str
    required: bool = False
    kind: str = "text"
    choices: Sequence[str] | None = None
    max_length: int | None = None
    help: str = ""
    allow_negative: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.header!r}: unknown kind {self.kind!r} (one of {', '.join(KINDS)})")
        if not self.header or self.header != self.header.strip():
            raise ValueError(f"Column header {self.header!r} must be non-empty and stripped")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"Column {self.header!r}: a choice column needs choices")
        if self.max_length is not None and self.max_length < 1:
            raise ValueError(f"Column {self.header!r}: max_length must be positive")

    # -- descriptions used by the template's 说明 sheet -------------------------------------
    @property
    def allowed_values(self) -> tuple[str, ...]:
        """The words a drop-down offers: the choices, or 是/否 for a flag; empty otherwise."""
        if self.kind == "choice":
            return tuple(self.choices or ())
        if self.kind == "bool":
            return ("是", "否")
        return ()

    def describe_format(self) -> str:
        if self.kind == "text":
            return f"文本，不超过{self.max_length}个字符" if self.max_length else "文本"
        if self.kind == "int":
            return "整数" if self.allow_negative else "非负整数"
        if self.kind == "decimal":
            return "数字" if self.allow_negative else "非负数字"
        if self.kind == "date":
            return "日期，如2026-03-05（Excel日期或YYYY-MM-DD文本）"
        if self.kind == "bool":
            return "是 / 否"
        if self.kind == "choice":
            return "可选值：" + "、".join(self.choices or ())
        return "比率，如0.8、80或80%（0到1之间）"

    # -- parsing ------------------------------------------------------------------------------
    def parse(self, value: Any) -> Any:
        """The Python value of one cell, or :class:`CellError` with a Chinese reason."""
        if is_blank(value):
            if self.required:
                raise CellError(MSG_REQUIRED)
            return None
        return getattr(self, f"_parse_{self.kind}")(value)

    def _parse_text(self, value: Any) -> str:
        text = _as_text(value)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(f"不能超过{self.max_length}个字符（当前{len(text)}个）")
        return text

    def _parse_choice(self, value: Any) -> str:
        text = _as_text(value)
        if text not in (self.choices or ()):
            raise CellError("应为以下之一：" + "、".join(self.choices or ()))
        return text

    def _parse_bool(self, value: Any) -> bool:
        if isinstance(value, str):
            text = value.strip()
            if text == "是":
                return True
            if text == "否":
                return False
        raise CellError(MSG_BOOL)

    def _parse_date(self, value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            match = _DATE_RE.match(value.strip())
            if match:
                try:
                    return date(int(match[1]), int(match[3]), int(match[4]))
                except ValueError:
                    raise CellError(f"日期无效：{value.strip()}（{MSG_DATE}）")
        raise CellError(MSG_DATE)

    def _parse_int(self, value: Any) -> int:
        if isinstance(value, str):
            text = value.strip()
            if not _INT_TEXT_RE.match(text):
                raise CellError(MSG_INT)
            number = Decimal(text)
        else:
            number = _decimal(value)
            if number is None:
                raise CellError(MSG_INT)
        if number != number.to_integral_value():
            raise CellError(MSG_INT)
        if number < 0 and not self.allow_negative:
            raise CellError(MSG_NEGATIVE)
        return int(number)

    def _parse_decimal(self, value: Any) -> Decimal:
        number = _decimal(value)
        if number is None:
            raise CellError(MSG_DECIMAL)
        if number < 0 and not self.allow_negative:
            raise CellError(MSG_NEGATIVE)
        return number

    def _parse_rate(self, value: Any) -> Decimal:
        rate = parse_rate(value)
        if rate is None or not 0 <= rate <= 1:
            raise CellError(MSG_RATE)
        return rate


@dataclass(frozen=True)
class SheetSpec:
    """A named, ordered list of columns: one import/export sheet."""

    name: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def __post_init__(self):
        columns = tuple(self.columns)
        object.__setattr__(self, "columns", columns)
        seen_headers: set[str] = set()
        seen_keys: set[str] = set()
        for column in columns:
            norm = normalize_header(column.header)
            if norm in seen_headers:
                raise ValueError(f"Sheet {self.name!r}: duplicate header {column.header!r}")
            if column.key in seen_keys:
                raise ValueError(f"Sheet {self.name!r}: duplicate key {column.key!r}")
            seen_headers.add(norm)
            seen_keys.add(column.key)

    def __iter__(self):
        return iter(self.columns)

    def __len__(self):
        return len(self.columns)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def match_header(self, text: Any) -> Column | None:
        """The column whose header the cell text names (see :func:`normalize_header`)."""
        wanted = normalize_header(text)
        for c in self.columns:
            if normalize_header(c.header) == wanted:
                return c
        return None

    def replace_column(self, key: str, **changes: Any) -> SheetSpec:
        """A copy with one column changed, e.g. choices loaded from the database at run time."""
        self.column(key)  # KeyError for an unknown key
        return dataclasses.replace(
            self,
            columns=tuple(dataclasses.replace(c, **changes) if c.key == key else c for c in self.columns),
        )

    @classmethod
    def of(cls, name: str, columns: Iterable[Column]) -> SheetSpec:
        return cls(name=name, columns=tuple(columns))
