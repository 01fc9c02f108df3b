"""The 督办 list's Excel export: every open entry overdue or nearly due, in the page's order. No
personal data (the entry's parties stay on its own page)."""

from sanzero.exporting.columns import ExportColumn


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
