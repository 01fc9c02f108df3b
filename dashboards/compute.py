"""Computing a month's snapshots (DESIGN §5): set-based, idempotent, all-or-nothing.

The database does the work, in a handful of statements per ledger, on PostgreSQL and SQLite alike:

1. *members*: the subjects of a scope in the campaign on the month's last day (a temporary table,
   ``snap_members``), each with the region, group and department frozen by an earlier snapshot of the
   month (moving a subject later does not rewrite history) and the rule version of its region and
   group (RuleBook: the nearest region up the code that set its own rules);
2. *failing entries*: for each zero's ledger one INSERT … SELECT of the year-to-date entries that break
   the zero under the member's rule (RuleSet.*_fails_sql), dated in the subject's active period;
3. the few subjects with failing entries or with overrides earlier in the year get their verdicts from
   `evaluate` (the override chain), every other subject passes (or takes its own override);
4. the scope's SubjectMonth rows are deleted and written again with one INSERT … SELECT;
5. RegionMonth and DepartmentMonth: the month's SubjectMonth rows and each ledger's statistics
   (dashboards.statistics) are counted per region code and department, rolled up to every region by
   code prefix, and written with one INSERT … SELECT per table and group kind.

A computation is split into *parts*: the subtree of each county (`units_of`), then the regions above
the counties (the city or province rows, and the ancestors of the computed region: `top_regions`),
summed once the counties are written. `compute_month` runs the parts one after the other in one
transaction; dashboards.fanout runs them as Celery tasks that several workers share. Both give the
same rows. A part killed midway leaves the previous snapshot as it was; running it twice leaves
identical rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from units.models import LEVEL_PREFIX_LENGTH, Category, Region, RegionLevel, Subject, TargetGroup

from . import statistics
from .models import (
    ALL_GROUPS,
    DepartmentMonth,
    MonthStatus,
    Period,
    RegionMonth,
    RuleBook,
    RuleSet,
    SubjectMonth,
    Target,
    month_end,
)


class MonthLocked(Exception):
    """The month is locked for this region (or an ancestor or descendant): nothing is recomputed."""


@dataclass
class ComputeResult:
    region: Region
    month: datetime.date
    subjects: int
    passed: int
    regions: int
    seconds: float


# --- the three zeros: each ledger's failing rows, judged by the rule of the subject's region and group --

ZEROS = ("petitions", "accidents", "cases")


def _ledgers():
    """(key, model, date field, the fields the rule reads, the rule in Python, the rule in SQL) per zero."""
    from cases.models import PoliceCase
    from hazards.models import Accident
    from petitions.models import Petition

    return [
        (
            "petitions",
            Petition,
            "received_on",
            ("is_skip_level", "headcount", "is_abnormal", "level_reached"),
            RuleSet.petition_fails,
            RuleSet.petition_fails_sql,
        ),
        (
            "accidents",
            Accident,
            "occurred_on",
            ("deaths", "injuries", "serious_injuries"),
            RuleSet.accident_fails,
            RuleSet.accident_fails_sql,
        ),
        ("cases", PoliceCase, "occurred_on", ("kind", "major_influence"), RuleSet.case_fails, RuleSet.case_fails_sql),
    ]


# --- locking ---------------------------------------------------------------------------------------


def covering(region: Region, *, below: bool = True) -> Q:
    """MonthStatus rows whose lock covers a region: its own, a region above it and (with below) one
    beneath it. Ancestors' codes sort before their descendants', so ordering by code puts the topmost first."""
    q = Q(region=region) | Q(region__code__in=region.ancestor_codes())
    return q | Q(region__code__startswith=region.prefix) if below else q


def lock_for(region: Region, month: datetime.date, *, below: bool = True) -> MonthStatus | None:
    """The topmost lock covering a region's month, in one query."""
    locks = MonthStatus.objects.filter(
        covering(region, below=below), month=month.replace(day=1), status=MonthStatus.Status.LOCKED
    )
    return locks.select_related("region").order_by("region__code").first()


# --- one subject's verdicts ------------------------------------------------------------------------


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass
class EarlierOverrides:
    """A subject's overrides in the months of the year before the one computed."""

    month: dict[datetime.date, bool] = field(default_factory=dict)  # 本月 verdicts set by hand
    ytd: dict[datetime.date, bool] = field(default_factory=dict)  # 年度累计 verdicts set by hand


def evaluate(
    *,
    month: datetime.date,
    fails: dict[str, list[tuple[int, datetime.date]]],
    earlier: EarlierOverrides,
    override: bool | None,
    ytd_override: bool | None,
) -> dict:
    """The fields of one SubjectMonth from the year's failing entries (id, date) up to the month's end.

    本月 passes when no entry of the month fails; its override replaces it. 年度累计 passes when every month
    so far passed (each month its override, or its own entries); a 年度累计 override of a month replaces
    that month's verdict and is where the later months' 年度累计 start from (it carries forward), until a
    later 年度累计 override. Without overrides this is "no failing entry this year".
    """
    month_fail = {k: [pk for pk, day in v if day >= month] for k, v in fails.items()}
    month_fail = {k: v for k, v in month_fail.items() if v}
    ytd_fail = {k: [pk for pk, _ in v] for k, v in fails.items() if v}
    m_ok = {k: not month_fail.get(k) for k in ZEROS}
    y_ok = {k: not ytd_fail.get(k) for k in ZEROS}
    computed, ytd_computed = all(m_ok.values()), all(y_ok.values())
    passed = computed if override is None else override

    if ytd_override is not None:
        ytd_passed, basis = ytd_override, month
    else:
        failing_months = {day.replace(day=1) for v in fails.values() for _, day in v}
        basis = max(earlier.ytd) if earlier.ytd else None
        ytd_passed = earlier.ytd[basis] if basis else True
        k = next_month(basis) if basis else month.replace(month=1)
        while ytd_passed and k < month:
            ytd_passed = earlier.month.get(k, k not in failing_months)
            k = next_month(k)
        ytd_passed = ytd_passed and passed
    return {
        "petition_ok": m_ok["petitions"],
        "accident_ok": m_ok["accidents"],
        "case_ok": m_ok["cases"],
        "computed_passed": computed,
        "ytd_petition_ok": y_ok["petitions"],
        "ytd_accident_ok": y_ok["accidents"],
        "ytd_case_ok": y_ok["cases"],
        "ytd_computed_passed": ytd_computed,
        "failures": month_fail,
        "ytd_failures": ytd_fail,
        "passed": passed,
        "ytd_passed": ytd_passed,
        "ytd_basis": basis,
    }


