"""The petition ledger's Excel export: the list's columns (petitions.tables.PetitionTable), then the rest.

信访人, 身份证号 and 联系电话 are personal data: masked unless the user's role may reveal them (then the
export is logged). A 检举控告's petitioner and content are never written for staff of the accused
subject's supervising department (petitions.privacy), exactly as on the list.
"""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn
from sanzero.privacy import HIDDEN_TEXT
from sanzero.validators import mask_id_number, mask_phone

from .models import agency_of
from .privacy import hidden_from_accused, mask_name


def _guarded(field: str):
    """The field, or HIDDEN_TEXT where the list hides it (the user's scope is cached: no query per row)."""

    def get(petition, ctx):
        return HIDDEN_TEXT if hidden_from_accused(ctx.user, petition) else getattr(petition, field)

    return get


def _flags(petition, ctx) -> str:
    flags = list(petition.flag_labels)
    if petition.extended_days:
        flags.append(f"延期{petition.extended_days}日")
    return "、".join(flags)


def _agent(petition, ctx) -> str:
    agency = agency_of(petition)
    if agency is None:
        return ""
    if not agency.included:
        return "未纳入代办"
    return f"{agency.get_level_display()} {agency.secretary}".strip()


def _yes_no(field: str):
    return lambda petition, ctx: "是" if getattr(petition, field) else "否"


PETITION_COLUMNS = (
    *ledger_head("登记日期", "received_on"),
    ExportColumn("形式", "channel", max_length=4),
    ExportColumn("类型", "type", max_length=6),
    ExportColumn("信访人", _guarded("petitioner_name"), mask=mask_name, max_length=10),
    ExportColumn("人数", "headcount", kind="int"),
    ExportColumn("到访层级", "level_reached", max_length=4),
    ExportColumn("重点", _flags, max_length=16),
    # The list shows the first 20 characters (诉求摘要); the export holds the whole text.
    ExportColumn("诉求内容", _guarded("content"), max_length=40),
    ExportColumn("代办", _agent, max_length=14),
    ExportColumn("状态", "status", max_length=4),
    ExportColumn("信访件编号", "case_number", max_length=20),
    ExportColumn("信访来源", "source", max_length=6),
    ExportColumn("是否重复访", _yes_no("is_repeat"), max_length=4),
    ExportColumn("异常访", "abnormal_visit", max_length=4),
    ExportColumn("责任单位", "responsible_unit", max_length=16),
    ExportColumn("包案领导", "lead_official", max_length=8),
    ExportColumn("身份证号", _guarded("id_number"), mask=mask_id_number, max_length=20),
    ExportColumn("联系电话", _guarded("phone"), mask=mask_phone, max_length=14),
    ExportColumn("告知期限", "notify_due", kind="date"),
    ExportColumn("告知日期", "notified_on", kind="date"),
    ExportColumn("办结期限", "handle_due", kind="date"),
    ExportColumn("答复日期", "replied_on", kind="date"),
    ExportColumn("办结日期", "closed_on", kind="date"),
    ExportColumn("满意度", "satisfaction", max_length=6),
    *ledger_tail(),
)
