from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView

from . import selectors, services
from .exports import ACCIDENT_COLUMNS, HAZARD_COLUMNS
from .filtersets import AccidentFilterSet, HazardFilterSet
from .forms import AccidentForm, HazardForm
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
    export_columns = HAZARD_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.hazard_list(qs)

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
