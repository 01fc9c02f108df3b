"""Read an uploaded .xlsx against a :class:`SheetSpec`, refusing hostile or broken files early.

:func:`read_rows` never raises: every problem, from “this is not an Excel file” to one bad cell,
comes back as a :class:`RowError` in ``ReadResult.errors``. The checks run cheapest first:

1. size on disk/in memory (no parsing at all);
2. zip magic and the two parts every workbook has, with :mod:`zipfile` only;
3. zip-bomb check from the zip directory (declared sizes and ratios; nothing is decompressed).
   A directory that lies about sizes cannot get past this either: :mod:`zipfile` stops
   decompressing a member at its declared size and then fails the CRC check, and only stored
   or deflated members (all Excel writes) are accepted, whose decompression zipfile bounds
   per read;
4. openpyxl in read-only mode (streaming; defusedxml forbids XML entity tricks), first sheet.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .columns import Column, SheetSpec, is_blank

logger = logging.getLogger(__name__)

MB = 1024 * 1024

MSG_NOT_XLSX = "文件不是有效的Excel（.xlsx）文件"
MSG_BOMB = "文件解压后过大，已拒绝"
MSG_UNREADABLE = "无法读取Excel文件：文件已损坏或内容格式不受支持，请用Excel打开后另存为.xlsx再试"
MSG_EMPTY = "工作表为空，缺少表头行"
MSG_HEADER_ROW_EMPTY = "第1行应为表头行，当前为空"

# Old .xls files and password-protected .xlsx files are OLE compound documents.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# A member above this size must not be compressed more than MAX_RATIO times (normal sheets
# compress 5–20×; repeated-row bombs 1000×).
RATIO_MIN_SIZE = 10 * MB
MAX_RATIO = 200


def _size_text(n: int) -> str:
    if n >= MB and n % MB == 0:
        return f"{n // MB}MB"
    if n >= MB:
        return f"{n / MB:.1f}MB"
    if n >= 1024:
        return f"{n / 1024:.0f}KB"
    return f"{n}字节"


@dataclass(frozen=True)
class RowError:
    """One problem. ``row`` is the Excel row number (None for file-level problems); ``column`` is
    the column's header (None when the problem is not about one column)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        if self.column:
            return f"第{self.row}行 {self.column}: {self.message}"
        return f"第{self.row}行: {self.message}"


