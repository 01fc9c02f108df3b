"""The key-person list's Excel export: the list's columns (persons.tables.KeyPersonTable), then the rest.

姓名, 身份证号, 联系电话 and 现住址 are written masked for every role (persons.privacy): the full values
are read one person at a time through the logged 显示完整个人信息, never in a file."""

from ledger.exports import deadline_state, due_date
from sanzero.exporting.columns import ExportColumn
from sanzero.validators import mask_id_number, mask_phone

from .privacy import mask_address, mask_name


def _masked(field: str, mask):
    def get(person, ctx):
        return mask(getattr(person, field)) or None

    return get


def _keeper(person, ctx) -> str:
    return person.grid_worker.display_name if person.grid_worker is not None else "未落实"


PERSON_COLUMNS = (
    ExportColumn("下次走访期限", due_date, kind="date"),
    ExportColumn("姓名", _masked("name", mask_name), max_length=8),
    ExportColumn("所属村(社区)", "subject.region.name", max_length=14),
    ExportColumn("人员类别", "category", max_length=8),
    ExportColumn("风险等级", "risk_level", max_length=4),
    ExportColumn("包户网格员", _keeper, max_length=10),
    ExportColumn("最近走访日期", "last_visited_on", kind="date"),
    ExportColumn("关联事项", lambda p, ctx: getattr(p, "link_count", None), kind="int"),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("身份证号", _masked("id_number", mask_id_number), max_length=20),
    ExportColumn("联系电话", _masked("phone", mask_phone), max_length=14),
    ExportColumn("现住址", _masked("address", mask_address), max_length=14),
    ExportColumn("列管日期", "registered_on", kind="date"),
    ExportColumn("走访周期（天）", "visit_every_days", kind="int"),
    ExportColumn("解除日期", "released_on", kind="date"),
    ExportColumn("区划代码", "subject.region.code", max_length=15),
    ExportColumn("期限状态", deadline_state, max_length=8),
)
