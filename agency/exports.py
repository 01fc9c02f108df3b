"""The 书记代办 list's Excel export: one row per record, the list's filter (no personal data: the
secretary is a public office, the matter is named by its subject and 信访件编号, never its petitioner)."""

from sanzero.exporting.columns import ExportColumn


def _matter_subject(record, ctx):
    return record.matter.subject.name


def _region(record, ctx):
    region = record.matter.subject.region
    parent = region.parent if region.is_village_level and region.parent_id else None
    return f"{parent.name}/{region.name}" if parent is not None else region.name


def _case_number(record, ctx):
    return record.petition.case_number if record.petition_id else ""


def _taken(record, ctx):
    return "是" if record.included else "否"


AGENCY_COLUMNS = (
    ExportColumn("列入日期", "taken_on", kind="date"),
    ExportColumn("事项类型", lambda r, ctx: r.matter_kind_label, max_length=6),
    ExportColumn("创建主体", _matter_subject, max_length=20),
    ExportColumn("所属区划", _region, max_length=16),
    ExportColumn("信访件编号", _case_number, max_length=20),
    ExportColumn("事项登记日期", lambda r, ctx: r.matter_date, kind="date"),
    ExportColumn("来源", "source", max_length=6),
    ExportColumn("交办单位", "assigned_by", max_length=14),
    ExportColumn("纳入代办", _taken, max_length=4),
    ExportColumn("未纳入原因", "not_included_reason", max_length=20),
    ExportColumn("代办书记层级", lambda r, ctx: r.get_level_display() if r.level else "", max_length=10),
    ExportColumn("代办书记", "secretary", max_length=8),
    ExportColumn("状态", "status", max_length=5),
    ExportColumn("办结日期", "finished_on", kind="date"),
    ExportColumn("办理结果", "outcome", max_length=6),
    ExportColumn("办理情况", "outcome_note", max_length=30),
)
