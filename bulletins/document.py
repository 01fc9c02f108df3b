"""The bulletin as a document: the ranking read from the snapshot (plain numbers, kept on the draft), the
default texts and 红黑榜 of a new draft, and the document dict the page, the xlsx and the PDF are made of.

The ranking comes from dashboards.selectors (ranking_entries, region_months): RegionMonth rows of the
month, 年度累计, never the ledgers. A rate is kept as its numerator and denominator and a target as its
decimal text, so that the document shows exactly what the dashboards show (sanzero.rates).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal

from dashboards.models import ALL_GROUPS, Period
from dashboards.selectors import ranking_entries, region_months
from sanzero.rates import Rate, percent_text, points_text
from units.models import TargetGroup

GROUPS = (("village", TargetGroup.VILLAGE, "村(社区)"), ("unit", TargetGroup.UNIT, "单位(企业)"))
TOP = 3


def _figures(row) -> dict | None:
    if row is None:
        return None
    return {
        "total": row.total,
        "passed": row.passed,
        "target": None if row.target is None else str(row.target),
    }


def read_ranking(*, user, region, month: datetime.date) -> dict:
    """The month's ranking of the region's children (年度累计), and the region's own figures, as plain
    numbers: {"rows": [...by rank], "region": {...}, "snapshot_at": ISO text}. Empty rows: no snapshot."""
    entries = sorted(ranking_entries(user=user, region=region, month=month), key=lambda e: e["rank"])
    own = region_months(user=user, region=region, month=month)
    computed = [r.computed_at for e in entries for r in (e["all"], e["village"], e["unit"]) if r is not None]
    computed += [r.computed_at for r in own.values()]
    rows = []
    for e in entries:
        rows.append(
            {
                "rank": e["rank"],
                "code": e["region"].code,
                "name": e["region"].name,
                "all": _figures(e["all"]),
                "village": _figures(e["village"]),
                "unit": _figures(e["unit"]),
                "overdue": e["all"].overdue_open,
                "below": e["below"],
            }
        )
    return {
        "rows": rows,
        "region": {
            "code": region.code,
            "name": region.name,
            "all": _figures(own.get((ALL_GROUPS, Period.YTD))),
            "village": _figures(own.get((TargetGroup.VILLAGE, Period.YTD))),
            "unit": _figures(own.get((TargetGroup.UNIT, Period.YTD))),
            "overdue": own[(ALL_GROUPS, Period.YTD)].overdue_open if (ALL_GROUPS, Period.YTD) in own else 0,
        },
        "snapshot_at": max(computed).isoformat() if computed else None,
    }


def same_figures(a: dict, b: dict) -> bool:
    """Whether two rankings hold the same numbers (the computation time aside)."""
    return a.get("rows") == b.get("rows") and a.get("region") == b.get("region")


# --- numbers as the document shows them ----------------------------------------------------------


def _rate(fig: dict | None) -> Rate | None:
    return Rate.of(fig["passed"], fig["total"]) if fig else None


def _target(fig: dict | None) -> Decimal | None:
    return Decimal(fig["target"]) if fig and fig["target"] is not None else None


def _gap(fig: dict | None) -> Decimal | None:
    rate, target = _rate(fig), _target(fig)
    return None if rate is None else rate.gap_to(target)


def _value(rate_or_decimal) -> float | None:
    """An xlsx cell's number: a Rate as its "0.0%" cell must read it (sanzero.rates), a Decimal as is."""
    if rate_or_decimal is None:
        return None
    if isinstance(rate_or_decimal, Rate):
        return float(rate_or_decimal.shown_fraction(1))
    return float(rate_or_decimal)


def _cells(fig: dict | None) -> dict:
    rate, target, gap = _rate(fig), _target(fig), _gap(fig)
    return {
        "rate": percent_text(rate),
        "rate_value": _value(rate),
        "target": percent_text(target),
        "target_value": _value(target),
        "gap": points_text(gap),
        "gap_value": _value(gap),
        "below": gap is not None and gap < 0,
    }


def _row(row: dict) -> dict:
    fig = row["all"]
    return {
        "rank": row.get("rank"),
        "code": row["code"],
        "name": row["name"],
        "total": fig["total"] if fig else None,
        "passed": fig["passed"] if fig else None,
        "rate": percent_text(_rate(fig)),
        "rate_value": _value(_rate(fig)),
        "village": _cells(row["village"]),
        "unit": _cells(row["unit"]),
        "overdue": row["overdue"],
        "below": bool(row.get("below")),
    }


def month_span(month: datetime.date) -> str:
    return f"{month.year}年1月" if month.month == 1 else f"{month.year}年1—{month.month}月"


# --- a new draft's texts and 红黑榜 ----------------------------------------------------------------


def _short_of(row: dict) -> list[str]:
    """What a row misses: "村(社区)达标率78.0%，低于年度目标2.0个百分点"."""
    parts = []
    for key, _, label in GROUPS:
        c = _cells(row[key])
        if c["below"]:
            parts.append(f"{label}达标率{c['rate']}，低于年度目标{c['gap'].lstrip('−')}个百分点")
    return parts


