"""Import one workbook of one kind: all rows or none (DESIGN §7).

1. read the first sheet with :func:`sanzero.xlsx.read_rows` (refuses non-xlsx, oversize, zip
   bombs, unknown or missing columns, an empty workbook; parses every cell);
2. plan every row with its kind (the web forms' validators, the natural key, new / changed /
   unchanged) and collect every error, not only the first;
3. refuse the whole file when a row lies outside the actor's scope, naming the rows;
4. refuse duplicates of one natural key inside the file;
5. only when nothing is wrong and it is not a dry run: write every new or changed row in one
   ``transaction.atomic`` through the apps' services (unchanged rows are not touched).

Progress is reported through a callback as a percentage: planning is 0–50 (0–100 for a dry run),
writing 50–100.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from sanzero.services import ConflictError, ServiceError, constraint_message, constraints_checked_by_database
from sanzero.xlsx import RowError, read_rows
from sanzero.xlsx.reader import MB

from .base import CHANGED, NEW, UNCHANGED, ImportKind, RowInvalid, RowPlan, get_kind, validation_errors

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * MB
MAX_ROWS = 100_000
MAX_REPORTED_ERRORS = 1000
MSG_NO_DATA = "工作表只有表头，没有数据行"

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do). ``errors`` are the lines
    ``第N行 列名: 原因``; ``row_errors`` the same as :class:`RowError` for tables."""

    kind: str
    dry_run: bool
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    row_errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def errors(self) -> list[str]:
        return [str(e) for e in self.row_errors]

    @property
    def ok(self) -> bool:
        return not self.row_errors

    def summary(self) -> str:
        counts = f"共{self.total}行：新增{self.new}行，修改{self.changed}行，未变化{self.unchanged}行"
        if not self.ok:
            return f"导入失败，未写入任何数据（{len(self.row_errors)}处错误）"
        return ("试导入通过（未写入）。" if self.dry_run else "导入完成。") + counts


class _WriteFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _sort_errors(errors: list[RowError]) -> list[RowError]:
    # File-level messages first, then by row in file order (a row's errors keep their column order).
    return sorted(errors, key=lambda e: (e.row is not None, e.row or 0))


def _row_numbers(rows: list[int]) -> str:
    rows = sorted(set(rows))
    shown = "、".join(str(r) for r in rows[:20])
    return f"第{shown}行" + (f"等{len(rows)}行" if len(rows) > 20 else "")


