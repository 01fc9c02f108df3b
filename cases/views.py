from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import timezone

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView
from ledger.workflow import require_role

from . import selectors, services
from .choices import CaseKind
from .exports import CASE_COLUMNS
from .filtersets import PoliceCaseFilterSet
from .forms import PoliceCaseForm
from .models import PoliceCase
from .tables import PoliceCaseTable
from .workflow import CASE_WORKFLOW


def _major_influence(case: PoliceCase) -> str:
    if case.kind == CaseKind.CRIMINAL:
        return "不适用（刑事案件）"
    return "是" if case.major_influence else "否"


def _breaks_zero_case(case: PoliceCase) -> str:
    return "是（该主体零案件不达标）" if case.breaks_zero_case else "否"


class PoliceCaseListView(LedgerListView):
    model = PoliceCase
    filterset_class = PoliceCaseFilterSet
    table_class = PoliceCaseTable
    title = "刑事/治安案件台账"
    create_url_name = "cases:case_create"
    export_columns = CASE_COLUMNS

    def get_table_kwargs(self):
        # No deadline column: skip the kernel's DeadlineSettings lookup (one query per request).
        return {"today": timezone.localdate()}

    def decorate_queryset(self, qs):
        return selectors.case_list(qs)


class PoliceCaseDetailView(LedgerDetailView):
    model = PoliceCase
    workflow = CASE_WORKFLOW
    detail_fields = (
        "subject",
        "occurred_on",
        "kind",
        ("是否有重大影响", _major_influence),
        ("影响零案件", _breaks_zero_case),
        "case_no",
        "cause",
        "unit",
        "summary",
        "status",
        "solved_on",
        "closed_on",
        "created_by",
    )

    def decorate_queryset(self, qs):
        return selectors.case_detail(qs)


class PoliceCaseFormView(LedgerFormView):
    model = PoliceCase
    form_class = PoliceCaseForm
    create_service = services.police_case_create
    update_service = services.police_case_update


class PoliceCaseTransitionView(LedgerTransitionView):
    model = PoliceCase
    workflow = CASE_WORKFLOW
    transition_service = services.police_case_transition

    def get(self, request, *args, **kwargs):
        obj = self.get_object()  # out of scope: 404 first
        # The kernel shows the step's form to any reader and refuses only on POST; refuse the form too.
        require_role(request.user, self.transition.roles, f"您的角色不能执行“{self.transition.label}”。")
        reason = obj.status in self.transition.sources and self.transition.refusal(obj, request.user)
        if reason:
            messages.error(request, reason)
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().get(request, *args, **kwargs)
