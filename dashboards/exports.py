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


# -- 乡镇排名: one row per child region, in the page's order ------------------------------------------


def _of(group: str, name: str):
    def get(entry, ctx):
        row = entry[group]
        return getattr(row, name) if row is not None else None

    return get


RANKING_COLUMNS = (
    ExportColumn("排名", lambda e, ctx: e["rank"], kind="int"),
    ExportColumn("区划代码", lambda e, ctx: e["region"].code, max_length=15),
    ExportColumn("区划", lambda e, ctx: e["region"].name, max_length=12),
    ExportColumn("主体总数", _of("all", "total"), kind="int"),
    ExportColumn("三零达标数", _of("all", "passed"), kind="int"),
    ExportColumn("三零达标率", _of("all", "rate"), kind="rate"),
    *(
        ExportColumn(f"{label}{header}", _of(group, name), kind="rate")
        for group, label in (("village", "村(社区)"), ("unit", "单位(企业)"))
        for header, name in (("达标率", "rate"), ("目标", "target"), ("差距", "gap"))
    ),
    ExportColumn("纠纷化解率", _of("all", "dispute_rate"), kind="rate"),
    ExportColumn("隐患整改率", _of("all", "hazard_rate"), kind="rate"),
    ExportColumn("信访办结率", _of("all", "petition_close_rate"), kind="rate"),
    ExportColumn("治安问题解决率", _of("all", "public_order_rate"), kind="rate"),
    ExportColumn("超期未办结数", _of("all", "overdue_open"), kind="int"),
    ExportColumn("未达目标", lambda e, ctx: "是" if e["below"] else "否", max_length=6),
)