OVERRIDE_FIELDS = (
    "override_passed",
    "override_reason",
    "override_by_id",
    "override_at",
    "ytd_override_passed",
    "ytd_override_reason",
    "ytd_override_by_id",
    "ytd_override_at",
)


# --- the parts of a computation ----------------------------------------------------------------------

#: regions above the counties: a computation of one of them is split into its counties' subtrees, then
#: these regions' own rows, summed from the counties' (the subjects registered on them directly too)
ABOVE_COUNTIES = (RegionLevel.PROVINCE, RegionLevel.CITY)


def units_of(region: Region) -> list[Region]:
    """The subtrees a computation of ``region`` is split into: its counties (a city or province), else
    the region itself."""
    if region.level not in ABOVE_COUNTIES:
        return [region]
    return list(Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=region.prefix).order_by("code"))


def top_regions(region: Region) -> list[Region]:
    """The regions whose rows are summed after the units: the city and province rows in the subtree and
    every ancestor of the region, by code."""
    above = (
        list(Region.objects.filter(level__in=ABOVE_COUNTIES, code__startswith=region.prefix))
        if region.level in ABOVE_COUNTIES
        else []
    )
    return sorted({r.pk: r for r in [*region.ancestors(), *above]}.values(), key=lambda r: r.code)


def tree_root(region: Region) -> Region:
    ancestors = region.ancestors()
    return ancestors[0] if ancestors else region


def _covering_county(region: Region) -> Region:
    if region.level in ABOVE_COUNTIES or region.level == RegionLevel.COUNTY:
        return region
    county = next((a for a in region.ancestors() if a.level == RegionLevel.COUNTY), None)
    return county or region


def _lock_regions(regions) -> None:
    """Row locks on the regions, in code order (every computation takes them in this order: no deadlock).
    A unit's subjects and rows are written under its county's lock, the rows above the counties under
    the tree root's: two computations of overlapping subtrees take turns."""
    ids = sorted({r.pk for r in regions})
    list(Region.objects.select_for_update().filter(pk__in=ids).order_by("code").values_list("pk", flat=True))


@dataclass(frozen=True)
class Scope:
    """Where a part's rows are: region codes under ``prefix``; with ``codes``, only those codes (the
    regions above the counties); with ``also``, these codes besides (a subtree's ancestors)."""

    prefix: str
    codes: tuple[str, ...] | None = None
    also: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.codes is not None and not self.codes

    def where(self, column: str, q: _Query) -> str:
        sql = f"{column} LIKE {q.param(self.prefix + '%')}"
        if self.codes is not None:
            sql += f" AND {column} IN ({', '.join(q.param(c) for c in self.codes)})"
        if self.also:
            sql = f"({sql} OR {column} IN ({', '.join(q.param(c) for c in self.also)}))"
        return sql


