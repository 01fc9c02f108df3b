"""The silent subjects' Excel export (沉默主体: no ledger entry and no 零报告 in the month)."""

from sanzero.exporting.columns import ExportColumn


def _township(subject, ctx):
    region = subject.region
    return region.parent.name if region.level != "township" and region.parent is not None else region.name


SILENT_COLUMNS = (
    ExportColumn("乡镇(街道)", _township, max_length=14),
    ExportColumn("所属区划", "region.name", max_length=14),
    ExportColumn("区划代码", "region.code", max_length=15),
    ExportColumn("主体名称", "name", max_length=30),
    ExportColumn("类别", "category.name", max_length=8),
    ExportColumn("主管部门", "department.name", max_length=14),
    ExportColumn("负责人", "responsible_person", max_length=8),
    ExportColumn("纳入日期", "joined_on", kind="date"),
)
