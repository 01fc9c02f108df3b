"""The police case ledger's Excel export: the list's columns (cases.tables.PoliceCaseTable), then the rest."""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn

from .choices import CaseKind


def _major_influence(case, ctx) -> str:
    if case.kind == CaseKind.CRIMINAL:
        return "不适用"
    return "是" if case.major_influence else "否"


CASE_COLUMNS = (
    *ledger_head("发案日期", "occurred_on", deadline=False),
    ExportColumn("类别", "kind", max_length=4),
    ExportColumn("重大影响", _major_influence, max_length=6),
    ExportColumn("案由", "cause", max_length=20),
    ExportColumn("简要案情", "summary", max_length=40),
    ExportColumn("办案单位", "unit", max_length=24),
    ExportColumn("影响零案件", lambda case, ctx: "影响" if case.breaks_zero_case else "不影响", max_length=6),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("案件编号", "case_no", max_length=20),
    ExportColumn("破案日期", "solved_on", kind="date"),
    ExportColumn("结案日期", "closed_on", kind="date"),
    *ledger_tail(deadline=False),
)