class _Query:
    """Named parameters for one statement (``%(name)s``, which both backends take)."""

    def __init__(self, window: _Window):
        ops = connection.ops
        self.params: dict = {
            "month": ops.adapt_datefield_value(window.month),
            "end": ops.adapt_datefield_value(window.end),
            "year_start": ops.adapt_datefield_value(window.year_start),
            "now": ops.adapt_datetimefield_value(window.now),
        }

    def param(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


@dataclass(frozen=True)
class _Window:
    month: datetime.date
    end: datetime.date
    year_start: datetime.date
    now: datetime.datetime

    @classmethod
    def of(cls, month: datetime.date, now: datetime.datetime) -> _Window:
        month = month.replace(day=1)
        return cls(month, month_end(month), month.replace(month=1), now)


def _date(value) -> datetime.date | None:
    """A date as the raw cursor returns it (SQLite: text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _flag(value) -> bool | None:
    return None if value is None else bool(value)


TEMP_TABLES = (
    "snap_members",
    "snap_fails",
    "snap_verdicts",
    "snap_regions",
    "snap_base",
    "snap_counts",
    "snap_stat_base",
    "snap_stats",
    "snap_region_depts",
)


def _drop_temp_tables(cursor) -> None:
    for name in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _analyze(cursor, table: str) -> None:
    """PostgreSQL plans a temporary table's joins from its statistics, which autovacuum never gathers."""
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {table}")


# --- the computation -------------------------------------------------------------------------------


def compute_month(
    *,
    region: Region,
    month: datetime.date,
    progress: Callable[[int], None] | None = None,
    now: datetime.datetime | None = None,
) -> ComputeResult:
    """The region's month in one process and one transaction: each county's part, then the rows above."""
    started = timezone.now()
    now = now or started
    progress = progress or (lambda pct: None)
    window = _Window.of(month, now)
    units = units_of(region)
    root = tree_root(region)
    with transaction.atomic():
        # One computation of a subtree at a time (a second one waits, then finds the first's result).
        _lock_regions([root, *([_covering_county(region)] if region.level not in ABOVE_COUNTIES else units)])
        locked = lock_for(region, window.month)
        if locked is not None:
            raise MonthLocked(f"{locked.region.name} {window.month:%Y年%m月}已锁定，不能重新计算。")
        book = RuleBook.load()
        # in one process the whole subtree is one scope: one pass over the subjects and one over the
        # regions; dashboards.fanout runs the same statements per county, then the rows above
        subjects, passed = _compute_subjects(scope=Scope(region.prefix), window=window, book=book)
        progress(70)
        regions = list(Region.objects.filter(code__startswith=region.prefix)) + region.ancestors()
        written = _write_regions(
            regions=regions,
            rows=Scope(region.prefix, None, tuple(sorted(region.ancestor_codes()))),
            counted=root.prefix,
            window=window,
        )
        progress(100)
    return ComputeResult(region, window.month, subjects, passed, written, (timezone.now() - started).total_seconds())


@dataclass
class PartResult:
    subjects: int = 0
    passed: int = 0
    regions: int = 0


def compute_unit(*, unit: Region, month: datetime.date, now: datetime.datetime) -> PartResult:
    """One county's part (dashboards.fanout): its subjects and the rows of its subtree, in a transaction
    under the county's lock. MonthLocked when the month is locked there."""
    window = _Window.of(month, now)
    with transaction.atomic():
        _lock_regions([unit])
        locked = lock_for(unit, window.month)
        if locked is not None:
            raise MonthLocked(f"{locked.region.name} {window.month:%Y年%m月}已锁定，不能重新计算。")
        return _compute_part(unit=unit, window=window, book=RuleBook.load())


def compute_above(*, region: Region, month: datetime.date, now: datetime.datetime) -> PartResult:
    """The rows above the counties of ``region``'s computation (dashboards.fanout, once every county's
    part is written): the subjects registered on those regions directly, and the regions' rows."""
    window = _Window.of(month, now)
    with transaction.atomic():
        _lock_regions([tree_root(region)])
        locked = lock_for(region, window.month, below=False)
        if locked is not None:
            raise MonthLocked(f"{locked.region.name} {window.month:%Y年%m月}已锁定，不能重新计算。")
        return _compute_top(region=region, window=window, book=RuleBook.load())


def _compute_part(*, unit: Region, window: _Window, book: RuleBook) -> PartResult:
    subjects, passed = _compute_subjects(scope=Scope(unit.prefix), window=window, book=book)
    regions = list(Region.objects.filter(code__startswith=unit.prefix).order_by("code"))
    written = _write_regions(regions=regions, rows=Scope(unit.prefix), counted=unit.prefix, window=window)
    return PartResult(subjects, passed, written)


def _compute_top(*, region: Region, window: _Window, book: RuleBook) -> PartResult:
    result = PartResult()
    if region.level in ABOVE_COUNTIES:
        above = tuple(
            Region.objects.filter(level__in=ABOVE_COUNTIES, code__startswith=region.prefix).values_list(
                "code", flat=True
            )
        )
        result.subjects, result.passed = _compute_subjects(scope=Scope(region.prefix, above), window=window, book=book)
    regions = top_regions(region)
    if regions:
        root = tree_root(region)
        result.regions = _write_regions(
            regions=regions, rows=Scope(root.prefix, tuple(r.code for r in regions)), counted=root.prefix, window=window
        )
    return result


# --- the subjects' rows ------------------------------------------------------------------------------

#: SubjectMonth's verdict columns (evaluate's keys), written from snap_verdicts for the subjects it holds
VERDICT_COLUMNS = (
    "petition_ok",
    "accident_ok",
    "case_ok",
    "computed_passed",
    "ytd_petition_ok",
    "ytd_accident_ok",
    "ytd_case_ok",
    "ytd_computed_passed",
    "failures",
    "ytd_failures",
    "passed",
    "ytd_passed",
    "ytd_basis",
)
OVERRIDE_COLUMNS = (
    "override_passed",
    "override_reason",
    "override_by_id",
    "override_at",
    "ytd_override_passed",
    "ytd_override_reason",
    "ytd_override_by_id",
    "ytd_override_at",
)


def _rule_case(book: RuleBook, *, code: str, group: str) -> str:
    """SQL giving the rule version of a (region code, group), as RuleBook.rule_for: the longest code
    prefix (12, 9, 6, 4, 2 digits) with its own rules, else the built-in default."""
    whens = []
    owned = [
        (prefix, grp, rule.pk)
        for (prefix, grp), rule in book.latest.items()
        if prefix is not None and len(prefix) in RuleBook.PREFIX_LENGTHS
    ]
    for prefix, grp, pk in sorted(owned, key=lambda o: -len(o[0])):
        assert prefix.isdigit() and grp in TargetGroup.values
        whens.append(f"WHEN {group} = '{grp}' AND substr({code}, 1, {len(prefix)}) = '{prefix}' THEN {int(pk)}")
    for grp in TargetGroup.values:
        whens.append(f"WHEN {group} = '{grp}' THEN {int(book.latest[(None, grp)].pk)}")
    return f"CASE {' '.join(whens)} END"


def _compute_subjects(*, scope: Scope, window: _Window, book: RuleBook) -> tuple[int, int]:
    """Rewrite the month's SubjectMonth rows of the scope; returns (rows, rows passed)."""
    if scope.empty:
        return 0, 0
    sm = SubjectMonth._meta.db_table
    subject, region, category = Subject._meta.db_table, Region._meta.db_table, Category._meta.db_table
    with connection.cursor() as cursor:
        _drop_temp_tables(cursor)
        # 1. members: frozen here by an earlier snapshot of the month, or (none yet) registered here
        q = _Query(window)
        active = "(s.joined_on IS NULL OR s.joined_on <= %(end)s) AND (s.left_on IS NULL OR s.left_on > %(end)s)"
        kept = ", ".join(f"o.{c}" for c in OVERRIDE_COLUMNS)
        none = ", ".join(f"{'NULL' if not c.endswith('reason') else chr(39) * 2} AS {c}" for c in OVERRIDE_COLUMNS)
        frozen_here = (
            f'SELECT o.subject_id, o.region_id, o.region_code, o."group" AS grp, o.department_id, s.joined_on, {kept} '
            f"FROM {sm} o JOIN {subject} s ON s.id = o.subject_id "
            f"WHERE o.month = %(month)s AND {scope.where('o.region_code', q)} AND {active}"
        )
        new_here = (
            f'SELECT s.id, s.region_id, r.code, c."group", s.department_id, s.joined_on, {none} '
            f"FROM {subject} s JOIN {region} r ON r.id = s.region_id JOIN {category} c ON c.id = s.category_id "
            f"WHERE {scope.where('r.code', q)} AND {active} "
            f"AND NOT EXISTS (SELECT 1 FROM {sm} o WHERE o.subject_id = s.id AND o.month = %(month)s)"
        )
        rule = _rule_case(book, code="u.region_code", group="u.grp")
        cursor.execute(
            f"CREATE TEMP TABLE snap_members AS SELECT u.*, {rule} AS rule_id "
            f"FROM ({frozen_here} UNION ALL {new_here}) u",
            q.params,
        )
        _analyze(cursor, "snap_members")

        # 2. the failing entries of the year to date, one statement per ledger
        cursor.execute(
            "CREATE TEMP TABLE snap_fails (zero VARCHAR(20) NOT NULL, subject_id BIGINT NOT NULL, "
            "entry_id BIGINT NOT NULL, day DATE NOT NULL)"
        )
        for key, model, date_field, _, _, fails_sql in _ledgers():
            day = f"e.{model._meta.get_field(date_field).column}"
            cursor.execute(
                f"INSERT INTO snap_fails (zero, subject_id, entry_id, day) "
                f"SELECT '{key}', e.subject_id, e.id, {day} FROM {model._meta.db_table} e "
                "JOIN snap_members m ON m.subject_id = e.subject_id "
                f"JOIN {RuleSet._meta.db_table} r ON r.id = m.rule_id "
                f"WHERE {day} >= %(year_start)s AND {day} <= %(end)s "
                f"AND (m.joined_on IS NULL OR {day} >= m.joined_on) AND {fails_sql()}",
                q.params,
            )

        # 3. the verdicts of the subjects with failing entries or earlier overrides: evaluate (the few)
        verdicts = _exceptional_verdicts(cursor, window=window)
        cursor.execute(
            f"CREATE TEMP TABLE snap_verdicts AS SELECT subject_id, {', '.join(VERDICT_COLUMNS)} FROM {sm} WHERE 1 = 0"
        )
        if verdicts:
            fields = [SubjectMonth._meta.get_field(c) for c in VERDICT_COLUMNS]
            cursor.executemany(
                f"INSERT INTO snap_verdicts (subject_id, {', '.join(VERDICT_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * (len(VERDICT_COLUMNS) + 1))})",
                [[sid, *(f.get_db_prep_save(v[f.attname], connection) for f in fields)] for sid, v in verdicts.items()],
            )

        # 4. the rows: deleted and written again (overrides and frozen fields carried in snap_members)
        cursor.execute(f"DELETE FROM {sm} WHERE month = %(month)s AND {scope.where('region_code', q)}", q.params)
        passed = "CASE WHEN v.subject_id IS NOT NULL THEN v.passed ELSE COALESCE(m.override_passed, TRUE) END"
        columns = {
            "subject_id": "m.subject_id",
            "month": "%(month)s",
            "region_id": "m.region_id",
            "region_code": "m.region_code",
            '"group"': "m.grp",
            "department_id": "m.department_id",
            "rule_id": "m.rule_id",
            **{
                c: f"COALESCE(v.{c}, TRUE)"
                for c in VERDICT_COLUMNS
                if c.endswith("_ok") or c.endswith("computed_passed")
            },
            "failures": "COALESCE(v.failures, '{}')",
            "ytd_failures": "COALESCE(v.ytd_failures, '{}')",
            "passed": passed,
            "ytd_passed": "CASE WHEN v.subject_id IS NOT NULL THEN v.ytd_passed "
            "ELSE COALESCE(m.ytd_override_passed, m.override_passed, TRUE) END",
            "ytd_basis": "CASE WHEN v.subject_id IS NOT NULL THEN v.ytd_basis "
            "WHEN m.ytd_override_passed IS NOT NULL THEN %(month)s END",
            **{c: f"m.{c}" for c in OVERRIDE_COLUMNS},
            "computed_at": "%(now)s",
        }
        cursor.execute(
            f"INSERT INTO {sm} ({', '.join(columns)}) SELECT {', '.join(columns.values())} "
            "FROM snap_members m LEFT JOIN snap_verdicts v ON v.subject_id = m.subject_id",
            q.params,
        )
        cursor.execute(
            f"SELECT COUNT(*), SUM(CASE WHEN {passed} THEN 1 ELSE 0 END) "
            "FROM snap_members m LEFT JOIN snap_verdicts v ON v.subject_id = m.subject_id"
        )
        total, passed_count = cursor.fetchone()
        _drop_temp_tables(cursor)
    return total, passed_count or 0


def _exceptional_verdicts(cursor, *, window: _Window) -> dict[int, dict]:
    """evaluate() for the members with failing entries (snap_fails) or with overrides earlier in the
    year: every other member passes, or takes its own override, which the INSERT does in SQL."""
    fails: dict[int, dict[str, list[tuple[int, datetime.date]]]] = defaultdict(lambda: defaultdict(list))
    cursor.execute("SELECT subject_id, zero, entry_id, day FROM snap_fails ORDER BY subject_id, zero, entry_id")
    for sid, zero, pk, day in cursor.fetchall():
        fails[sid][zero].append((pk, _date(day)))
    earlier: dict[int, EarlierOverrides] = defaultdict(EarlierOverrides)
    cursor.execute(
        f"SELECT o.subject_id, o.month, o.override_passed, o.ytd_override_passed FROM {SubjectMonth._meta.db_table} o "
        "WHERE (o.override_passed IS NOT NULL OR o.ytd_override_passed IS NOT NULL) "
        "AND o.month >= %(year_start)s AND o.month < %(month)s "
        "AND o.subject_id IN (SELECT subject_id FROM snap_members)",
        _Query(window).params,
    )
    for sid, month, override, ytd_override in cursor.fetchall():
        if override is not None:
            earlier[sid].month[_date(month)] = bool(override)
        if ytd_override is not None:
            earlier[sid].ytd[_date(month)] = bool(ytd_override)
    wanted = set(fails) | set(earlier)
    if not wanted:
        return {}
    own: dict[int, tuple[bool | None, bool | None]] = {}
    cursor.execute(
        "SELECT subject_id, override_passed, ytd_override_passed FROM snap_members "
        "WHERE override_passed IS NOT NULL OR ytd_override_passed IS NOT NULL"
    )
    for sid, override, ytd_override in cursor.fetchall():
        own[sid] = (_flag(override), _flag(ytd_override))
    no_earlier = EarlierOverrides()
    out = {}
    for sid in sorted(wanted):
        override, ytd_override = own.get(sid, (None, None))
        out[sid] = evaluate(
            month=window.month,
            fails=fails.get(sid, {}),
            earlier=earlier.get(sid, no_earlier),
            override=override,
            ytd_override=ytd_override,
        )
    return out


# --- the regions' rows -------------------------------------------------------------------------------

COUNT_FIELDS = ("total", "passed", "petition_ok", "accident_ok", "case_ok")
#: SubjectMonth's flag counted in each count field, for 本月 and 年度累计
COUNTED_FLAGS = {
    Period.MONTH: {
        "passed": "passed",
        "petition_ok": "petition_ok",
        "accident_ok": "accident_ok",
        "case_ok": "case_ok",
    },
    Period.YTD: {
        "passed": "ytd_passed",
        "petition_ok": "ytd_petition_ok",
        "accident_ok": "ytd_accident_ok",
        "case_ok": "ytd_case_ok",
    },
}
GROUPS_SQL = " UNION ALL ".join(f"SELECT '{g}' AS grp" for g in TargetGroup.values)
PERIODS_SQL = " UNION ALL ".join(f"SELECT '{p}' AS period" for p in Period.values)


def _count_columns() -> list[str]:
    """snap_base's and snap_counts' count columns: m_<field> (本月) and y_<field> (年度累计)."""
    return [f"{pre}_{f}" for pre in ("m", "y") for f in COUNT_FIELDS]


def _write_regions(*, regions: list[Region], rows: Scope, counted: str, window: _Window) -> int:
    """Rewrite the RegionMonth and DepartmentMonth rows of ``regions`` (whose rows ``rows`` selects by
    code) from the month's SubjectMonth rows and the ledgers under the prefix ``counted``."""
    if not regions:
        return 0
    stat_fields = statistics.stat_fields()
    lengths = sorted({len(r.prefix) for r in regions})
    counts = _count_columns()
    q = _Query(window)
    with connection.cursor() as cursor:
        _drop_temp_tables(cursor)
        # the regions, with their targets (their own, else the nearest ancestor's)
        targets = _targets(regions, window.month.year)
        target_columns = [f"target_{g}" for g in TargetGroup.values]
        cursor.execute(
            "CREATE TEMP TABLE snap_regions (region_id BIGINT NOT NULL, code VARCHAR(15) NOT NULL, "
            f"prefix VARCHAR(15) NOT NULL, {', '.join(f'{c} DECIMAL(5, 4)' for c in target_columns)})"
        )
        cursor.executemany(
            f"INSERT INTO snap_regions (region_id, code, prefix, {', '.join(target_columns)}) "
            f"VALUES ({', '.join(['%s'] * (3 + len(target_columns)))})",
            [[r.pk, r.code, r.prefix, *(targets.get((r.pk, g)) for g in TargetGroup.values)] for r in regions],
        )
        _analyze(cursor, "snap_regions")

        # the subjects' verdicts per region code, group and department; rolled up to each prefix length
        flags = [
            f"SUM(CASE WHEN {COUNTED_FLAGS[period][f]} THEN 1 ELSE 0 END)" if f != "total" else "COUNT(*)"
            for period in (Period.MONTH, Period.YTD)
            for f in COUNT_FIELDS
        ]
        cursor.execute(
            f'CREATE TEMP TABLE snap_base AS SELECT region_code, "group" AS grp, department_id, '
            f"{', '.join(f'{expr} AS {c}' for expr, c in zip(flags, counts, strict=True))} "
            f"FROM {SubjectMonth._meta.db_table} WHERE month = %(month)s AND region_code LIKE {q.param(counted + '%')} "
            'GROUP BY region_code, "group", department_id',
            q.params,
        )
        cursor.execute(
            "CREATE TEMP TABLE snap_counts (prefix VARCHAR(15) NOT NULL, grp VARCHAR(10) NOT NULL, "
            f"department_id BIGINT, {', '.join(f'{c} BIGINT NOT NULL' for c in counts)})"
        )
        for n in lengths:
            cursor.execute(
                f"INSERT INTO snap_counts (prefix, grp, department_id, {', '.join(counts)}) "
                f"SELECT substr(region_code, 1, {n}), grp, department_id, {', '.join(f'SUM({c})' for c in counts)} "
                f"FROM snap_base WHERE length(region_code) >= {n} GROUP BY substr(region_code, 1, {n}), grp, department_id"
            )

        # the ledgers' statistics per region code and department (one statement per ledger), rolled up
        stats = [f"{pre}_{f}" for pre in ("m", "y") for f in stat_fields]
        cursor.execute(
            "CREATE TEMP TABLE snap_stat_base (code VARCHAR(15) NOT NULL, department_id BIGINT, "
            f"{', '.join(f'{c} BIGINT NOT NULL DEFAULT 0' for c in stats)})"
        )
        stat_scope = f"r.code LIKE {q.param(counted + '%')}"
        for block in statistics.blocks():
            mine = [f"{pre}_{f}" for f in block.fields for pre in ("m", "y")]
            cursor.execute(
                f"INSERT INTO snap_stat_base (code, department_id, {', '.join(mine)}) "
                f"SELECT code, department_id, {', '.join(mine)} FROM ({statistics.block_sql(block, scope_sql=stat_scope)}) b",
                q.params,
            )
        cursor.execute(
            "CREATE TEMP TABLE snap_stats (prefix VARCHAR(15) NOT NULL, department_id BIGINT, "
            f"{', '.join(f'{c} BIGINT NOT NULL' for c in stats)})"
        )
        for n in lengths:
            cursor.execute(
                f"INSERT INTO snap_stats (prefix, department_id, {', '.join(stats)}) "
                f"SELECT substr(code, 1, {n}), department_id, {', '.join(f'SUM({c})' for c in stats)} "
                f"FROM snap_stat_base WHERE length(code) >= {n} GROUP BY substr(code, 1, {n}), department_id"
            )
        _analyze(cursor, "snap_counts")
        _analyze(cursor, "snap_stats")

        # the rows
        for model in (RegionMonth, DepartmentMonth):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE month = %(month)s AND {rows.where('region_code', q)}",
                q.params,
            )
        cursor.execute(
            "CREATE TEMP TABLE snap_region_depts AS SELECT DISTINCT r.region_id, d.department_id FROM snap_regions r "
            "JOIN (SELECT prefix, department_id FROM snap_counts WHERE department_id IS NOT NULL "
            "UNION SELECT prefix, department_id FROM snap_stats WHERE department_id IS NOT NULL) d ON d.prefix = r.prefix"
        )
        _insert_region_rows(cursor, q, RegionMonth, stat_fields)
        _insert_region_rows(cursor, q, DepartmentMonth, stat_fields)
        _drop_temp_tables(cursor)
    return len(regions)


