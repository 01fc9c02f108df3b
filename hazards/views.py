from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView
from sanzero.exporting.mixins import ExportMixin
from sanzero.scoping import user_scope
from sanzero.services import ServiceError
from sanzero.validators import parse_bounded_int
from sanzero.views import ScopedMixin
from standards.exports import CodeColumn, WithStandardCodes

from . import selectors, services
from .choices import LISTING_ACTIVE, TIER_SHORT, TIER_SLUGS, HazardLevel, HazardStatus, ListingStatus, ListingTier
from .exports import ACCIDENT_COLUMNS, HAZARD_COLUMNS, LISTING_COLUMNS, PUBLISHED_COLUMNS
from .filtersets import AccidentFilterSet, HazardFilterSet, HazardListingFilterSet
from .forms import AccidentForm, BulkAcceptForm, HazardForm, ListingForm, listable_hazards
from .models import LISTING_PLAN, PLAN_FIELDS, Accident, Hazard, HazardListing
from .tables import AccidentTable, HazardListingTable, HazardTable
from .workflow import (
    ACCEPTANCE_STEPS,
    ACCIDENT_WORKFLOW,
    HAZARD_WORKFLOW,
    LIST_ROLES,
    LISTING_REVIEW_STEPS,
    LISTING_WORKFLOW,
)


class HazardListView(LedgerListView):
    model = Hazard
    filterset_class = HazardFilterSet
    table_class = HazardTable
    title = "安全隐患台账"
    template_name = "hazards/hazard_list.html"
    create_url_name = "hazards:hazard_create"

    @property
    def export_columns(self):
        """The list's columns, and 隐患类别国标代码 once codes are set (standards, GB/T 31000-2015)."""
        return WithStandardCodes(HAZARD_COLUMNS, CodeColumn("hazards.category", "category"))

    bulk_actions = (("批量验收", reverse_lazy("hazards:bulk_accept"), "bi-clipboard-check"),)

    def decorate_queryset(self, qs):
        return selectors.hazard_list(qs)

    def bulk_actions_for(self, user) -> list:
        return list(self.bulk_actions) if selectors.may_accept(user) else []

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["acceptance_count"] = selectors.acceptance_queue(user).count() if selectors.may_accept(user) else None
        return ctx


class HazardDetailView(LedgerDetailView):
    model = Hazard
    workflow = HAZARD_WORKFLOW
    template_name = "hazards/hazard_detail.html"
    detail_fields = (
        "subject",
        "found_on",
        "category",
        "level",
        "description",
        "rectify_due",
        "due_on",
        "responsible_person",
        "measures",
        *PLAN_FIELDS,
        "status",
        "rectified_on",
        "rectified_by",
        "accepted_by",
        "accepted_on",
        "acceptance_note",
    )

    def decorate_queryset(self, qs):
        return selectors.hazard_detail(qs)

    def transition_allowed_read_only(self, transition) -> bool:
        """The supervising department reads the hazards it supervises and may accept them (ACCEPT_ROLES)."""
        return transition.name in ACCEPTANCE_STEPS

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        hazard = self.object
        listing = selectors.active_listing(hazard) if hazard.level == HazardLevel.MAJOR else None
        ctx["listing"] = listing
        # 挂牌督办 is offered to county staff on a 重大 hazard still 整改中 and not listed now
        ctx["can_list"] = (
            listing is None
            and hazard.level == HazardLevel.MAJOR
            and hazard.status == HazardStatus.RECTIFYING
            and user_scope(self.request.user).role in LIST_ROLES
        )
        return ctx


