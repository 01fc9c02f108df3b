from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView

from . import selectors, services
from .exports import PROBLEM_COLUMNS
from .filtersets import PublicOrderProblemFilterSet
from .forms import PublicOrderProblemForm
from .models import PublicOrderProblem
from .tables import PublicOrderProblemTable
from .workflow import PROBLEM_WORKFLOW


class PublicOrderProblemListView(LedgerListView):
    model = PublicOrderProblem
    filterset_class = PublicOrderProblemFilterSet
    table_class = PublicOrderProblemTable
    title = "治安问题台账"
    create_url_name = "publicorder:problem_create"
    export_columns = PROBLEM_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.problem_list(qs)


class PublicOrderProblemDetailView(LedgerDetailView):
    model = PublicOrderProblem
    workflow = PROBLEM_WORKFLOW
    detail_fields = (
        "subject",
        "found_on",
        "category",
        "source",
        "risk_level",
        "location",
        "description",
        "people_count",
        "lead_unit",
        "responsible_person",
        "measures",
        "rectify_due",
        "status",
        "resolved_on",
        "result",
        "transferred_on",
        "transferred_to",
        "reopened_count",
        "created_by",
    )

    def decorate_queryset(self, qs):
        return selectors.problem_detail(qs)


class PublicOrderProblemFormView(LedgerFormView):
    model = PublicOrderProblem
    form_class = PublicOrderProblemForm
    create_service = services.public_order_problem_create
    update_service = services.public_order_problem_update


class PublicOrderProblemTransitionView(LedgerTransitionView):
    model = PublicOrderProblem
    workflow = PROBLEM_WORKFLOW
    transition_service = services.public_order_problem_transition