def _insert_region_rows(cursor, q: _Query, model, stat_fields: tuple[str, ...]) -> None:
    """Two INSERT … SELECT: the rows of each group (村(社区), 单位(企业)), then the 全部 rows with the
    ledger statistics; for DepartmentMonth, per department with subjects or entries in the region."""
    by_department = model is DepartmentMonth
    period = "p.period"

    def pick(prefix_alias: str, name: str) -> str:
        return f"COALESCE(CASE WHEN {period} = '{Period.MONTH}' THEN {prefix_alias}.m_{name} ELSE {prefix_alias}.y_{name} END, 0)"

    def columns(group: str, counts: str, target: str, stats: str | None) -> dict[str, str]:
        out = {}
        for f in model._meta.concrete_fields:
            name = f.column
            if f.primary_key:
                continue
            if name == "region_id":
                out[name] = "r.region_id"
            elif name == "region_code":
                out[name] = "r.code"
            elif name == "month":
                out[name] = "%(month)s"
            elif name == "group":
                out['"group"'] = group
            elif name == "period":
                out[name] = period
            elif name == "department_id":
                out[name] = "rd.department_id"
            elif name == "computed_at":
                out[name] = "%(now)s"
            elif name == "target":
                out[name] = target
            elif name in COUNT_FIELDS:
                out[name] = pick(counts, name)
            elif name in stat_fields:
                out[name] = pick(stats, name) if stats else "0"
            else:
                out[name] = q.param(f.get_db_prep_save(f.get_default(), connection))
        return out

    counts = ", ".join(f"SUM({c}) AS {c}" for c in _count_columns())
    stat_sums = ", ".join(f"SUM({pre}_{f}) AS {pre}_{f}" for pre in ("m", "y") for f in stat_fields)
    dept_join = "JOIN snap_region_depts rd ON rd.region_id = r.region_id " if by_department else ""
    dept_key = ", department_id" if by_department else ""
    dept_on = " AND c.department_id = rd.department_id" if by_department else ""
    stat_on = " AND s.department_id = rd.department_id" if by_department else ""
    target = "CASE g.grp " + " ".join(f"WHEN '{g}' THEN r.target_{g}" for g in TargetGroup.values) + " END"
    table = model._meta.db_table

    group_rows = columns("g.grp", "c", target, None)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(group_rows)}) SELECT {', '.join(group_rows.values())} "
        f"FROM snap_regions r {dept_join}CROSS JOIN ({GROUPS_SQL}) g CROSS JOIN ({PERIODS_SQL}) p "
        f"LEFT JOIN (SELECT prefix, grp{dept_key}, {counts} FROM snap_counts GROUP BY prefix, grp{dept_key}) c "
        f"ON c.prefix = r.prefix AND c.grp = g.grp{dept_on}",
        q.params,
    )
    all_rows = columns(f"'{ALL_GROUPS}'", "c", "NULL", "s")
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(all_rows)}) SELECT {', '.join(all_rows.values())} "
        f"FROM snap_regions r {dept_join}CROSS JOIN ({PERIODS_SQL}) p "
        f"LEFT JOIN (SELECT prefix{dept_key}, {counts} FROM snap_counts GROUP BY prefix{dept_key}) c "
        f"ON c.prefix = r.prefix{dept_on} "
        f"LEFT JOIN (SELECT prefix{dept_key}, {stat_sums} FROM snap_stats GROUP BY prefix{dept_key}) s "
        f"ON s.prefix = r.prefix{stat_on}",
        q.params,
    )


