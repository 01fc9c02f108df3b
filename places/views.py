from django.utils.functional import cached_property

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView
from sanzero.validators import mask_phone
from standards.exports import CodeColumn, WithStandardCodes

from . import selectors, services
from .exports import PLACE_COLUMNS
from .filtersets import KeyPlaceFilterSet
from .forms import KeyPlaceForm
from .models import KeyPlace
from .tables import KeyPlaceTable
from .workflow import PLACE_WORKFLOW

#: inspections on a place's page (its 检查记录 card and its timeline)
INSPECTIONS_SHOWN = 50


def _next_due(place) -> str:
    return f"{place.due_on:%Y-%m-%d}" if place.due_on else "—（已撤管）"


class KeyPlaceListView(LedgerListView):
    model = KeyPlace
    filterset_class = KeyPlaceFilterSet
    table_class = KeyPlaceTable
    title = "重点场所台账"
    create_url_name = "places:place_create"

    @property
    def export_columns(self):
        """The list's columns, and 重点场所类别国标代码 once codes are set (standards, GB/T 31000-2015)."""
        return WithStandardCodes(PLACE_COLUMNS, CodeColumn("places.category", "category"))

    def decorate_queryset(self, qs):
        return selectors.place_list(qs)


class KeyPlaceDetailView(LedgerDetailView):
    model = KeyPlace
    workflow = PLACE_WORKFLOW
    template_name = "places/place_detail.html"
    personal_fields = {"phone": mask_phone}
    detail_fields = (
        "subject",
        "name",
        "category",
        "registered_on",
        "address",
        "responsible_person",
        "phone",
        "risk_level",
        "inspect_every_days",
        "last_inspected_on",
        ("下次检查期限", _next_due),
        "status",
        "retired_on",
        "retire_reason",
        "created_by",
    )

    def decorate_queryset(self, qs):
        return selectors.place_detail(qs)

    def extra_timeline(self, obj):
        """The inspection log, in the timeline beside the audit entries."""
        return [
            {
                "when": i.created_at,
                "who": i.by.display_name,
                "title": f"检查（{i.inspected_on:%Y-%m-%d}）" + ("：发现问题" if i.problems_found else ""),
                "text": i.finding,
                "changes": [],
            }
            for i in self.inspections
        ]

    @cached_property
    def inspections(self):
        return list(self.object.inspections.select_related("by")[:INSPECTIONS_SHOWN])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["inspections"] = self.inspections
        ctx["inspection_count"] = self.object.inspections.count()
        return ctx


class KeyPlaceFormView(LedgerFormView):
    model = KeyPlace
    form_class = KeyPlaceForm
    create_service = services.key_place_create
    update_service = services.key_place_update


class KeyPlaceTransitionView(LedgerTransitionView):
    model = KeyPlace
    workflow = PLACE_WORKFLOW
    transition_service = services.key_place_transition


def inspection_home_task(user) -> dict | None:
    """The home page's 重点场所检查 card: places in the user's scope whose inspection is overdue or due
    within the 临期提醒 days, for the roles that inspect (two queries at most)."""
    from ledger.home import periodic_task

    return periodic_task(
        user,
        KeyPlace,
        key="place_inspections",
        label="重点场所检查",
        icon="bi-geo-alt",
        list_url="places:place_list",
        what="检查",
        empty="没有逾期或{warn_days}天内到期的重点场所检查。",
        order=36,
    )
