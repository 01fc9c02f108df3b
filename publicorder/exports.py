"""The 治安问题 ledger's Excel export: the list's columns (publicorder.tables), then the rest."""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn

PROBLEM_COLUMNS = (
    *ledger_head("排查日期", "found_on"),
    ExportColumn("问题类别", "category", max_length=8),
    ExportColumn("风险等级", "risk_level", max_length=4),
    ExportColumn("问题描述", "description", max_length=40),
    ExportColumn("牵头整治单位", "lead_unit", max_length=16),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("发现来源", "source", max_length=8),
    ExportColumn("地点（部位）", "location", max_length=20),
    ExportColumn("涉及人数", "people_count", kind="int"),
    ExportColumn("整治责任人", "responsible_person", max_length=8),
    ExportColumn("整治措施", "measures", max_length=30),
    ExportColumn("整治期限", "rectify_due", kind="date"),
    ExportColumn("解决日期", "resolved_on", kind="date"),
    ExportColumn("整治结果", "result", max_length=30),
    ExportColumn("移交日期", "transferred_on", kind="date"),
    ExportColumn("移交单位", "transferred_to", max_length=16),
    ExportColumn("反弹次数", "reopened_count", kind="int"),
    *ledger_tail(),
)
