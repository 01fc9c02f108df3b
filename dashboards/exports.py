"""The 达标明细 drill-down's Excel export: the subjects behind a rate, with the verdict of each zero for
the period shown (本月 or 年度累计). No personal data."""

from sanzero.exporting.columns import ExportColumn


def _township(row, ctx):
    region = row.region
    if region.level == "township" or region.parent is None:
        return region.name
    return region.parent.name


def _verdicts(prefix: str) -> tuple[ExportColumn, ...]:
    def flag(name):
        return lambda row, ctx: "达标" if getattr(row, prefix + name) else "不达标"

    return (
        ExportColumn("零上访", flag("petition_ok"), max_length=6),
        ExportColumn("零事故", flag("accident_ok"), max_length=6),
        ExportColumn("零案件", flag("case_ok"), max_length=6),
        ExportColumn("三零达标", flag("passed"), max_length=6),
    )


_HEAD = (
    ExportColumn("区划代码", "region_code", max_length=15),
    ExportColumn("乡镇(街道)", _township, max_length=10),
    ExportColumn("所属区划", "region.name", max_length=14),
    ExportColumn("创建主体", "subject.name", max_length=30),
    ExportColumn("类别", "subject.category.name", max_length=8),
)
_TAIL = (
    ExportColumn("人工认定", lambda row, ctx: "是" if row.override_passed is not None else None, max_length=6),
    ExportColumn("认定理由", "override_reason", max_length=30),
)

MONTH_COLUMNS = (*_HEAD, *_verdicts(""), *_TAIL)
YTD_COLUMNS = (*_HEAD, *_verdicts("ytd_"), *_TAIL)
