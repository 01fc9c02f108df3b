"""The snapshot computation as it was before it became set-based (issue 11), kept as a test oracle.

`compute_month` here reads the ledgers and evaluates every subject in Python, then writes the rows as
the old code did; tests/test_snapshot_oracle.py runs it in a rolled-back savepoint and compares its
SubjectMonth, RegionMonth and DepartmentMonth rows with those of dashboards.compute. Not used by the
site. The only change from the original: the ledger reads are ordered by id, so that the failing
entries it lists come in the order the set-based computation lists them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from dashboards.compute import (  # what the set-based computation kept as it was: not under test here
    ComputeResult,
    EarlierOverrides,
    MonthLocked,
    _targets,
    evaluate,
    lock_for,
)
from dashboards.models import (
    ALL_GROUPS,
    DepartmentMonth,
    Period,
    RegionMonth,
    RuleBook,
    RuleSet,
    SubjectMonth,
    month_end,
)
from sanzero.bulk import insert_rows
from units.models import Region, Subject, TargetGroup, active_q

# --- the three zeros: each ledger's failing rows, judged by the rule of the subject's region and group --

ZEROS = ("petitions", "accidents", "cases")


def _ledgers():
    from cases.models import PoliceCase
    from hazards.models import Accident
    from petitions.models import Petition

    return [
        (
            "petitions",
            Petition,
            "received_on",
            ("is_skip_level", "headcount", "is_abnormal", "level_reached", "is_repeat"),
            RuleSet.petition_fails,
        ),
        ("accidents", Accident, "occurred_on", ("deaths", "injuries", "serious_injuries"), RuleSet.accident_fails),
        ("cases", PoliceCase, "occurred_on", ("kind", "major_influence"), RuleSet.case_fails),
    ]


def _earlier_overrides(rows) -> dict[int, EarlierOverrides]:
    out: dict[int, EarlierOverrides] = defaultdict(EarlierOverrides)
    for sid, month, override, ytd_override in rows:
        if override is not None:
            out[sid].month[month] = override
        if ytd_override is not None:
            out[sid].ytd[month] = ytd_override
    return out


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


@dataclass
class Member:
    region_id: int
    code: str
    group: str
    department_id: int | None
    joined_on: datetime.date | None


# --- the computation -------------------------------------------------------------------------------


def compute_month(
    *,
    region: Region,
    month: datetime.date,
    progress: Callable[[int], None] | None = None,
    now: datetime.datetime | None = None,
) -> ComputeResult:
    started = timezone.now()
    now = now or started
    progress = progress or (lambda pct: None)
    month = month.replace(day=1)
    end = month_end(month)
    year_start = month.replace(month=1)
    prefix = region.prefix
    with transaction.atomic():
        # One computation of a subtree at a time (a second one waits, then finds the first's result).
        list(Region.objects.select_for_update().filter(pk=region.pk).values_list("pk", flat=True))
        locked = lock_for(region, month)
        if locked is not None:
            raise MonthLocked(f"{locked.region.name} {month:%Y年%m月}已锁定，不能重新计算。")
        book = RuleBook.load()

        # Who counts in the month: subjects of the subtree in the campaign on the month's last day,
        # plus subjects whose earlier snapshot froze them here (moved away since).
        in_tree = Q(region_code__startswith=prefix) | Q(subject__region__code__startswith=prefix)
        existing = {
            row["subject_id"]: row
            for row in SubjectMonth.objects.filter(month=month)
            .filter(in_tree)
            .values("subject_id", "region_id", "region_code", "group", "department_id", *OVERRIDE_FIELDS)
        }
        members: dict[int, Member] = {}
        # frozen here by an earlier snapshot: a subquery, not a list of ids (55,000 at city scale)
        frozen_here = SubjectMonth.objects.filter(month=month, region_code__startswith=prefix).values("subject_id")
        subject_filter = Q(region__code__startswith=prefix) | Q(pk__in=frozen_here)
        for sid, region_id, code, group, department_id, joined_on in (
            Subject.objects.filter(subject_filter)
            .filter(active_q(end))
            .values_list("pk", "region_id", "region__code", "category__group", "department_id", "joined_on")
        ):
            frozen = existing.get(sid)
            members[sid] = (
                Member(frozen["region_id"], frozen["region_code"], frozen["group"], frozen["department_id"], joined_on)
                if frozen
                else Member(region_id, code, group, department_id, joined_on)
            )
        progress(20)

        # Failing entries: one query per ledger over the year to date of the subtree. An entry dated
        # before the subject joined is not its own (DESIGN §5).
        fails: dict[int, dict[str, list[tuple[int, datetime.date]]]] = defaultdict(lambda: defaultdict(list))
        # (a superset: entries of subjects no longer members are dropped below)
        entry_filter = Q(subject__region__code__startswith=prefix) | Q(subject_id__in=frozen_here)
        for key, model, date_field, fields, fails_rule in _ledgers():
            rows = (
                model.objects.filter(entry_filter)
                .filter(**{f"{date_field}__gte": year_start, f"{date_field}__lte": end})
                .values("pk", "subject_id", date_field, *fields)
                .order_by("pk")
            )
            for row in rows:
                member = members.get(row["subject_id"])
                day = row[date_field]
                if member is None or (member.joined_on and day < member.joined_on):
                    continue
                if fails_rule(book.rule_for(member.code, member.group), row):
                    fails[row["subject_id"]][key].append((row["pk"], day))
        progress(45)

        # Overrides of earlier months this year take part in the 年度累计 verdict.
        earlier = _earlier_overrides(
            SubjectMonth.objects.filter(month__gte=year_start, month__lt=month)
            .filter(in_tree)
            .filter(Q(override_passed__isnull=False) | Q(ytd_override_passed__isnull=False))
            .values_list("subject_id", "month", "override_passed", "ytd_override_passed")
        )

        rows = []
        no_earlier = EarlierOverrides()
        for sid, member in members.items():
            old = existing.get(sid)
            verdicts = evaluate(
                month=month,
                fails=fails.get(sid, {}),
                earlier=earlier.get(sid, no_earlier),
                override=old["override_passed"] if old else None,
                ytd_override=old["ytd_override_passed"] if old else None,
            )
            kept = {f: old[f] for f in OVERRIDE_FIELDS} if old else {}
            rows.append(
                {
                    "subject_id": sid,
                    "month": month,
                    "region_id": member.region_id,
                    "region_code": member.code,
                    "group": member.group,
                    "department_id": member.department_id,
                    "rule_id": book.rule_for(member.code, member.group).pk,
                    "computed_at": now,
                    **verdicts,
                    **kept,
                }
            )
        SubjectMonth.objects.filter(month=month).filter(in_tree).delete()  # in_tree covers the subtree's codes
        insert_rows(SubjectMonth, rows)
        progress(70)

        regions_written = _write_region_months(region=region, month=month, end=end, year_start=year_start, now=now)
        progress(100)
    return ComputeResult(
        region,
        month,
        len(rows),
        sum(r["passed"] for r in rows),
        regions_written,
        (timezone.now() - started).total_seconds(),
    )


def _affected_regions(region: Region) -> list[Region]:
    """The subtree and its ancestors up to the root."""
    return list(Region.objects.filter(code__startswith=region.prefix)) + region.ancestors()


def _write_region_months(*, region: Region, month, end, year_start, now) -> int:
    """The RegionMonth rows of the subtree and its ancestors: for all subjects (no department) and, where
    a department supervises subjects of the region, for that department's subjects alone."""
    regions = _affected_regions(region)
    top = min(regions, key=lambda r: len(r.prefix))
    lengths = sorted({len(r.prefix) for r in regions})
    fields = ("total", "passed", "petition_ok", "accident_ok", "case_ok")
    counts: dict[tuple[str, str, int | None, str], dict] = defaultdict(lambda: dict.fromkeys(fields, 0))
    base = SubjectMonth.objects.filter(month=month, region_code__startswith=top.prefix)
    for length in lengths:
        for row in (
            base.annotate(p=Substr("region_code", 1, length))
            .values("p", "group", "department_id")
            .annotate(
                total=Count("pk"),
                passed=Count("pk", filter=Q(passed=True)),
                petition_ok=Count("pk", filter=Q(petition_ok=True)),
                accident_ok=Count("pk", filter=Q(accident_ok=True)),
                case_ok=Count("pk", filter=Q(case_ok=True)),
                y_total=Count("pk"),
                y_passed=Count("pk", filter=Q(ytd_passed=True)),
                y_petition_ok=Count("pk", filter=Q(ytd_petition_ok=True)),
                y_accident_ok=Count("pk", filter=Q(ytd_accident_ok=True)),
                y_case_ok=Count("pk", filter=Q(ytd_case_ok=True)),
            )
        ):
            for period, pre in ((Period.MONTH, ""), (Period.YTD, "y_")):
                for department in {None, row["department_id"]}:
                    c = counts[(row["p"], row["group"], department, period)]
                    for f in fields:
                        c[f] += row[pre + f]
    stats = _ledger_statistics(top=top, lengths=lengths, month=month, end=end, year_start=year_start)
    targets = _targets(regions, month.year)
    departments: dict[str, set[int]] = defaultdict(set)
    for p, _, department, _ in (*counts, *((k[0], None, k[2], None) for k in stats)):
        if department is not None:
            departments[p].add(department)
    out: dict[type, list] = {RegionMonth: [], DepartmentMonth: []}
    for r in regions:
        for department in (None, *sorted(departments.get(r.prefix, ()))):
            model, extra = (RegionMonth, {}) if department is None else (DepartmentMonth, {"department_id": department})
            for period in (Period.MONTH, Period.YTD):
                totals = dict.fromkeys(fields, 0)
                for group in TargetGroup.values:
                    c = counts.get((r.prefix, group, department, period)) or dict.fromkeys(fields, 0)
                    for f in fields:
                        totals[f] += c[f]
                    out[model].append(
                        {
                            "region_id": r.pk,
                            "region_code": r.code,
                            "month": month,
                            "group": group,
                            "period": period,
                            "target": targets.get((r.pk, group)),
                            "computed_at": now,
                            **extra,
                            **c,
                        }
                    )
                out[model].append(
                    {
                        "region_id": r.pk,
                        "region_code": r.code,
                        "month": month,
                        "group": ALL_GROUPS,
                        "period": period,
                        "computed_at": now,
                        **extra,
                        **totals,
                        **stats.get((r.prefix, period, department), {}),
                    }
                )
    # the subtree and its ancestors, by code (not a list of 3,000 region ids)
    written = Q(region_code__startswith=region.prefix) | Q(region_code__in=region.ancestor_codes())
    for model, rows in out.items():
        model.objects.filter(written, month=month).delete()
        insert_rows(model, rows)
    return len(regions)


