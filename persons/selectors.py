"""Reads for the person pages: the list's joins, the visit log, the linked and suggested petitions and
disputes (each through its own ledger's scope, so a link never shows what the viewer may not see)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from sanzero.roles import Role
from sanzero.scoping import user_scope
from units.selectors import PickerPage, picker_page, picker_page_number, picker_terms

from .models import KeyPerson, PersonLink
from .privacy import mask_name

#: suggestions shown per kind on a person's page
SUGGESTIONS = 5
#: visits in a person's timeline (its 走访记录 card shows the latest ten of them)
VISITS_SHOWN = 50


def link_count():
    """关联事项 per row as a correlated subquery: the page's COUNT query leaves it out (no join, no GROUP BY)."""
    counted = (
        PersonLink.objects.filter(person=OuterRef("pk")).order_by().values("person").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def person_list(qs):
    return qs.select_related("subject", "subject__region", "grid_worker").annotate(link_count=link_count())


def person_detail(qs):
    return qs.select_related("subject", "subject__region", "created_by", "grid_worker")


def person_visits(person) -> list:
    return list(person.visits.select_related("by")[:VISITS_SHOWN])


def person_links(*, user, person: KeyPerson) -> dict:
    """The person's links the user can see (each target through its ledger's for_user), how many more
    there are outside the user's scope, and suggestions: petitions with the person's ID number (keyed
    hash) and disputes in the person's township naming the person among the parties, not yet linked.
    Five queries, whatever the number of links."""
    from disputes.models import Dispute
    from petitions.models import Petition

    links = list(PersonLink.objects.filter(person=person).select_related("created_by"))
    petition_ids = {link.petition_id for link in links if link.petition_id}
    dispute_ids = {link.dispute_id for link in links if link.dispute_id}
    petitions = {p.pk: p for p in Petition.objects.for_user(user).filter(pk__in=petition_ids).select_related("subject")}
    disputes = {d.pk: d for d in Dispute.objects.for_user(user).filter(pk__in=dispute_ids).select_related("subject")}
    shown, hidden = [], 0
    for link in links:
        target = petitions.get(link.petition_id) if link.petition_id else disputes.get(link.dispute_id)
        if target is None:
            hidden += 1
            continue
        shown.append({"link": link, "target": target, "kind": link.kind_label})
    suggested = []
    if person.id_number_hash:
        for p in (
            Petition.objects.for_user(user)
            .filter(id_number_hash=person.id_number_hash)
            .exclude(pk__in=petition_ids)
            .select_related("subject")
            .order_by("-received_on", "-pk")[:SUGGESTIONS]
        ):
            suggested.append({"kind": "petition", "label": "信访", "target": p, "why": "信访人身份证号相同"})
    name = (person.name or "").strip()
    if len(name) >= 2:
        township = person.subject.region.code[:9]
        for d in (
            Dispute.objects.for_user(user)
            .filter(parties__contains=name, subject__region__code__startswith=township)
            .exclude(pk__in=dispute_ids)
            .select_related("subject")
            .order_by("-found_on", "-pk")[:SUGGESTIONS]
        ):
            suggested.append(
                {"kind": "dispute", "label": "矛盾纠纷", "target": d, "why": f"当事人含“{mask_name(name)}”（同乡镇）"}
            )
    return {"links": shown, "hidden_links": hidden, "suggestions": suggested}


def grid_worker_queryset(user):
    """The grid workers a user may make 包户: a grid worker only themselves; others the active grid
    workers with a scope region inside the user's scope."""
    User = get_user_model()
    scope = user_scope(user)
    qs = User.objects.filter(role=Role.GRID, is_active=True)
    if scope.role == Role.GRID:
        qs = qs.filter(pk=user.pk)
    elif not scope.unrestricted:
        q = Q()
        for prefix in scope.prefixes:
            q |= Q(scope_regions__code__startswith=prefix)
        qs = qs.filter(q).distinct() if scope.prefixes else qs.none()
    return qs.prefetch_related("scope_regions").order_by("username")


def grid_worker_search(*, user, q="", page=1) -> PickerPage:
    """The 包户 picker's search: the grid workers the user may choose (grid_worker_queryset), matching
    every word by login name, name, or the name or code of a region in their scope."""
    qs = grid_worker_queryset(user)
    for term in picker_terms(q):
        match = (
            Q(username__icontains=term)
            | Q(full_name__icontains=term)
            | Q(scope_regions__name__icontains=term)
            | Q(scope_regions__code__startswith=term)
        )
        qs = qs.filter(pk__in=get_user_model().objects.filter(match).values("pk"))
    return picker_page(qs, picker_page_number(page))
