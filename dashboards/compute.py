"""Computing a month's snapshots (DESIGN §5): one idempotent, all-or-nothing service.

`compute_month(region, month)` reads the ledgers once per ledger (set-based: the year-to-date
entries of the whole subtree in one query each), evaluates each subject's three zeros for 本月 and
年度累计, and rewrites the SubjectMonth rows of the subtree and the RegionMonth rows of every region in
it and of each ancestor up to the root — in one transaction, so a computation killed midway leaves
the previous snapshot as it was, and running it twice leaves identical rows.
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

from units.models import LEVEL_PREFIX_LENGTH, Region, Subject, TargetGroup, active_q

from .models import ALL_GROUPS, MonthStatus, Period, RegionMonth, RuleSet, SubjectMonth, Target, month_end

PETITION_LEVELS = ["乡镇", "县", "市", "省", "国家"]


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


# --- the three zeros, evaluated on ledger rows (dicts) with a group's rule -------------------------

def petition_fails(rule: RuleSet, row: dict) -> bool:
    if rule.petition_any:
        return True
    if rule.petition_skip_level and row["is_skip_level"]:
        return True
    if rule.petition_collective and (row["headcount"] or 0) >= rule.collective_headcount:
        return True
    if rule.petition_abnormal and row["is_abnormal"]:
        return True
    if rule.petition_level_at_or_above and row["level_reached"] in PETITION_LEVELS:
        return PETITION_LEVELS.index(row["level_reached"]) >= PETITION_LEVELS.index(rule.petition_level_at_or_above)
    return False


def accident_fails(rule: RuleSet, row: dict) -> bool:
    return rule.accident_any or (row["deaths"] or 0) > 0 or (row["injuries"] or 0) > 0


def case_fails(rule: RuleSet, row: dict) -> bool:
    if row["kind"] == "刑事":
        return True
    return row["kind"] == "治安" and (rule.case_any_security or bool(row["major_influence"]))


def _ledgers():
    from cases.models import PoliceCase
    from hazards.models import Accident
    from petitions.models import Petition

    return [
        ("petitions", Petition, "received_on", ("is_skip_level", "headcount", "is_abnormal", "level_reached"),
         petition_fails, "petition"),
        ("accidents", Accident, "occurred_on", ("deaths", "injuries"), accident_fails, "accident"),
        ("cases", PoliceCase, "occurred_on", ("kind", "major_influence"), case_fails, "case"),
    ]


# --- locking ---------------------------------------------------------------------------------------

def lock_for(region: Region, month: datetime.date) -> MonthStatus | None:
    """A lock on the region, an ancestor (its prefix) or a descendant (starts with its prefix)."""
    candidates = MonthStatus.objects.filter(month=month, status=MonthStatus.Status.LOCKED).select_related("region")
    for status in candidates:
        code = status.region.code
        if code.startswith(region.prefix) or region.code.startswith(status.region.prefix):
            return status
    return None


# --- the computation -------------------------------------------------------------------------------

def compute_month(*, region: Region, month: datetime.date, progress: Callable[[int], None] | None = None,
                  now: datetime.datetime | None = None) -> ComputeResult:
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
        rules = {g: RuleSet.current(g) for g in TargetGroup.values}

        # Who counts in the month: subjects of the subtree in the campaign on the month's last day,
        # plus subjects whose earlier snapshot froze them here (moved away since).
        existing = {
            sm.subject_id: sm for sm in SubjectMonth.objects.filter(month=month).filter(
                Q(region_code__startswith=prefix) | Q(subject__region__code__startswith=prefix))
        }
        members: dict[int, tuple[int, str, str]] = {}  # subject id → (region id, region code, group)
        subject_filter = Q(region__code__startswith=prefix) | Q(pk__in=[
            sid for sid, sm in existing.items() if sm.region_code.startswith(prefix)])
        for sid, region_id, code, group in (
            Subject.objects.filter(subject_filter).filter(active_q(end))
            .values_list("pk", "region_id", "region__code", "category__group")
        ):
            frozen = existing.get(sid)
            members[sid] = (frozen.region_id, frozen.region_code, frozen.group) if frozen else (region_id, code, group)
        progress(20)

        # Failing entries: one query per ledger over the year to date of the subtree.
        month_fail: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        ytd_fail: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        entry_filter = Q(subject__region__code__startswith=prefix) | Q(subject_id__in=[
            sid for sid, (_, code, _) in members.items() if not code.startswith(prefix)] or [0])
        for key, model, date_field, fields, fails, _ in _ledgers():
            rows = (model.objects.filter(entry_filter)
                    .filter(**{f"{date_field}__gte": year_start, f"{date_field}__lte": end})
                    .values("pk", "subject_id", date_field, *fields))
            for row in rows:
                member = members.get(row["subject_id"])
                if member is None or not fails(rules[member[2]], row):
                    continue
                ytd_fail[row["subject_id"]][key].append(row["pk"])
                if row[date_field] >= month:
                    month_fail[row["subject_id"]][key].append(row["pk"])
        progress(45)

        # Overrides of earlier months this year take part in the year-to-date verdict.
        earlier = defaultdict(list)
        override_subjects = set(
            SubjectMonth.objects.filter(month__gte=year_start, month__lt=month, override_passed__isnull=False,
                                        subject_id__in=list(members)).values_list("subject_id", flat=True)
        ) if members else set()
        if override_subjects:
            for sid, passed in SubjectMonth.objects.filter(
                    month__gte=year_start, month__lt=month, subject_id__in=override_subjects
            ).values_list("subject_id", "passed"):
                earlier[sid].append(passed)

        rows = []
        for sid, (region_id, code, group) in members.items():
            mf, yf = month_fail.get(sid, {}), ytd_fail.get(sid, {})
            m_ok = {k: not mf.get(k) for k in ("petitions", "accidents", "cases")}
            y_ok = {k: not yf.get(k) for k in ("petitions", "accidents", "cases")}
            computed = all(m_ok.values())
            ytd_computed = all(y_ok.values())
            old = existing.get(sid)
            override = old.override_passed if old else None
            passed = computed if override is None else override
            # 年度累计 = every month so far passed. Without overrides that is "no failing entry this year";
            # an override of any month counts as that month's verdict.
            if sid in override_subjects:
                before_ok = all(earlier[sid])
            else:
                before_ok = all(not set(yf.get(k, ())) - set(mf.get(k, ())) for k in ("petitions", "accidents", "cases"))
            ytd_passed = before_ok and passed
            rows.append(SubjectMonth(
                subject_id=sid, month=month, region_id=region_id, region_code=code, group=group,
                rule=rules[group], petition_ok=m_ok["petitions"], accident_ok=m_ok["accidents"],
                case_ok=m_ok["cases"], computed_passed=computed, ytd_petition_ok=y_ok["petitions"],
                ytd_accident_ok=y_ok["accidents"], ytd_case_ok=y_ok["cases"], ytd_computed_passed=ytd_computed,
                failures={k: v for k, v in mf.items()}, ytd_failures={k: v for k, v in yf.items()},
                override_passed=override, override_reason=old.override_reason if old else "",
                override_by_id=old.override_by_id if old else None, override_at=old.override_at if old else None,
                passed=passed, ytd_passed=ytd_passed, computed_at=now,
            ))
        SubjectMonth.objects.filter(pk__in=[sm.pk for sm in existing.values()]).delete()
        SubjectMonth.objects.filter(month=month, region_code__startswith=prefix).delete()
        SubjectMonth.objects.bulk_create(rows, batch_size=1000)
        progress(70)

        regions_written = _write_region_months(region=region, month=month, end=end, year_start=year_start, now=now)
        progress(100)
    return ComputeResult(region, month, len(rows), sum(r.passed for r in rows), regions_written,
                         (timezone.now() - started).total_seconds())


def _affected_regions(region: Region) -> list[Region]:
    """The subtree and its ancestors up to the root."""
    return list(Region.objects.filter(code__startswith=region.prefix)) + region.ancestors()


def _write_region_months(*, region: Region, month, end, year_start, now) -> int:
    regions = _affected_regions(region)
    top = min(regions, key=lambda r: len(r.prefix))
    lengths = sorted({len(r.prefix) for r in regions})
    counts: dict[tuple[str, str, str], dict] = {}
    base = SubjectMonth.objects.filter(month=month, region_code__startswith=top.prefix)
    for length in lengths:
        for row in (base.annotate(p=Substr("region_code", 1, length)).values("p", "group").annotate(
                total=Count("pk"), passed=Count("pk", filter=Q(passed=True)),
                petition_ok=Count("pk", filter=Q(petition_ok=True)), accident_ok=Count("pk", filter=Q(accident_ok=True)),
                case_ok=Count("pk", filter=Q(case_ok=True)), y_total=Count("pk"),
                y_passed=Count("pk", filter=Q(ytd_passed=True)), y_petition_ok=Count("pk", filter=Q(ytd_petition_ok=True)),
                y_accident_ok=Count("pk", filter=Q(ytd_accident_ok=True)), y_case_ok=Count("pk", filter=Q(ytd_case_ok=True)))):
            for period, pre in ((Period.MONTH, ""), (Period.YTD, "y_")):
                key = (row["p"], row["group"], period)
                counts[key] = {f: row[pre + f] for f in ("total", "passed", "petition_ok", "accident_ok", "case_ok")}
    stats = _ledger_statistics(top=top, lengths=lengths, month=month, end=end, year_start=year_start)
    targets = _targets(regions, month.year)
    out = []
    for r in regions:
        for period in (Period.MONTH, Period.YTD):
            totals = {f: 0 for f in ("total", "passed", "petition_ok", "accident_ok", "case_ok")}
            for group in TargetGroup.values:
                c = counts.get((r.prefix, group, period), {f: 0 for f in totals})
                for f in totals:
                    totals[f] += c[f]
                out.append(RegionMonth(region=r, region_code=r.code, month=month, group=group, period=period,
                                       target=targets.get((r.pk, group)), computed_at=now, **c))
            out.append(RegionMonth(region=r, region_code=r.code, month=month, group=ALL_GROUPS, period=period,
                                   computed_at=now, **totals, **stats.get((r.prefix, period), {})))
    RegionMonth.objects.filter(month=month, region__in=regions).delete()
    RegionMonth.objects.bulk_create(out, batch_size=1000)
    return len(regions)


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


def _ledger_statistics(*, top: Region, lengths, month, end, year_start) -> dict:
    """排查数, 化解数, 整改数, 信访件数, 办结数 for both periods and 超期未办结数 at the month's end."""
    from disputes.models import Dispute
    from hazards.models import Hazard
    from petitions.models import Petition

    stats: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))

    def add(code: str, period: str, field: str):
        for n in lengths:
            stats[(code[:n], period)][field] += 1

    def periods(day):
        if day is None or day > end:
            return []
        if day >= month:
            return [Period.MONTH, Period.YTD]
        return [Period.YTD] if day >= year_start else []

    def overdue(code):
        for period in (Period.MONTH, Period.YTD):
            add(code, period, "overdue_open")

    in_tree = {"subject__region__code__startswith": top.prefix}
    for d in Dispute.objects.filter(**in_tree, found_on__lte=end).values(
            "subject__region__code", "found_on", "status", "resolved_on", "overall_due_on"):
        code = d["subject__region__code"]
        resolved_by_end = d["status"] == "已化解" and d["resolved_on"] is not None and d["resolved_on"] <= end
        for period in periods(d["found_on"]):
            add(code, period, "disputes_found")
            if resolved_by_end:
                add(code, period, "disputes_resolved")
        still_open = d["status"] == "调解中" or (d["status"] == "已化解" and not resolved_by_end)
        if still_open and d["overall_due_on"] and d["overall_due_on"] < end:
            overdue(code)
    for h in Hazard.objects.filter(**in_tree, found_on__lte=end).values(
            "subject__region__code", "found_on", "status", "rectified_on", "rectify_due"):
        code = h["subject__region__code"]
        rectified_by_end = h["status"] in ("待验收", "已销号") and h["rectified_on"] and h["rectified_on"] <= end
        for period in periods(h["found_on"]):
            add(code, period, "hazards_found")
            if rectified_by_end:
                add(code, period, "hazards_rectified")
        if not rectified_by_end and h["rectify_due"] and h["rectify_due"] < end:
            overdue(code)
    for p in Petition.objects.filter(**in_tree, received_on__lte=end).values(
            "subject__region__code", "received_on", "status", "closed_on", "handle_due"):
        code = p["subject__region__code"]
        closed_by_end = p["status"] == "已办结" and p["closed_on"] and p["closed_on"] <= end
        for period in periods(p["received_on"]):
            add(code, period, "petitions_count")
            if closed_by_end:
                add(code, period, "petitions_closed")
        if not closed_by_end and p["handle_due"] and p["handle_due"] < end:
            overdue(code)
    return stats