def _ledger_statistics(*, top: Region, lengths, month, end, year_start) -> dict:
    """排查数, 化解数, 整改数, 信访件数, 办结数 for both periods and 超期未办结数 at the month's end, per
    (region prefix, period, department): department None counts every entry."""
    from disputes.models import Dispute
    from hazards.models import Hazard
    from petitions.models import Petition

    stats: dict[tuple[str, str, int | None], dict] = defaultdict(lambda: defaultdict(int))

    def add(code: str, department: int | None, period: str, field: str):
        for n in lengths:
            stats[(code[:n], period, None)][field] += 1
            if department is not None:
                stats[(code[:n], period, department)][field] += 1

    def periods(day):
        if day is None or day > end:
            return []
        if day >= month:
            return [Period.MONTH, Period.YTD]
        return [Period.YTD] if day >= year_start else []

    def overdue(code, department):
        for period in (Period.MONTH, Period.YTD):
            add(code, department, period, "overdue_open")

    in_tree = {"subject__region__code__startswith": top.prefix}
    where = ("subject__region__code", "subject__department_id")
    for d in Dispute.objects.filter(**in_tree, found_on__lte=end).values(
        *where, "found_on", "status", "resolved_on", "overall_due_on"
    ):
        code, department = d["subject__region__code"], d["subject__department_id"]
        resolved_by_end = d["status"] == "已化解" and d["resolved_on"] is not None and d["resolved_on"] <= end
        for period in periods(d["found_on"]):
            add(code, department, period, "disputes_found")
            if resolved_by_end:
                add(code, department, period, "disputes_resolved")
        still_open = d["status"] == "调解中" or (d["status"] == "已化解" and not resolved_by_end)
        if still_open and d["overall_due_on"] and d["overall_due_on"] < end:
            overdue(code, department)
    for h in Hazard.objects.filter(**in_tree, found_on__lte=end).values(
        *where, "found_on", "status", "rectified_on", "rectify_due"
    ):
        code, department = h["subject__region__code"], h["subject__department_id"]
        rectified_by_end = h["status"] in ("待验收", "已销号") and h["rectified_on"] and h["rectified_on"] <= end
        for period in periods(h["found_on"]):
            add(code, department, period, "hazards_found")
            if rectified_by_end:
                add(code, department, period, "hazards_rectified")
        if not rectified_by_end and h["rectify_due"] and h["rectify_due"] < end:
            overdue(code, department)
    for p in Petition.objects.filter(**in_tree, received_on__lte=end).values(
        *where, "received_on", "status", "closed_on", "handle_due"
    ):
        code, department = p["subject__region__code"], p["subject__department_id"]
        closed_by_end = p["status"] == "已办结" and p["closed_on"] and p["closed_on"] <= end
        for period in periods(p["received_on"]):
            add(code, department, period, "petitions_count")
            if closed_by_end:
                add(code, department, period, "petitions_closed")
        if not closed_by_end and p["handle_due"] and p["handle_due"] < end:
            overdue(code, department)
    # 治安问题 (issue 14): found in the period; solved = 已解决 by its end; not in 超期未办结数
    from publicorder.models import PublicOrderProblem

    for p in PublicOrderProblem.objects.filter(**in_tree, found_on__lte=end).values(
        *where, "found_on", "status", "resolved_on"
    ):
        code, department = p["subject__region__code"], p["subject__department_id"]
        solved_by_end = p["status"] == "已解决" and p["resolved_on"] is not None and p["resolved_on"] <= end
        for period in periods(p["found_on"]):
            add(code, department, period, "public_order_found")
            if solved_by_end:
                add(code, department, period, "public_order_solved")
    return stats
