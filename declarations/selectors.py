"""Reads for 零报告: who has declared a month, the month's ledger entries per region, silent subjects.

The entry counts read the ledgers (a declaration is about them, not about the snapshots): one COUNT per
ledger for a region, one grouped query per ledger for a board of townships. Ledgers are found as the
concrete subclasses of ledger.models.LedgerEntry, so a new ledger app counts without a change here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import Substr

from dashboards.models import MonthStatus, month_end
from dashboards.selectors import month_status, state_label, townships_of
from ledger.models import LedgerEntry
from sanzero.roles import Role
from units.models import LEVEL_PREFIX_LENGTH, VILLAGE_LEVELS, Region, RegionLevel, Subject, active_q

from .models import Declaration, DeclarationKind

TOWNSHIP_LENGTH = LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP]
VILLAGE_LENGTH = LEVEL_PREFIX_LENGTH[RegionLevel.VILLAGE]


def ledger_models() -> list[type]:
    """Every ledger (a concrete LedgerEntry), in INSTALLED_APPS order."""
    return [m for m in apps.get_models() if issubclass(m, LedgerEntry) and not m._meta.abstract]


def _in_month(model, month: datetime.date) -> Q:
    return Q(**{f"{model.DATE_FIELD}__gte": month, f"{model.DATE_FIELD}__lte": month_end(month)})


def entry_counts(*, region: Region, month: datetime.date) -> dict[str, int]:
    """{ledger name: entries dated in the month} of the region's subjects (every ledger, zeros included)."""
    return {
        str(model._meta.verbose_name): model.objects.filter(
            _in_month(model, month), subject__region__code__startswith=region.prefix
        ).count()
        for model in ledger_models()
    }


