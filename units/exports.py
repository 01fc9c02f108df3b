"""The subject list's Excel export: the list's columns (units.tables.SubjectTable), then the rest of the record.

联系电话 is personal data: masked unless the user's role may reveal it (the export is then logged).
"""

from sanzero.exporting.columns import ExportColumn
from sanzero.validators import mask_phone


def _status(subject, ctx) -> str:
    if subject.left_on and subject.left_on <= ctx.today:
        return "已退出"
    return "在册（信用代码待核）" if subject.credit_code_warning else "在册"


def _parent_name(subject, ctx):
    parent = subject.region.parent
    return parent.name if parent is not None else None


SUBJECT_COLUMNS = (
    ExportColumn("主体名称", "name", max_length=30),
    ExportColumn("类别", "category.name", max_length=8),
    ExportColumn("所属区划", "region.name", max_length=14),
    ExportColumn("主管部门", "department.name", max_length=14),
    ExportColumn("负责人", "responsible_person", max_length=8),
    ExportColumn("联系电话", "phone", mask=mask_phone, max_length=14),
    ExportColumn("纳入日期", "joined_on", kind="date"),
    ExportColumn("状态", _status, max_length=10),
    ExportColumn("主体分组", lambda s, ctx: s.category.get_group_display(), max_length=8),
    ExportColumn("上级区划", _parent_name, max_length=14),
    ExportColumn("区划代码", "region.code", max_length=15),
    ExportColumn("统一社会信用代码", "credit_code", max_length=20),
    ExportColumn("地址", "address", max_length=30),
    ExportColumn("退出日期", "left_on", kind="date"),
    ExportColumn("退出原因", "left_reason", max_length=20),
    ExportColumn("经度", "longitude", kind="decimal"),
    ExportColumn("纬度", "latitude", kind="decimal"),
)
