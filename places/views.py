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
            for i in obj.inspections.select_related("by")[:50]
        ]


class KeyPlaceFormView(LedgerFormView):
    model = KeyPlace
    form_class = KeyPlaceForm
    create_service = services.key_place_create
    update_service = services.key_place_update


class KeyPlaceTransitionView(LedgerTransitionView):
    model = KeyPlace
    workflow = PLACE_WORKFLOW
    transition_service = services.key_place_transition
