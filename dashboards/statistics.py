"""台账数据: the ledger statistics of RegionMonth and DepartmentMonth (DESIGN §5), one block per ledger.

Each ledger declares, in its own small function below, what it counts for a period P of a month:

- ``found``: the RegionFigures field counting its entries dated in P (排查数, 信访件数 …);
- ``done``: the field counting those of them done by the end of P (化解数, 整改数, 办结数), with the SQL
  condition of "done by ``%(end)s``";
- ``overdue``: the SQL condition of "still open at the end of the month and past its deadline"; every
  ledger's such entries add up in 超期未办结数 (``overdue_open``), the same figure for both periods.

The SQL names the entry ``e`` and reads ``%(end)s`` (the month's last day). `block_sql` turns a block
into one SELECT of the entries of a subtree grouped by their subject's region code and department,
with ``m_<field>`` (本月) and ``y_<field>`` (年度累计) columns; dashboards.compute rolls those rows up
to every region in the database, and dashboards.incremental reruns them for one region.

A new ledger (a 治安问题 register, say) adds its RegionFigures fields in a migration, a function like
these returning its StatBlock, and a line in `blocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StatBlock:
    model: type  # the ledger model; its entries belong to a subject (``subject_id``)
    date_field: str  # the entry's own date (登记/发现/受理日期): which periods it counts in
    found: str  # RegionFigures field: entries dated in the period
    done: tuple[str, str] | None = None  # (RegionFigures field, SQL: done by %(end)s)
    overdue: str | None = None  # SQL: open at %(end)s and past its deadline

    @property
    def period_fields(self) -> tuple[str, ...]:
        return (self.found, self.done[0]) if self.done else (self.found,)

    @property
    def fields(self) -> tuple[str, ...]:
        return (*self.period_fields, OVERDUE) if self.overdue else self.period_fields


OVERDUE = "overdue_open"


def disputes() -> StatBlock:
    """矛盾纠纷: 化解 = 已化解 with resolved_on by the end; overdue = still mediating (or resolved only
    after the end) past the whole ladder's deadline."""
    from disputes.models import Dispute

    resolved = "(e.status = '已化解' AND e.resolved_on IS NOT NULL AND e.resolved_on <= %(end)s)"
    return StatBlock(
        Dispute,
        "found_on",
        found="disputes_found",
        done=("disputes_resolved", resolved),
        overdue=f"(e.status = '调解中' OR (e.status = '已化解' AND NOT {resolved})) AND e.overall_due_on < %(end)s",
    )


def hazards() -> StatBlock:
    """安全隐患: 整改 = 待验收 or 已销号 with rectified_on by the end; overdue = not rectified by the end
    and past rectify_due (待验收 is rectified, not overdue)."""
    from hazards.models import Hazard

    rectified = "(e.status IN ('待验收', '已销号') AND e.rectified_on IS NOT NULL AND e.rectified_on <= %(end)s)"
    return StatBlock(
        Hazard,
        "found_on",
        found="hazards_found",
        done=("hazards_rectified", rectified),
        overdue=f"NOT {rectified} AND e.rectify_due < %(end)s",
    )


def petitions() -> StatBlock:
    """信访: 办结 = 已办结 with closed_on by the end; overdue = not closed by the end and past its
    handling deadline (received + 60 days, or the extended one)."""
    from petitions.models import Petition

    closed = "(e.status = '已办结' AND e.closed_on IS NOT NULL AND e.closed_on <= %(end)s)"
    return StatBlock(
        Petition,
        "received_on",
        found="petitions_count",
        done=("petitions_closed", closed),
        overdue=f"NOT {closed} AND e.handle_due < %(end)s",
    )


def public_order() -> StatBlock:
    """治安问题 (issue 14): 解决 = 已解决 with resolved_on by the end (one 已移交, or reopened, is not solved).
    Not in 超期未办结数, whose 口径 (DESIGN §5) stays the three ledgers'."""
    from publicorder.models import PublicOrderProblem

    solved = "(e.status = '已解决' AND e.resolved_on IS NOT NULL AND e.resolved_on <= %(end)s)"
    return StatBlock(PublicOrderProblem, "found_on", found="public_order_found", done=("public_order_solved", solved))


#: the blocks, in the order their fields appear; a new ledger adds its function here
BLOCK_FUNCTIONS: list[Callable[[], StatBlock]] = [disputes, hazards, petitions, public_order]


def blocks() -> list[StatBlock]:
    return [make() for make in BLOCK_FUNCTIONS]


def stat_fields() -> tuple[str, ...]:
    """Every RegionFigures field a block fills, each once (超期未办结数 is shared)."""
    seen: dict[str, None] = {}
    for block in blocks():
        for name in block.fields:
            seen.setdefault(name, None)
    return tuple(seen)


def block_sql(block: StatBlock, *, scope_sql: str) -> str:
    """One SELECT: the block's entries dated up to %(end)s of the subjects whose region code satisfies
    ``scope_sql`` (on ``r.code``), per (region code, department), with m_/y_ columns for each field.
    Parameters: %(month)s, %(end)s, %(year_start)s and the scope's own."""
    from units.models import Region, Subject

    day = f"e.{block.model._meta.get_field(block.date_field).column}"
    in_month, in_year = f"{day} >= %(month)s", f"{day} >= %(year_start)s"
    columns = []

    def count(name: str, condition: str) -> None:
        columns.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}")

    count(f"m_{block.found}", in_month)
    count(f"y_{block.found}", in_year)
    if block.done:
        field, done = block.done
        count(f"m_{field}", f"{in_month} AND {done}")
        count(f"y_{field}", f"{in_year} AND {done}")
    if block.overdue:
        count(f"m_{OVERDUE}", block.overdue)
        count(f"y_{OVERDUE}", block.overdue)
    return (
        f"SELECT r.code AS code, s.department_id AS department_id, {', '.join(columns)} "
        f"FROM {block.model._meta.db_table} e "
        f"JOIN {Subject._meta.db_table} s ON s.id = e.subject_id "
        f"JOIN {Region._meta.db_table} r ON r.id = s.region_id "
        f"WHERE {day} <= %(end)s AND {scope_sql} "
        "GROUP BY r.code, s.department_id"
    )
