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
from sanzero.services import ServiceError
from sanzero.views import ScopedMixin
from standards.exports import CodeColumn, WithStandardCodes

from . import selectors, services
from .choices import HazardStatus
from .exports import ACCIDENT_COLUMNS, HAZARD_COLUMNS
from .filtersets import AccidentFilterSet, HazardFilterSet
from .forms import AccidentForm, BulkAcceptForm, HazardForm
from .models import PLAN_FIELDS, Accident, Hazard
from .tables import AccidentTable, HazardTable
from .workflow import ACCEPTANCE_STEPS, ACCIDENT_WORKFLOW, HAZARD_WORKFLOW


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
