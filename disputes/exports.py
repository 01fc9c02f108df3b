"""The dispute ledger's Excel export: the list's columns (disputes.tables.DisputeTable), then the rest.

当事人 is personal data: masked name by name unless the user's role may reveal it (then logged).
"""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn

from .models import mask_names

DISPUTE_COLUMNS = (
    *ledger_head("登记日期", "found_on"),
    ExportColumn("纠纷类别", "category", max_length=8),
    ExportColumn("简要情况", "summary", max_length=40),
    ExportColumn("风险等级", "risk_colour", max_length=4),
    ExportColumn("当前调解层级", "level.name", max_length=12),
    ExportColumn("当事人", "parties", mask=mask_names, max_length=20),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("来源", "source", max_length=8),
    ExportColumn("涉及人数", "people_count", kind="int"),
    ExportColumn("整体调解期限", "overall_due_on", kind="date"),
    ExportColumn("化解日期", "resolved_on", kind="date"),
    ExportColumn("协议内容", "agreement", max_length=30),
    ExportColumn("备注", "remarks", max_length=20),
    *ledger_tail(),
)