def _targets(regions: list[Region], year: int) -> dict[tuple[int, str], object]:
    """Each region's target per group: its own, else the nearest ancestor's (a township uses its county's)."""
    own = {(t.region.prefix, t.group): t.rate for t in Target.objects.filter(year=year).select_related("region")}
    result = {}
    for r in regions:
        for group in TargetGroup.values:
            prefix = r.prefix
            found = own.get((prefix, group))
            lengths = sorted((n for n in set(LEVEL_PREFIX_LENGTH.values()) if n < len(prefix)), reverse=True)
            for n in lengths:
                if found is not None:
                    break
                found = own.get((prefix[:n], group))
            result[(r.pk, group)] = found
    return result


# --- one subject's months, after an override (or an edit): its rows and its regions' counts ---------

COUNTED = {
    Period.MONTH: ("passed", "petition_ok", "accident_ok", "case_ok"),
    Period.YTD: ("ytd_passed", "ytd_petition_ok", "ytd_accident_ok", "ytd_case_ok"),
}


@dataclass
class Refresh:
    updated: list[datetime.date]  # months whose row was recomputed
    locked: list[datetime.date]  # later months left alone because they are locked


def refresh_subject_year(
    *, subject_id: int, from_month: datetime.date, now: datetime.datetime | None = None
) -> Refresh:
    """Recompute one subject's computed months from ``from_month`` to the end of its year, with each
    row's own rule version and the overrides on record; locked months are left alone. The counts of
    the subject's regions (and their ancestors) move by the difference, so no region is recomputed."""
    from_month = from_month.replace(day=1)
    year_start = from_month.replace(month=1)
    now = now or timezone.now()
    result = Refresh([], [])
    with transaction.atomic():
        rows = list(
            SubjectMonth.objects.select_for_update()
            .filter(subject_id=subject_id, month__gte=year_start, month__lte=from_month.replace(month=12))
            .select_related("region", "rule", "subject")
            .order_by("month")
        )
        later = [r for r in rows if r.month >= from_month]
        if not later:
            return result
        joined_on = later[0].subject.joined_on
        entries: dict[str, list[tuple[int, datetime.date, dict]]] = defaultdict(list)
        for key, model, date_field, fields, *_ in _ledgers():
            for row in (
                model.objects.filter(
                    subject_id=subject_id,
                    **{f"{date_field}__gte": year_start, f"{date_field}__lte": month_end(later[-1].month)},
                )
                .values("pk", date_field, *fields)
                .order_by("pk")
            ):
                if not (joined_on and row[date_field] < joined_on):
                    entries[key].append((row["pk"], row[date_field], row))
        earlier = EarlierOverrides()
        for row in rows:
            if row.month >= from_month:
                if lock_for(row.region, row.month) is not None:
                    result.locked.append(row.month)
                else:
                    end = month_end(row.month)
                    fails = {
                        key: [(pk, day) for pk, day, values in found if day <= end and fail(row.rule, values)]
                        for (key, _, _, _, fail, _) in _ledgers()
                        for found in [entries.get(key, [])]
                    }
                    verdicts = evaluate(
                        month=row.month,
                        fails=fails,
                        earlier=earlier,
                        override=row.override_passed,
                        ytd_override=row.ytd_override_passed,
                    )
                    _apply_row(row, verdicts, now)
                    result.updated.append(row.month)
            if row.override_passed is not None:
                earlier.month[row.month] = row.override_passed
            if row.ytd_override_passed is not None:
                earlier.ytd[row.month] = row.ytd_override_passed
    return result