def import_file(
    *,
    actor,
    kind: str | ImportKind,
    file: Any,
    dry_run: bool,
    progress: Progress | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import ``file`` (a path, bytes or a binary file object) as ``kind`` for ``actor``.

    Never raises for bad input: every problem is in ``result.row_errors`` and nothing is written.
    ``before_commit(result)`` runs inside the write transaction after the last row (the job runner
    marks its job done there, so the job and the data commit together).
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    result = ImportResult(kind=kind.name, dry_run=dry_run)
    report = _Reporter(progress, dry_run)

    if not kind.allowed(actor):
        result.row_errors.append(RowError(None, None, f"您的角色或管辖范围不能导入“{kind.label}”。"))
        return result

    spec = kind.spec()
    read = read_rows(file, spec, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_errors=MAX_REPORTED_ERRORS)
    error_rows = {e.row for e in read.errors if e.row is not None}
    result.total = len(read.rows) + len(error_rows)
    errors: list[RowError] = list(read.errors)
    if any(e.row is None for e in read.errors):
        result.row_errors = errors  # the file itself is refused (or too broken): nothing to plan
        return result
    if not read.rows and not error_rows:
        result.row_errors = [RowError(None, None, MSG_NO_DATA)]
        return result
    report(2)

    rows = read.rows
    plans: list[RowPlan] = []
    scope_rows: list[int] = []
    ctx = None
    if rows:
        ctx = kind.prepare(actor=actor, rows=rows)
        report(5)
        for index, (row, values) in enumerate(rows, start=1):
            try:
                plan = kind.plan(ctx, row, values)
            except RowInvalid as exc:
                errors.extend(exc.errors)
                if exc.out_of_scope:
                    scope_rows.append(row)
            else:
                plans.append(plan)
                result.warnings.extend(plan.warnings)
            report(5 + 95 * index // len(rows))

    seen: dict[tuple, int] = {}
    for plan in plans:
        first = seen.setdefault(plan.key, plan.row)
        if first != plan.row:
            errors.append(
                RowError(
                    plan.row,
                    kind.duplicate_header,
                    f"与第{first}行重复（{kind.key_description}相同），同一记录只能出现一次",
                )
            )

    if scope_rows:
        errors.insert(
            0,
            RowError(
                None,
                None,
                f"{_row_numbers(scope_rows)}的数据不在您的管辖范围内，"
                "整个文件未导入。请删除这些行或由有权限的人员导入。",
            ),
        )

    for plan in plans:
        if plan.action == NEW:
            result.new += 1
        elif plan.action == CHANGED:
            result.changed += 1
        else:
            result.unchanged += 1

    if len(result.warnings) > MAX_REPORTED_ERRORS:
        rest = len(result.warnings) - MAX_REPORTED_ERRORS
        result.warnings = [*result.warnings[:MAX_REPORTED_ERRORS], RowError(None, None, f"……另有{rest}条提示未列出")]
    if errors:
        result.row_errors = _limit(_sort_errors(errors))
        return result
    if dry_run:
        report.done()
        return result

    try:
        _write(kind, ctx, plans, report, result, before_commit)
    except _WriteFailed as failed:
        result.row_errors = failed.errors
        result.new = result.changed = result.unchanged = 0
        return result
    result.written = True
    report.done()
    return result


def _write(kind: ImportKind, ctx, plans: list[RowPlan], report, result: ImportResult, before_commit) -> None:
    todo = [p for p in kind.order(plans) if p.action != UNCHANGED]
    # Every row passed the web form's validation while planning; the check constraints are left to
    # the database (one CHECK per insert instead of one query per constraint per row).
    with transaction.atomic(), constraints_checked_by_database():
        if hasattr(kind, "write_many"):
            _write_batches(kind, ctx, todo, report)
        else:
            _write_rows(kind, ctx, todo, report)
        if before_commit is not None:
            before_commit(result)


def _write_batches(kind, ctx, todo: list[RowPlan], report) -> None:
    size = getattr(kind, "write_batch", 1000)
    for start in range(0, len(todo), size):
        batch = todo[start : start + size]
        try:
            kind.write_many(ctx, batch)
        except ValidationError as exc:
            raise _WriteFailed(
                [RowError(None, None, f"写入失败（第{batch[0].row}–{batch[-1].row}行）：{m}") for m in exc.messages]
            ) from exc
        except (ServiceError, ConflictError, PermissionDenied) as exc:
            raise _WriteFailed(
                [RowError(None, None, f"写入失败（第{batch[0].row}–{batch[-1].row}行）：{exc}")]
            ) from exc
        except DatabaseError as exc:
            logger.warning("import %s rows %s-%s failed", kind.name, batch[0].row, batch[-1].row, exc_info=True)
            reason = constraint_message(exc) or exc
            raise _WriteFailed(
                [RowError(None, None, f"写入失败（第{batch[0].row}–{batch[-1].row}行）：{reason}")]
            ) from exc
        report.writing(start + len(batch), len(todo))


def _write_rows(kind, ctx, todo: list[RowPlan], report) -> None:
    for index, plan in enumerate(todo, start=1):
        try:
            kind.write(ctx, plan)
        except ValidationError as exc:
            raise _WriteFailed(validation_errors(exc, plan.row, kind.headers())) from exc
        except (ServiceError, ConflictError, PermissionDenied) as exc:
            raise _WriteFailed([RowError(plan.row, None, str(exc) or "无权限")]) from exc
        except DatabaseError as exc:
            logger.warning("import %s row %s failed", kind.name, plan.row, exc_info=True)
            raise _WriteFailed([RowError(plan.row, None, constraint_message(exc) or f"写入失败：{exc}")]) from exc
        report.writing(index, len(todo))


def _limit(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    rest = len(errors) - MAX_REPORTED_ERRORS
    return [
        *errors[:MAX_REPORTED_ERRORS],
        RowError(None, None, f"……另有{rest}处错误未列出，请先修改以上错误后重新导入"),
    ]


class _Reporter:
    """Calls the progress callback only when the percentage moves."""

    def __init__(self, callback: Progress | None, dry_run: bool):
        self.callback = callback
        self.dry_run = dry_run
        self.last = -1

    def _emit(self, pct: int) -> None:
        pct = max(0, min(100, pct))
        if self.callback is not None and pct != self.last:
            self.last = pct
            self.callback(pct)

    def __call__(self, planning_pct: int) -> None:
        """Planning progress 0–100, scaled to the whole job."""
        self._emit(planning_pct if self.dry_run else planning_pct // 2)

    def writing(self, done: int, total: int) -> None:
        self._emit(50 + 50 * done // max(total, 1))

    def done(self) -> None:
        self._emit(100)