@dataclass
class ReadResult:
    """``rows``: (Excel row number, {key: value}) for each non-empty row without errors; a row's
    dict holds the keys of the columns present in the file (an absent optional column is absent
    from the dict, an empty cell is None). ``header``: the header row as read (stripped,
    trailing empty cells dropped). Any error means the file must not be imported."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [str(e) for e in self.errors]


class _Refused(Exception):
    """Stops reading with one file-level message."""


# -- opening the source ---------------------------------------------------------------------


@contextmanager
def _open_source(source: Any, max_bytes: int) -> Iterator[IO[bytes]]:
    """A seekable binary file for a path or a file object, after the size check."""
    too_big = f"文件过大（超过{_size_text(max_bytes)}）"
    if isinstance(source, (str, os.PathLike)):
        try:
            size = os.path.getsize(source)
        except OSError:
            raise _Refused("无法读取Excel文件：文件不存在或无法打开")
        if size > max_bytes:
            raise _Refused(too_big)
        try:
            fh = open(source, "rb")
        except OSError:
            raise _Refused("无法读取Excel文件：文件不存在或无法打开")
        try:
            yield fh
        finally:
            fh.close()
        return

    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) > max_bytes:
            raise _Refused(too_big)
        yield io.BytesIO(bytes(source))
        return

    fh = source
    size = getattr(source, "size", None)  # Django's UploadedFile knows its size
    seekable = False
    try:
        seekable = bool(fh.seekable())
    except (AttributeError, OSError, ValueError):
        seekable = False
    if seekable:
        start = fh.tell()
        end = fh.seek(0, os.SEEK_END)
        fh.seek(start)
        if not isinstance(size, int):
            size = end - start
        if size > max_bytes or end - start > max_bytes:
            raise _Refused(too_big)
        if start:
            # zipfile and openpyxl read from offset 0; give them exactly the remaining bytes.
            yield io.BytesIO(fh.read())
        else:
            yield fh
        return

    # A non-seekable stream: read at most one byte more than allowed.
    data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _Refused(too_big)
    yield io.BytesIO(data)


def _check_zip(fh: IO[bytes], max_uncompressed: int) -> None:
    """Refuse non-xlsx files and zip bombs from the zip directory alone."""
    fh.seek(0)
    magic = fh.read(8)
    fh.seek(0)
    if magic.startswith(OLE_MAGIC):
        raise _Refused(MSG_NOT_XLSX + "（旧版.xls或设置了密码的文件，请在Excel中另存为不加密的.xlsx）")
    if not magic.startswith(ZIP_MAGIC):
        raise _Refused(MSG_NOT_XLSX)
    try:
        with zipfile.ZipFile(fh) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise _Refused(MSG_NOT_XLSX)
    finally:
        fh.seek(0)

    names = {info.filename for info in infos}
    if any(part not in names for part in REQUIRED_PARTS):
        raise _Refused(MSG_NOT_XLSX)
    for info in infos:
        # Excel only stores or deflates; bzip2/lzma members are not bounded per read by zipfile.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            raise _Refused(MSG_NOT_XLSX)

    total = 0
    for info in infos:
        total += info.file_size
        if total > max_uncompressed:
            raise _Refused(MSG_BOMB)
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _Refused(MSG_BOMB)


# -- the sheet ------------------------------------------------------------------------------


def _map_header(values: tuple, spec: SheetSpec, errors: list[RowError]):
    """(header texts, [(index, column)], [blank indexes]); header problems go to ``errors``."""
    texts = ["" if v is None else str(v).strip() for v in values]
    while texts and not texts[-1]:
        texts.pop()

    mapping: list[tuple[int, Column]] = []
    blanks: list[int] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for index, text in enumerate(texts):
        if not text:
            blanks.append(index)
            continue
        column = spec.match_header(text)
        if column is None:
            unknown.append(text)
            continue
        if column.key in seen:
            errors.append(RowError(None, None, f"重复的列：{text}（第{get_column_letter(index + 1)}列）"))
            continue
        seen[column.key] = text
        mapping.append((index, column))

    available = "、".join(spec.headers)
    for text in unknown:
        errors.append(RowError(None, None, f"未知列：{text}（可用列：{available}）"))
    for column in spec.required_columns:
        if column.key not in seen:
            errors.append(RowError(None, None, f"缺少必填列：{column.header}"))
    return texts, mapping, blanks


def _row_is_blank(values: tuple) -> bool:
    return all(is_blank(v) for v in values)


def _read_sheet(fh: IO[bytes], spec: SheetSpec, result: ReadResult, max_rows: int, max_errors: int | None):
    errors = result.errors

    def add(error: RowError) -> None:
        errors.append(error)
        if max_errors is not None and len(errors) >= max_errors:
            errors.append(RowError(None, None, f"错误过多，已停止检查（仅列出前{max_errors}条）"))
            raise _Refused(None)

    workbook = load_workbook(fh, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise _Refused(MSG_EMPTY)
        sheet = workbook.worksheets[0]
        # The <dimension> a file declares may be wrong (and openpyxl would stop reading at it).
        sheet.reset_dimensions()

        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
        if first is None or _row_is_blank(first):
            later = any(not _row_is_blank(v) for v in sheet.iter_rows(min_row=2, max_row=1000, values_only=True))
            raise _Refused(MSG_HEADER_ROW_EMPTY if later else MSG_EMPTY)

        header_errors: list[RowError] = []
        texts, mapping, blanks = _map_header(first, spec, header_errors)
        result.header = texts
        if header_errors:
            errors.extend(header_errors)
            return

        width = len(texts)
        count = 0
        # No max_col: a value to the right of the header (or under a blank header cell) is an
        # error, not silently dropped. A row is at most 16384 cells wide.
        for offset, values in enumerate(sheet.iter_rows(min_row=2, values_only=True)):
            if _row_is_blank(values):
                continue
            count += 1
            if count > max_rows:
                errors.append(RowError(None, None, f"数据行数超过上限（{max_rows}行）"))
                return
            excel_row = offset + 2
            before = len(errors)
            parsed: dict[str, Any] = {}
            for index, column in mapping:
                raw = values[index] if index < len(values) else None
                try:
                    parsed[column.key] = column.parse(raw)
                except ValueError as exc:  # CellError, and anything a parser lets through
                    add(RowError(excel_row, column.header, getattr(exc, "message", None) or str(exc)))
            for index in [*blanks, *range(width, len(values))]:
                if index < len(values) and not is_blank(values[index]):
                    add(RowError(excel_row, f"第{get_column_letter(index + 1)}列", "该列没有表头，内容无法识别"))
            if len(errors) == before:
                result.rows.append((excel_row, parsed))
    finally:
        workbook.close()


def read_rows(
    file_obj_or_path: Any,
    spec: SheetSpec,
    *,
    max_bytes: int = 20 * MB,
    max_rows: int = 100_000,
    max_uncompressed: int = 200 * MB,
    max_errors: int | None = 1000,
) -> ReadResult:
    """Read the first sheet of an .xlsx (a path, bytes or a binary file object) against ``spec``.

    Returns every error found (up to ``max_errors``, then a final “错误过多” line); never raises.
    """
    result = ReadResult()
    try:
        with _open_source(file_obj_or_path, max_bytes) as fh:
            _check_zip(fh, max_uncompressed)
            with warnings.catch_warnings():
                # openpyxl warns about unsupported extensions, conditional formats, etc.
                warnings.simplefilter("ignore")
                _read_sheet(fh, spec, result, max_rows, max_errors)
    except _Refused as refusal:
        message = refusal.args[0] if refusal.args else None
        if message:
            result.rows = []
            result.errors.append(RowError(None, None, message))
    except Exception:  # any parser failure on a hostile or broken file is a refusal, never a 500
        logger.warning("xlsx import: unreadable workbook", exc_info=True)
        result.rows = []
        result.errors.append(RowError(None, None, MSG_UNREADABLE))
    return result