def _apply_row(row: SubjectMonth, verdicts: dict, now) -> None:
    deltas = {
        period: {f: int(verdicts[f]) - int(getattr(row, f)) for f in fields} for period, fields in COUNTED.items()
    }
    for name, value in verdicts.items():
        setattr(row, name, value)
    row.computed_at = now
    row.save(update_fields=[*verdicts, "computed_at"])
    codes = [a.code for a in row.region.ancestors()] + [row.region_code]
    for period, changes in deltas.items():
        if not any(changes.values()):
            continue
        update = {
            (f[4:] if f.startswith("ytd_") else f): F(f[4:] if f.startswith("ytd_") else f) + d
            for f, d in changes.items()
            if d
        }
        where = {"month": row.month, "period": period, "region_code__in": codes, "group__in": [row.group, ALL_GROUPS]}
        RegionMonth.objects.filter(**where).update(**update)
        if row.department_id is not None:
            DepartmentMonth.objects.filter(**where, department_id=row.department_id).update(**update)


# --- one region chain's ledger statistics, after an entry of a subject changed -----------------------


def refresh_statistics(
    *, region_ids: set[int], from_month: datetime.date, now: datetime.datetime | None = None
) -> Refresh:
    """Recompute the 台账数据 of each region (a subject's village, township…) for its computed months from
    ``from_month`` on, every later month (an entry open at a month's end counts in that month's 超期未办结数
    whatever its year), and move its ancestors' by the difference; DepartmentMonth alike, per
    department. Locked months are left alone. One statement per ledger and month, on the region's
    own entries (a village's): the city's or province's rows are never recounted."""
    from_month = from_month.replace(day=1)
    now = now or timezone.now()
    result = Refresh([], [])
    fields = statistics.stat_fields()
    with transaction.atomic():
        regions = sorted(Region.objects.filter(pk__in=region_ids), key=lambda r: (-len(r.prefix), r.code))
        # one recount of a tree at a time (the rows above are moved by differences read here)
        _lock_regions({tree_root(r).pk: tree_root(r) for r in regions}.values())
        # deepest first: a township recounted after its village finds the village's change in its row
        for region in regions:
            chain = [a.code for a in region.ancestors()]
            months = sorted(
                set(
                    RegionMonth.objects.filter(region=region, month__gte=from_month, group=ALL_GROUPS).values_list(
                        "month", flat=True
                    )
                )
            )
            for month in months:
                if lock_for(region, month) is not None:
                    result.locked.append(month)
                    continue
                fresh = _region_statistics(region, _Window.of(month, now))
                stored = _stored_statistics(region, month, fields)
                for department in sorted(set(fresh) | set(stored), key=lambda d: (d is not None, d or 0)):
                    for period in Period.values:
                        new = fresh.get(department, {}).get(period, dict.fromkeys(fields, 0))
                        old = stored.get(department, {}).get(period)
                        _move_statistics(region, chain, month, period, department, new, old, now)
                result.updated.append(month)
    return result