def default_texts(ranking: dict, *, region_name: str, month: datetime.date, issued_on: datetime.date) -> dict:
    own = ranking["region"]
    whole = _row({**own, "rank": None})
    due = issued_on + datetime.timedelta(days=10)
    intro = (
        f"{month_span(month)}，{region_name}纳入“三零”创建的{whole['total'] or 0}个主体中，"
        f"{whole['passed'] or 0}个实现“三零”达标，年度累计达标率{whole['rate']}；"
        f"其中村(社区)达标率{whole['village']['rate']}（年度目标{whole['village']['target']}），"
        f"单位(企业)达标率{whole['unit']['rate']}（年度目标{whole['unit']['target']}）。"
        "现将各乡镇(街道)年度累计达标情况排名通报如下。"
    )
    supervised = []
    for row in ranking["rows"]:
        if row["overdue"]:
            supervised.append(
                f"{row['name']}：超期未办结事项{row['overdue']}件，请于{due.month}月{due.day}日前办结销号，"
                "逾期未办结的由县平安办挂牌督办。"
            )
        short = _short_of(row)
        if short:
            supervised.append(f"{row['name']}：{'；'.join(short)}，请分析原因、制定整改措施，于下月5日前报县平安办。")
    return {
        "title": f"关于{month.year}年{month.month}月全县“三零”创建工作情况的通报",
        "issuer": f"{region_name}平安建设领导小组办公室",
        "intro": intro,
        "supervised": "\n".join(supervised),
        "requirements": (
            "各乡镇(街道)要对照排名查找差距，对上黑榜的单位和督办事项逐项整改、逐件销号；"
            "红榜单位要总结经验、保持成效。整改情况于下月5日前书面报县平安办。"
        ),
    }


def default_mentions(ranking: dict) -> list[tuple[str, str, str]]:
    """[(board, region code, reason)]: 红榜, the top three that meet every target; 黑榜, every township
    below a target."""
    out = []
    for row in ranking["rows"][:TOP]:
        cells = _row(row)
        if row["all"] is None or cells["rate_value"] is None or row["below"]:
            continue
        reason = f"年度累计“三零”达标率{cells['rate']}，居第{row['rank']}位，各类主体均达到年度目标"
        reason += "，无超期未办结事项" if not row["overdue"] else ""
        out.append(("red", row["code"], reason + "。"))
    for row in ranking["rows"]:
        if not row["below"]:
            continue
        reason = "；".join(_short_of(row))
        if row["overdue"]:
            reason += f"；超期未办结事项{row['overdue']}件"
        out.append(("black", row["code"], reason + "。"))
    return out


# --- the document --------------------------------------------------------------------------------

HEADERS = [
    "排名",
    "乡镇(街道)",
    "主体总数",
    "三零达标数",
    "三零达标率",
    "村(社区)达标率",
    "村(社区)目标",
    "村(社区)差距",
    "单位(企业)达标率",
    "单位(企业)目标",
    "单位(企业)差距",
    "超期未办结数",
]


def build(bulletin, mentions) -> dict:
    """The document of a bulletin (a draft as it would be published; a published one is stored as this).
    ``mentions``: BulletinMention rows with their region. Only plain text and numbers: JSON as it is."""
    ranking = bulletin.ranking or {"rows": [], "region": None}
    rows = [_row(r) for r in ranking.get("rows", [])]
    ranked = [r for r in rows if r["rate_value"] is not None]
    top = ranked[:TOP]
    bottom = [r for r in ranked[TOP:]][-TOP:]
    month = bulletin.month
    names = {r["code"]: r["name"] for r in rows}
    return {
        "title": bulletin.title,
        "number": bulletin.number,
        "number_text": bulletin.number_text or "（发布时编号）",
        "issuer": bulletin.issuer,
        "issued_on": bulletin.issued_on.isoformat(),
        "issued_text": f"{bulletin.issued_on.year}年{bulletin.issued_on.month}月{bulletin.issued_on.day}日",
        "region": {"code": bulletin.region.code, "name": bulletin.region.name},
        "month": f"{month:%Y-%m}",
        "period_text": f"{month_span(month)}年度累计",
        "intro": bulletin.intro,
        "headers": HEADERS,
        "ranking": rows,
        "total": _row({**ranking["region"], "rank": None}) if ranking.get("region") else None,
        "top": [{"rank": r["rank"], "name": r["name"], "rate": r["rate"]} for r in top],
        "bottom": [{"rank": r["rank"], "name": r["name"], "rate": r["rate"]} for r in bottom],
        "red": [
            {"name": names.get(m.region.code, m.region.name), "reason": m.reason} for m in mentions if m.board == "red"
        ],
        "black": [
            {"name": names.get(m.region.code, m.region.name), "reason": m.reason}
            for m in mentions
            if m.board == "black"
        ],
        "supervised": [line.strip() for line in bulletin.supervised.splitlines() if line.strip()],
        "requirements": bulletin.requirements,
        "snapshot_at": ranking.get("snapshot_at"),
    }


def digest(document: dict) -> str:
    """SHA-256 of the document's canonical JSON: printed on the published files and page (内容校验码)."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
