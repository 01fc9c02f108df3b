"""The hazard and accident ledgers' Excel exports: the lists' columns (hazards.tables), then the rest."""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn

HAZARD_COLUMNS = (
    *ledger_head("发现日期", "found_on"),
    ExportColumn("隐患类别", "category", max_length=8),
    ExportColumn("等级", "level", max_length=4),
    ExportColumn("隐患描述", "description", max_length=40),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("整改期限", "rectify_due", kind="date"),
    ExportColumn("整改责任人", "responsible_person", max_length=8),
    ExportColumn("整改措施", "measures", max_length=30),
    ExportColumn("整改完成日期", "rectified_on", kind="date"),
    ExportColumn("验收日期", "accepted_on", kind="date"),
    ExportColumn("验收意见", "acceptance_note", max_length=20),
    *ledger_tail(),
)

ACCIDENT_COLUMNS = (
    *ledger_head("发生日期", "occurred_on", deadline=False),
    ExportColumn("事故类型", "kind", max_length=6),
    ExportColumn("简要经过", "summary", max_length=40),
    ExportColumn("死亡", "deaths", kind="int"),
    ExportColumn("受伤", "injuries", kind="int"),
    ExportColumn("重伤", "serious_injuries", kind="int"),
    ExportColumn("损失(万元)", "direct_loss", kind="decimal"),
    ExportColumn("等级", lambda accident, ctx: accident.get_grade_display(), max_length=6),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("结案日期", "closed_on", kind="date"),
    *ledger_tail(deadline=False),
)