def entry_totals_by_prefix(*, prefixes: list[str], length: int, month: datetime.date) -> dict[str, int]:
    """{prefix: entries dated in the month} for region prefixes of one length (townships: 9, villages: 12)."""
    totals = dict.fromkeys(prefixes, 0)
    if not prefixes:
        return totals
    lookup = Q()
    for prefix in {p[:TOWNSHIP_LENGTH] for p in prefixes}:
        lookup |= Q(subject__region__code__startswith=prefix)
    for model in ledger_models():
        rows = (
            model.objects.filter(_in_month(model, month))
            .filter(lookup)
            .annotate(declaring_unit=Substr("subject__region__code", 1, length))
            .values("declaring_unit")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            if row["declaring_unit"] in totals:
                totals[row["declaring_unit"]] += row["n"]
    return totals


def township_of(region: Region) -> Region | None:
    """The township a township or village belongs to (itself for a township)."""
    if region.level == RegionLevel.TOWNSHIP:
        return region
    if region.level in VILLAGE_LEVELS or region.level == RegionLevel.GRID:
        return Region.objects.filter(code=region.code[:TOWNSHIP_LENGTH].ljust(12, "0")).first()
    return None


def month_closed(*, township: Region, month: datetime.date) -> str | None:
    """Why the township's month no longer takes a declaration (submitted or locked), else None."""
    status = month_status(region=township, month=month)
    if status is None:
        return None
    if status.status == MonthStatus.Status.LOCKED:
        return f"{month:%Y年%-m月}已被县平安办锁定，零报告不能再修改。"
    if status.region_id == township.pk and status.status == MonthStatus.Status.SUBMITTED:
        return f"{township.name}{month:%Y年%-m月}已上报，零报告不能再修改。如需修改，请先撤回上报。"
    return None


def reporting_villages(*, region: Region) -> list[Region]:
    """The villages and communities under (or equal to) the region where an active grid worker reports:
    those a grid user's scope names (a grid's scope counts for its village). Two queries."""
    codes = set()
    grid_regions = Region.objects.filter(
        pk__in=get_user_model().objects.filter(role=Role.GRID, is_active=True).values("scope_regions"),
        code__startswith=region.prefix[:VILLAGE_LENGTH],
    ).values_list("code", flat=True)
    for code in grid_regions:
        if len(code) >= 12:
            codes.add(code[:12])
    return list(Region.objects.filter(code__in=codes, level__in=VILLAGE_LEVELS).order_by("code"))


@dataclass
class DeclarationRow:
    """One township or village of a board: its declaration (None: never declared) and its month now."""

    region: Region
    declaration: Declaration | None
    entries_now: int
    month_state: str = ""  # the township's 上报 state (未上报/已上报/已锁定); villages: ""
    villages: list[DeclarationRow] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return self.declaration is not None and self.declaration.declared

    @property
    def label(self) -> str:
        return self.declaration.get_kind_display() if self.declared else "未申报"

    @property
    def badge_class(self) -> str:
        return self.declaration.badge_class if self.declared else "text-bg-warning"

    @property
    def stale(self) -> str:
        """What changed since the declaration: entries recorded after a 无事报平安, or more of them."""
        if not self.declared:
            return ""
        d = self.declaration
        if d.kind == DeclarationKind.NOTHING and self.entries_now:
            return f"申报“无事报平安”后又登记了{self.entries_now}条台账"
        if d.kind == DeclarationKind.ENTRIES and self.entries_now != d.entry_total:
            return f"申报时台账{d.entry_total}条，现为{self.entries_now}条"
        return ""


@dataclass
class DeclarationBoard:
    month: datetime.date
    townships: list[DeclarationRow]
    villages: list[DeclarationRow]  # reporting villages the user sees outside the townships listed

    @property
    def total(self) -> int:
        return len(self.townships)

    @property
    def declared_count(self) -> int:
        return sum(1 for r in self.townships if r.declared)

    @property
    def undeclared(self) -> list[DeclarationRow]:
        return [r for r in self.townships if not r.declared]

    @property
    def undeclared_villages(self) -> list[DeclarationRow]:
        rows = [v for t in self.townships for v in t.villages] + self.villages
        return [r for r in rows if not r.declared]


def declaration_board(*, user, region: Region, month: datetime.date) -> DeclarationBoard:
    """The townships of the region in the user's scope, each with its declaration, its entries of the
    month and its 上报 state, and its reporting villages; a grid worker's own villages. A fixed number
    of queries whatever the number of townships."""
    visible = Region.objects.for_user(user)
    townships = list(townships_of(region).filter(pk__in=visible.values("pk")).order_by("code"))
    villages = [v for v in reporting_villages(region=region) if user_may_see(user, v)]
    regions = townships + villages
    declarations = {
        d.region_id: d
        for d in Declaration.objects.for_user(user)
        .filter(month=month, region__in=regions)
        .select_related("declared_by")
    }
    township_totals = entry_totals_by_prefix(
        prefixes=[t.prefix for t in townships], length=TOWNSHIP_LENGTH, month=month
    )
    village_totals = entry_totals_by_prefix(prefixes=[v.prefix for v in villages], length=VILLAGE_LENGTH, month=month)
    statuses = {s.region_id: s for s in MonthStatus.objects.filter(month=month, region__in=townships)}
    locked = month_status(region=region, month=month) if townships else None
    locked_all = locked is not None and locked.status == MonthStatus.Status.LOCKED and locked.region_id != region.pk
    rows = {}
    for t in townships:
        state = "已锁定" if locked_all else state_label(statuses.get(t.pk))
        rows[t.pk] = DeclarationRow(t, declarations.get(t.pk), township_totals[t.prefix], state)
    loose = []
    for v in villages:
        row = DeclarationRow(v, declarations.get(v.pk), village_totals[v.prefix])
        parent = rows.get(v.parent_id)
        (parent.villages if parent is not None else loose).append(row)
    return DeclarationBoard(month, list(rows.values()), loose)


def user_may_see(user, region: Region) -> bool:
    from sanzero.scoping import user_scope

    scope = user_scope(user)
    return scope.unrestricted or any(region.code.startswith(p) for p in scope.prefixes)


def silent_subjects(*, user, region: Region, month: datetime.date):
    """创建主体 in the campaign at the month's end that no one reported on: no ledger entry dated in the
    month, and neither their township nor their village declared the month. One query (NOT IN per ledger)."""
    declared = list(
        Declaration.objects.filter(month=month, region__code__startswith=region.prefix[:TOWNSHIP_LENGTH])
        .exclude(kind=DeclarationKind.WITHDRAWN)
        .values_list("region__code", "region__level")
    )
    covered = Q()
    for code, level in declared:
        covered |= Q(region__code__startswith=code[: LEVEL_PREFIX_LENGTH[level]])
    qs = (
        Subject.objects.for_user(user)
        .filter(active_q(month_end(month)), region__code__startswith=region.prefix)
        .select_related("region", "region__parent", "category", "department")
    )
    if declared:
        qs = qs.exclude(covered)
    for model in ledger_models():
        qs = qs.exclude(pk__in=model.objects.filter(_in_month(model, month)).values("subject_id"))
    return qs.order_by("region__code", "name", "pk")


def declaration_detail(qs, pk: int) -> Declaration:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(qs.select_related("region", "declared_by"), pk=pk)
