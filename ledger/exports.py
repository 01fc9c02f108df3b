"""Export columns every ledger shares (its head and tail, the deadline cells) and the 督办 list's export:
every open entry overdue or nearly due, in the page's order, with no personal data."""

from sanzero.exporting.columns import ExportColumn, ExportContext
from sanzero.workdays import RED, YELLOW, days_overdue, deadline_colour


def _deadline(item, ctx) -> str:
    if item.colour == "red":
        return f"超期{item.days_overdue}天"
    return "今日到期" if item.days_left == 0 else f"{item.days_left}天后到期"


SUPERVISION_COLUMNS = (
    ExportColumn("期限状态", _deadline, max_length=10),
    ExportColumn("办理期限", "entry.due_on", kind="date"),
    ExportColumn("台账", "kind", max_length=10),
    ExportColumn("创建主体", "entry.subject.name", max_length=30),
    ExportColumn("乡镇(街道)", "township.name", max_length=10),
    ExportColumn("所属区划", "entry.subject.region.name", max_length=14),
    ExportColumn("状态", lambda item, ctx: item.entry.get_status_display(), max_length=8),
    ExportColumn("区划代码", "entry.subject.region.code", max_length=15),
)


def due_date(obj, ctx: ExportContext):
    """期限: the open entry's deadline (empty once it is done), as a date cell."""
    return obj.due_on if obj.is_open else None


def deadline_state(obj, ctx: ExportContext) -> str:
    """期限状态, as the list's badge says it: 超期N天 / 临期 / empty."""
    colour = deadline_colour(obj.due_on, ctx.today, done=not obj.is_open, warn_days=ctx.warn_days)
    if colour == RED:
        return f"超期{days_overdue(obj.due_on, ctx.today)}天"
    if colour == YELLOW:
        return "临期"
    return ""


def ledger_head(date_header: str, date_field: str, *, deadline: bool = True) -> list[ExportColumn]:
    """The columns every ledger list starts with (ledger.tables.LedgerTable): 期限, date, subject, region."""
    columns = [ExportColumn("期限", due_date, kind="date")] if deadline else []
    return columns + [
        ExportColumn(date_header, date_field, kind="date"),
        ExportColumn("创建主体", "subject.name", max_length=30),
        ExportColumn("所属区划", "subject.region.name", max_length=16),
    ]


def ledger_tail(*, deadline: bool = True) -> list[ExportColumn]:
    """Columns every ledger export ends with: the region code, and the deadline state when it has one."""
    columns = [ExportColumn("区划代码", "subject.region.code", max_length=15)]
    if deadline:
        columns.append(ExportColumn("期限状态", deadline_state, max_length=8))
    return columns
