from sanzero.ledger_views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView

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
    create_url_name = "hazards:hazard_create"
    export_columns = HAZARD_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.hazard_list(qs)


class HazardDetailView(LedgerDetailView):
    model = Hazard
    workflow = HAZARD_WORKFLOW
    detail_fields = ("subject", "found_on", "category", "level", "description", "rectify_due", "due_on",
                     "responsible_person", "measures", *PLAN_FIELDS, "status", "rectified_on", "rectified_by",
                     "accepted_by", "accepted_on", "acceptance_note")

    def decorate_queryset(self, qs):
        return selectors.hazard_detail(qs)

    def transition_allowed_read_only(self, transition) -> bool:
        """The supervising department reads the hazards it supervises and may accept them (ACCEPT_ROLES)."""
        return transition.name in ACCEPTANCE_STEPS


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
    detail_fields = ("subject", "occurred_on", "kind", "deaths", "injuries", "direct_loss", "grade", "summary",
                     "status", "closed_on")

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
