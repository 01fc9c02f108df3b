"""The hazard and accident ledgers' Excel exports: the lists' columns (hazards.tables), then the rest."""

from ledger.exports import ledger_head, ledger_tail
from sanzero.exporting.columns import ExportColumn

HAZARD_COLUMNS = (
    *ledger_head("发现日期", "found_on"),
    ExportColumn("隐患类别", "category", max_length=8),
    ExportColumn("等级", "level", max_length=4),
    ExportColumn("隐患描述", "description", max_length=40),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("整改期限", "rectify_due", kind="date"),
    ExportColumn("整改责任人", "responsible_person", max_length=8),
    ExportColumn("整改措施", "measures", max_length=30),
    ExportColumn("整改完成日期", "rectified_on", kind="date"),
    ExportColumn("验收日期", "accepted_on", kind="date"),
    ExportColumn("验收意见", "acceptance_note", max_length=20),
    *ledger_tail(),
)

ACCIDENT_COLUMNS = (
    *ledger_head("发生日期", "occurred_on", deadline=False),
    ExportColumn("事故类型", "kind", max_length=6),
    ExportColumn("简要经过", "summary", max_length=40),
    ExportColumn("死亡", "deaths", kind="int"),
    ExportColumn("受伤", "injuries", kind="int"),
    ExportColumn("重伤", "serious_injuries", kind="int"),
    ExportColumn("损失(万元)", "direct_loss", kind="decimal"),
    ExportColumn("等级", lambda accident, ctx: accident.get_grade_display(), max_length=6),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("结案日期", "closed_on", kind="date"),
    *ledger_tail(deadline=False),
)


def _plan_state(listing, ctx) -> str:
    missing = listing.missing_plan()
    return "已落实" if not missing else "缺" + "、".join(m.removesuffix("落实") for m in missing)


LISTING_COLUMNS = (
    *ledger_head("挂牌日期", "listed_on"),
    ExportColumn("挂牌层级", "tier", max_length=6),
    ExportColumn("督办通知书文号", "notice_number", max_length=20),
    ExportColumn("隐患类别", "hazard.category", max_length=8),
    ExportColumn("隐患内容", "hazard.description", max_length=40),
    ExportColumn("整改时限", "deadline", kind="date"),
    ExportColumn("责任单位", "duty_unit", max_length=20),
    ExportColumn("整改责任人", "duty_person", max_length=8),
    ExportColumn("包保责任领导", "duty_leader", max_length=8),
    ExportColumn("整改措施", "measures", max_length=30),
    ExportColumn("整改资金(万元)", "funds", kind="decimal"),
    ExportColumn("资金来源", "funds_source", max_length=12),
    ExportColumn("计划完成日期", "plan_deadline", kind="date"),
    ExportColumn("应急预案", "contingency", max_length=20),
    ExportColumn("五落实", _plan_state, max_length=12),
    ExportColumn("状态", "status", max_length=6),
    ExportColumn("督办函次数", "letters_count", kind="int"),
    ExportColumn("整改完成日期", "rectified_on", kind="date"),
    ExportColumn("初审日期", "reviewed_on", kind="date"),
    ExportColumn("验收日期", "accepted_on", kind="date"),
    ExportColumn("摘牌日期", "delisted_on", kind="date"),
    ExportColumn("摘牌文号", "delist_number", max_length=16),
    *ledger_tail(),
)


def _published_state(listing, ctx) -> str:
    if listing.delisted_on:
        return f"已摘牌（{listing.delisted_on:%Y-%m-%d}）"
    return "督办中"


#: the published list (公布名单) of one tier: what a 安委会 publishes of a listing, nothing internal
PUBLISHED_COLUMNS = (
    ExportColumn("序号", lambda listing, ctx: listing.row_number, kind="int"),
    ExportColumn("隐患单位", "subject.name", max_length=24),
    ExportColumn("所在乡镇(街道)", lambda listing, ctx: listing.township_name, max_length=10),
    ExportColumn("隐患类别", "hazard.category", max_length=8),
    ExportColumn("隐患内容", "hazard.description", max_length=40),
    ExportColumn("督办通知书文号", "notice_number", max_length=20),
    ExportColumn("挂牌日期", "listed_on", kind="date"),
    ExportColumn("整改时限", "deadline", kind="date"),
    ExportColumn("责任单位", "duty_unit", max_length=20),
    ExportColumn("整改责任人", "duty_person", max_length=8),
    ExportColumn("督办状态", _published_state, max_length=18),
)
