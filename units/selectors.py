"""Reads for the registry screens. Querysets arrive already scoped by the base views."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from sanzero.validators import parse_bounded_int

from .models import LEVEL_PREFIX_LENGTH, LEVEL_RANK, Region, RegionLevel, Subject, TargetGroup, active_q


def subject_list(qs):
    """The list page's rows: everything a row shows in one query."""
    return qs.select_related("category", "region", "region__parent", "department")


def subject_detail(qs):
    return qs.select_related("category", "region", "region__parent", "department", "village_region")


def child_level_prefix_length(region: Region) -> int | None:
    """Length of the children's prefixes (None for a grid, which has no children)."""
    lengths = sorted(set(LEVEL_PREFIX_LENGTH.values()))
    own = len(region.prefix)
    bigger = [n for n in lengths if n > own]
    return bigger[0] if bigger else None


def region_children_with_counts(*, user, region: Region) -> list[dict]:
    """The region's children, each with its active subjects by group in its whole subtree.

    Two queries whatever the number of children: the children, and one grouped count over the subtree.
    """
    children = list(Region.objects.for_user(user).filter(parent=region).order_by("code"))
    length = child_level_prefix_length(region)
    counts: dict[tuple[str, str], int] = {}
    if children and length:
        today = timezone.localdate()
        rows = (
            Subject.objects.for_user(user)
            .active_on(today)
            .filter(region__code__startswith=region.prefix)
            .annotate(child_prefix=Substr("region__code", 1, length))
            .values("child_prefix", "category__group")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[(row["child_prefix"], row["category__group"])] = row["n"]
    result = []
    for child in children:
        village = counts.get((child.prefix, TargetGroup.VILLAGE), 0)
        unit = counts.get((child.prefix, TargetGroup.UNIT), 0)
        result.append({"region": child, "village": village, "unit": unit, "total": village + unit})
    return result


def region_totals(*, user, region: Region) -> dict:
    today = timezone.localdate()
    agg = (
        Subject.objects.for_user(user)
        .filter(region__code__startswith=region.prefix)
        .aggregate(
            active_village=Count("id", filter=Q(category__group=TargetGroup.VILLAGE) & active_q(today)),
            active_unit=Count("id", filter=Q(category__group=TargetGroup.UNIT) & active_q(today)),
            left=Count("id", filter=Q(left_on__lte=today)),
        )
    )
    agg["active_total"] = agg["active_village"] + agg["active_unit"]
    return agg


def scope_roots(user) -> list[Region]:
    """The top regions a user may browse: all roots for an admin, else the user's scope regions."""
    if user.is_admin_role:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    regions = sorted(user.scope_regions.all(), key=lambda r: r.code)
    return [r for r in regions if not any(r.pk != o.pk and r.code.startswith(o.prefix) for o in regions)]


def default_region_for(user) -> Region | None:
    roots = scope_roots(user)
    return roots[0] if roots else None


def visible_ancestors(user, region: Region) -> list[Region]:
    """The region's ancestors the user may open (for breadcrumbs): at most two queries."""
    ancestors = region.ancestors()
    if not ancestors:
        return []
    visible = set(Region.objects.for_user(user).filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    return [a for a in ancestors if a.pk in visible]


def home_page(*, user) -> dict:
    """The home page's reads: the user's region and its subject totals, the work queue (the cards the
    apps register, sanzero.registry.home_tasks) and the unread notifications. A fixed number of
    queries, however many entries the scope holds (each card pins its own)."""
    from sanzero.registry import home_tasks
    from sanzero.selectors import notification_unread_count

    region = default_region_for(user)
    return {
        "region": region,
        "totals": region_totals(user=user, region=region) if region else None,
        "tasks": home_tasks(user) if region else [],
        "unread": notification_unread_count(user=user),
    }


# -- the pickers' search (units.views.subject_search / region_search) --------------------------------

PICKER_PAGE_SIZE = 20
PICKER_MAX_PAGE = 500  # 10,000 rows deep: further than anyone scrolls; narrow the search instead
PICKER_MAX_QUERY = 50
PICKER_MAX_TERMS = 4


@dataclass(frozen=True)
class PickerPage:
    rows: list
    page: int
    more: bool


def picker_terms(raw) -> list[str]:
    """The search words: whitespace-separated (full-width space too), at most 4, the query cut at 50 characters."""
    text = str(raw or "").replace("\x00", "")[:PICKER_MAX_QUERY]
    return text.split()[:PICKER_MAX_TERMS]


def picker_page_number(raw) -> int:
    """?page= as a page number: anything but 1..500 is page 1, never a 500."""
    return parse_bounded_int(raw, low=1, high=PICKER_MAX_PAGE) or 1


def _term_q(term: str, *, name: str, initials: str, code: str, credit_code: str | None = None) -> Q:
    """One search word: part of the name, the start of the pinyin initials, of the division code
    (digits) or of the 统一社会信用代码."""
    q = Q(**{f"{name}__icontains": term})
    plain = term.lower()
    if plain.isascii() and plain.isalnum():
        q |= Q(**{f"{initials}__startswith": plain})
        if plain.isdigit():
            q |= Q(**{f"{code}__startswith": plain})
        if credit_code:
            q |= Q(**{f"{credit_code}__startswith": term.upper()})
    return q


def _name_hits_first(qs, terms: list[str], *order):
    """Rows whose own name holds the first word before those found by code, initials or their region's
    name (typing 建设 lists 建设路小学 before the shops of 建设社区); then a stable order for paging."""
    if not terms:
        return qs.order_by(*order)
    hit = Case(When(name__icontains=terms[0], then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(name_hit=hit).order_by("name_hit", *order)


def picker_page(qs, page: int) -> PickerPage:
    start = (page - 1) * PICKER_PAGE_SIZE
    rows = list(qs[start : start + PICKER_PAGE_SIZE + 1])  # one more row says whether there is a next page
    return PickerPage(rows[:PICKER_PAGE_SIZE], page, len(rows) > PICKER_PAGE_SIZE)


def subject_search(*, user, q="", page=1) -> PickerPage:
    """Subjects a ledger form may be given, in the user's scope (for_user), matching every search word
    by name, pinyin initials, credit code or division code, or by the name of their region."""
    qs = Subject.objects.for_user(user).offered_for_entry().select_related("region")
    terms = picker_terms(q)
    for term in terms:
        qs = qs.filter(
            _term_q(term, name="name", initials="name_initials", code="region__code", credit_code="credit_code")
            | Q(region__name__icontains=term)
        )
    return picker_page(_name_hits_first(qs, terms, "region__code", "name", "pk"), picker_page_number(page))


def picker_levels(raw) -> tuple[str, ...]:
    """?levels=township,village as region levels; unknown words are ignored, none known means every level."""
    wanted = [w for w in str(raw or "").split(",")[:10] if w in RegionLevel.values]
    return tuple(wanted) or tuple(RegionLevel.values)


def region_search(*, user, q="", levels=(), page=1) -> PickerPage:
    """Regions in the user's scope of the given levels, matching every search word by name, pinyin
    initials or division code prefix, or by the name of the region above."""
    qs = Region.objects.for_user(user).filter(level__in=levels or RegionLevel.values)
    terms = picker_terms(q)
    for term in terms:
        qs = qs.filter(
            _term_q(term, name="name", initials="name_initials", code="code") | Q(parent__name__icontains=term)
        )
    return picker_page(_name_hits_first(qs, terms, "code"), picker_page_number(page))


def region_paths(regions: Iterable[Region]) -> dict[int, str]:
    """Each region's path from its county down, "示范县/城关镇/建设社区" (from the root for a region
    above a county), so two 建设社区 of different townships are told apart. One query for any number."""
    regions = list(regions)
    codes = set().union(*(r.ancestor_codes() for r in regions)) if regions else set()
    names = {
        code: (name, level)
        for code, name, level in Region.objects.filter(code__in=codes).values_list("code", "name", "level")
    }
    county_rank = LEVEL_RANK[RegionLevel.COUNTY]
    paths = {}
    for region in regions:
        top = min(county_rank, LEVEL_RANK[region.level])
        above = sorted((names[c] for c in region.ancestor_codes() if c in names), key=lambda nl: LEVEL_RANK[nl[1]])
        parts = [name for name, level in above if LEVEL_RANK[level] >= top]
        paths[region.pk] = "/".join([*parts, region.name])
    return paths