class HazardAcceptanceView(TemplateView):
    """待我验收: the hazards awaiting this user's acceptance, oldest rectification first."""

    template_name = "hazards/acceptance_queue.html"
    title = "待我验收"

    def get(self, request, *args, **kwargs):
        if not selectors.may_accept(request.user):
            raise PermissionDenied("您的角色不能验收安全隐患。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = selectors.acceptance_queue(self.request.user).select_related("subject", "subject__region", "rectified_by")
        page = Paginator(qs, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        for hazard in page:
            hazard.waiting_days = (today - hazard.rectified_on).days if hazard.rectified_on else None
        ctx.update({"title": self.title, "page": page, "list_title": Hazard._meta.verbose_name_plural})
        return ctx


class HazardBulkAcceptView(ScopedMixin, View):
    """批量验收: GET lists the checked hazards (?id=…) and why any of them cannot be accepted, with the
    date and opinion to confirm; POST accepts all of them or none (services.hazard_bulk_accept).
    A role that may not accept: 403; an id outside the user's scope: 404."""

    model = Hazard
    template_name = "hazards/bulk_accept.html"

    def dispatch(self, request, *args, **kwargs):
        if not selectors.may_accept(request.user):
            raise PermissionDenied("您的角色不能验收安全隐患。")
        return super().dispatch(request, *args, **kwargs)

    def hazards(self, ids):
        hazards = list(selectors.hazard_list(self.get_queryset()).filter(pk__in=ids).order_by("found_on", "pk"))
        if len(hazards) != len(set(ids)):
            raise Http404("所选隐患不在您的管辖范围内或已不存在。")
        user = self.request.user
        for hazard in hazards:
            if hazard.status != HazardStatus.AWAITING:
                hazard.blocker = f"当前状态为“{hazard.get_status_display()}”，不是待验收。"
            else:
                hazard.blocker = HAZARD_WORKFLOW.get("accept").refusal(hazard, user)
        return hazards

    def render_page(self, form, hazards, status=200):
        ctx = {
            "title": "批量验收安全隐患",
            "form": form,
            "hazards": hazards,
            "blocked": [h for h in hazards if h.blocker],
            "breadcrumbs": [(Hazard._meta.verbose_name_plural, reverse("hazards:hazard_list")), ("批量验收", "")],
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request):
        form = BulkAcceptForm(initial={"id": request.GET.getlist("id")})
        field = form.fields["id"]
        try:
            ids = field.clean(request.GET.getlist("id"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(reverse("hazards:hazard_list"))
        return self.render_page(form, self.hazards(ids))

    def post(self, request):
        form = BulkAcceptForm(request.POST)
        if not form.is_valid():
            hazards = self.hazards(form.cleaned_data["id"]) if "id" in form.cleaned_data else []
            return self.render_page(form, hazards, status=400)
        ids = form.cleaned_data["id"]
        hazards = self.hazards(ids)  # 404 before anything for an id out of scope
        data = {"accepted_on": form.cleaned_data["accepted_on"], "note": form.cleaned_data["note"]}
        try:
            accepted = services.hazard_bulk_accept(actor=request.user, ids=ids, data=data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.render_page(form, hazards, status=400)  # nothing was written: the same rows
        messages.success(request, f"已验收并销号{len(accepted)}条安全隐患。")
        return HttpResponseRedirect(reverse("hazards:hazard_list"))


def acceptance_home_task(user) -> dict | None:
    """The home page's 待我验收 card for users who may accept hazards (sanzero.registry.register_home_task):
    the count and the longest-waiting page of the queue; two queries at most."""
    from sanzero.registry import HOME_LIMIT, home_card

    if not selectors.may_accept(user):
        return None
    qs = selectors.acceptance_queue(user)
    count = qs.count()
    today = timezone.localdate()
    items = [
        {
            "label": str(h),
            "kind": str(Hazard._meta.verbose_name),
            "url": h.get_absolute_url(),
            "note": f"{h.rectified_on:%Y-%m-%d}整改完成，已等待{(today - h.rectified_on).days}天"
            if h.rectified_on
            else "已整改，待验收",
            "colour": "",
        }
        for h in (qs.select_related("subject")[:HOME_LIMIT] if count else [])
    ]
    return home_card(
        "acceptance",
        "待我验收的安全隐患",
        "bi-clipboard-check",
        reverse("hazards:acceptance_queue"),
        items,
        count=count,
        empty="没有等待您验收的安全隐患。",
        order=15,
    )


class HazardFormView(LedgerFormView):
    model = Hazard
    form_class = HazardForm
    create_service = services.hazard_create
    update_service = services.hazard_update


class HazardTransitionView(LedgerTransitionView):
    model = Hazard
    workflow = HAZARD_WORKFLOW
    transition_service = services.hazard_transition


class AccidentListView(LedgerListView):
    model = Accident
    filterset_class = AccidentFilterSet
    table_class = AccidentTable
    title = "事故台账"
    create_url_name = "hazards:accident_create"
    export_columns = ACCIDENT_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.accident_list(qs)


class AccidentDetailView(LedgerDetailView):
    model = Accident
    workflow = ACCIDENT_WORKFLOW
    detail_fields = (
        "subject",
        "occurred_on",
        "kind",
        "deaths",
        "injuries",
        "serious_injuries",
        "direct_loss",
        "grade",
        "summary",
        "status",
        "closed_on",
    )

    def decorate_queryset(self, qs):
        return selectors.accident_list(qs)


class AccidentFormView(LedgerFormView):
    model = Accident
    form_class = AccidentForm
    create_service = services.accident_create
    update_service = services.accident_update


class AccidentTransitionView(LedgerTransitionView):
    model = Accident
    workflow = ACCIDENT_WORKFLOW
    transition_service = services.accident_transition


# --- 挂牌督办 ----------------------------------------------------------------------------------------


class HazardListingListView(LedgerListView):
    model = HazardListing
    filterset_class = HazardListingFilterSet
    table_class = HazardListingTable
    title = "重大隐患挂牌督办"
    template_name = "hazards/listing_list.html"
    create_url_name = "hazards:listing_create"
    export_columns = LISTING_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.listing_list(qs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tiers"] = [(slug, TIER_SHORT[tier]) for slug, tier in TIER_SLUGS.items()]
        return ctx


def _plan_rows(listing: HazardListing) -> list[tuple[str, bool, list[tuple[str, str]]]]:
    """The 五落实 card: each 落实 with whether it is in place and its fields' labels and values."""
    rows = []
    extra = {"责任落实": ("duty_leader",), "资金落实": ("funds_source",)}
    for name, fields in LISTING_PLAN.items():
        done = all(getattr(listing, f) not in (None, "") for f in fields)
        values = []
        for f in (*fields, *extra.get(name, ())):
            value = getattr(listing, f)
            if hasattr(value, "strftime"):
                value = value.strftime("%Y-%m-%d")
            values.append(
                (str(HazardListing._meta.get_field(f).verbose_name), value if value not in (None, "") else "—")
            )
        rows.append((name, done, values))
    return rows


def _hazard_link(listing: HazardListing) -> str:
    h = listing.hazard
    return f"{h.get_category_display()}隐患：{h.description}（{h.found_on:%Y-%m-%d}发现，{h.get_status_display()}）"


#: a 摘牌销号 listing was published as it stands (the per-tier list): nobody edits it afterwards
DELISTED_FROZEN = "已摘牌销号的挂牌督办不能再修改：它已按摘牌时的内容公布。"


class HazardListingDetailView(LedgerDetailView):
    model = HazardListing
    workflow = LISTING_WORKFLOW
    template_name = "hazards/listing_detail.html"
    PAGE_TEMPLATES = {"print": "ledger/print.html", "notice": "hazards/listing_letter.html"}
    detail_fields = (
        "subject",
        ("重大隐患", _hazard_link),
        "tier",
        "notice_number",
        "listed_on",
        "deadline",
        "requirement",
        "status",
        "rectified_on",
        "rectify_report",
        "rectified_by",
        "reviewed_on",
        "reviewed_by",
        "accepted_on",
        "accepted_by",
        "delisted_on",
        "delist_number",
        "created_by",
    )

    #: the steps' fields: shown once the step is done (an empty one says nothing a 督办中 listing needs)
    STEP_FIELDS = (
        "rectified_on",
        "rectify_report",
        "rectified_by",
        "reviewed_on",
        "reviewed_by",
        "accepted_on",
        "accepted_by",
        "delisted_on",
        "delist_number",
        "requirement",
    )

    def decorate_queryset(self, qs):
        return selectors.listing_detail(qs)

    def field_rows(self, obj):
        labels = {str(HazardListing._meta.get_field(f).verbose_name) for f in self.STEP_FIELDS}
        return [(label, value) for label, value in super().field_rows(obj) if not (label in labels and value == "—")]

    def transition_allowed_read_only(self, transition) -> bool:
        """The supervising department reads the listings of its subjects and may do 初审 and 验收."""
        return transition.name in LISTING_REVIEW_STEPS

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        listing = self.object
        if listing.status == ListingStatus.DELISTED:
            ctx["can_change"] = False  # no 修改 button: the edit form refuses it (DELISTED_FROZEN)
        ctx["plan_rows"] = _plan_rows(listing)
        ctx["reviews"] = list(listing.reviews.select_related("by"))
        ctx["letters"] = list(listing.letters.select_related("issued_by"))
        return ctx

    def print_context(self, obj, ctx) -> dict:
        """The notice page of a listing is its 督办函 (?n= the letter's sequence; the latest by default)."""
        extra = super().print_context(obj, ctx)
        if self.page == "notice":
            letters = ctx.get("letters") or list(obj.letters.select_related("issued_by"))
            n = parse_bounded_int(self.request.GET.get("n"), low=1, high=999)
            letter = next((x for x in letters if x.sequence == n), None) if n else (letters[-1] if letters else None)
            if n and letter is None:
                raise Http404("没有这份督办函。")
            extra.update({"letter": letter, "letters": letters, "hazard": obj.hazard})
        return extra


class HazardListingFormView(LedgerFormView):
    model = HazardListing
    form_class = ListingForm
    create_service = services.listing_create
    update_service = services.listing_update
    CONTINUE_ENTRY = False  # one listing per hazard: no 保存并继续登记

    @property
    def title(self):
        return "修改挂牌督办" if self.object else "重大隐患挂牌督办"

    def get_object(self):
        obj = super().get_object()
        if obj is not None and obj.status == ListingStatus.DELISTED:
            raise PermissionDenied(DELISTED_FROZEN)
        return obj

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        hazard = self.preselected_hazard()
        if hazard is not None:
            # the 五落实 start from what the hazard's page recorded
            kwargs["initial"] = {
                "hazard": hazard.pk,
                "duty_unit": hazard.subject.name,
                "duty_person": hazard.responsible_person,
                "measures": hazard.plan_measures or hazard.measures,
                "plan_deadline": hazard.plan_deadline,
                "contingency": hazard.plan_contingency,
            }
        return kwargs

    def preselected_hazard(self) -> Hazard | None:
        """?hazard=<id> (the hazard page's 挂牌督办 button): a listable 重大 hazard of the user's scope."""
        if self.object is not None or self.request.method != "GET":
            return None
        pk = parse_bounded_int(self.request.GET.get("hazard"), low=1)
        return listable_hazards(self.request.user).filter(pk=pk).first() if pk else None


class HazardListingTransitionView(LedgerTransitionView):
    model = HazardListing
    workflow = LISTING_WORKFLOW
    transition_service = services.listing_transition


class ListingPublishedView(ExportMixin, TemplateView):
    """The published list of one tier (公布名单): its listings in force during a year, in the user's scope,
    with what a 安委会 publishes of each (no 五落实 funds, approvals, letters or internal notes)."""

    template_name = "hazards/listing_published.html"
    export_columns = PUBLISHED_COLUMNS

    def dispatch(self, request, *args, **kwargs):
        self.tier = TIER_SLUGS.get(kwargs["tier"])
        if self.tier is None:
            raise Http404("没有这一挂牌层级。")
        this_year = timezone.localdate().year
        self.year = parse_bounded_int(request.GET.get("year"), low=2000, high=this_year + 1) or this_year
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:
        return f"{self.year}年{ListingTier(self.tier).label}挂牌督办重大事故隐患名单"

    def rows(self) -> list[HazardListing]:
        """In force first, then delisted; each part numbered from 1 (as published)."""
        rows = list(selectors.published_listings(self.request.user, self.tier, self.year))
        parts = ([r for r in rows if r.status in LISTING_ACTIVE], [r for r in rows if r.status not in LISTING_ACTIVE])
        for part in parts:
            for number, listing in enumerate(part, start=1):
                region = listing.subject.region
                township = region.parent if region.is_village_level and region.parent_id else region
                listing.row_number, listing.township_name = number, township.name
        return [*parts[0], *parts[1]]

    def export_queryset(self):
        return self.rows()

    def export_title(self) -> str:
        return self.title

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = self.rows()
        this_year = timezone.localdate().year
        ctx.update(
            {
                "title": self.title,
                "tier": self.tier,
                "tier_slug": self.kwargs["tier"],
                "tiers": [(slug, TIER_SHORT[tier]) for slug, tier in TIER_SLUGS.items()],
                "year": self.year,
                "years": list(range(this_year, this_year - 5, -1)),
                "in_force": [r for r in rows if r.status in LISTING_ACTIVE],
                "delisted": [r for r in rows if r.status not in LISTING_ACTIVE],
                "today": timezone.localdate(),
            }
        )
        return ctx


def listing_supervision_panel(user) -> dict | None:
    """督办's line of figures for 挂牌督办: listings in force per tier, overdue, with a 督办函."""
    counts = selectors.listing_counts(user)
    if not counts:
        return None
    items = [(f"{TIER_SHORT[tier]}挂牌", counts[tier]["n"]) for tier in ListingTier.values if tier in counts]
    items.append(("逾期未整改", sum(c["overdue"] for c in counts.values())))
    items.append(("已发督办函", sum(c["lettered"] for c in counts.values())))
    return {"title": "重大隐患挂牌督办（在督）", "items": items}