def _region_statistics(region: Region, window: _Window) -> dict[int | None, dict[str, dict[str, int]]]:
    """{department (None: all): {period: {field: count}}} of the region's subtree, as _write_regions counts."""
    fields = statistics.stat_fields()
    out: dict[int | None, dict[str, dict[str, int]]] = {}
    with connection.cursor() as cursor:
        for block in statistics.blocks():
            q = _Query(window)
            cursor.execute(
                statistics.block_sql(block, scope_sql=f"r.code LIKE {q.param(region.prefix + '%')}"), q.params
            )
            names = [c[0] for c in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(names, values, strict=True))
                for department in {None, row["department_id"]}:
                    periods = out.setdefault(department, {p: dict.fromkeys(fields, 0) for p in Period.values})
                    for f in block.fields:
                        periods[Period.MONTH][f] += row[f"m_{f}"] or 0
                        periods[Period.YTD][f] += row[f"y_{f}"] or 0
    return out


def _stored_statistics(region: Region, month, fields) -> dict[int | None, dict[str, dict[str, int]]]:
    out: dict[int | None, dict[str, dict[str, int]]] = {}
    for row in RegionMonth.objects.filter(region=region, month=month, group=ALL_GROUPS).values("period", *fields):
        out.setdefault(None, {})[row.pop("period")] = row
    for row in DepartmentMonth.objects.filter(region=region, month=month, group=ALL_GROUPS).values(
        "department_id", "period", *fields
    ):
        out.setdefault(row.pop("department_id"), {})[row.pop("period")] = row
    return out


