"""The key-place ledger's Excel export: the list's columns (places.tables.KeyPlaceTable), then the rest.
The phone is personal data: masked unless the user's role may reveal it (then the export is logged)."""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn
from sanzero.validators import mask_phone

PLACE_COLUMNS = (
    *ledger_head("登记日期", "registered_on"),
    ExportColumn("场所名称", "name", max_length=24),
    ExportColumn("场所类别", "category", max_length=8),
    ExportColumn("风险等级", "risk_level", max_length=4),
    ExportColumn("检查周期（天）", "inspect_every_days", kind="int"),
    ExportColumn("最近检查日期", "last_inspected_on", kind="date"),
    ExportColumn("地址", "address", max_length=30),
    ExportColumn("负责人", "responsible_person", max_length=10),
    ExportColumn("联系电话", "phone", mask=mask_phone, max_length=14),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("撤管日期", "retired_on", kind="date"),
    *ledger_tail(),
)