def _move_statistics(region, chain, month, period, department, new: dict, old: dict | None, now) -> None:
    """Set the region's row to ``new`` and move its ancestors' rows by new − old. A department without
    rows there yet (its first entry in the region) gets them, with no subjects counted."""
    old = old or dict.fromkeys(new, 0)
    delta = {f: new[f] - old[f] for f in new if new[f] != old[f]}
    if not delta:
        return
    model, extra = (RegionMonth, {}) if department is None else (DepartmentMonth, {"department_id": department})
    codes = [region.code, *chain]
    where = {"month": month, "period": period, "group": ALL_GROUPS, "region_code__in": codes, **extra}
    if department is not None:
        have = set(model.objects.filter(**where).values_list("region_code", flat=True))
        _add_department_rows(department, month, [c for c in codes if c not in have], now)
    model.objects.filter(**where).update(**{f: F(f) + d for f, d in delta.items()}, computed_at=now)


def _add_department_rows(department: int, month, codes: list[str], now) -> None:
    """A department's empty rows of a month for these regions (their groups' targets as RegionMonth has them)."""
    if not codes:
        return
    rows = []
    for rm in RegionMonth.objects.filter(month=month, region_code__in=codes):
        rows.append(
            DepartmentMonth(
                department_id=department,
                region_id=rm.region_id,
                region_code=rm.region_code,
                month=month,
                group=rm.group,
                period=rm.period,
                target=rm.target,
                computed_at=now,
            )
        )
    DepartmentMonth.objects.bulk_create(rows)
