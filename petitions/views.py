import datetime
from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView
from sanzero.models import DeadlineSettings
from sanzero.validators import parse_bounded_int, validate_id_number
from sanzero.views import ScopedMixin

from . import selectors, services
from .exports import PETITION_COLUMNS
from .filtersets import PetitionFilterSet
from .forms import PetitionForm, normalize_id_number
from .models import Petition
from .privacy import PERSONAL_MASKS, hidden_fields
from .tables import PetitionTable
from .workflow import PETITION_WORKFLOW


def _collective_text(obj):
    return "是" if obj.is_collective else "否"


def _extension_text(obj):
    if not obj.extended_days:
        return "未延期"
    return f"已延期{obj.extended_days}日：{obj.extension_reason}"


def _abnormal_visit_text(obj):
    return f"{obj.abnormal_visit}异常访" if obj.abnormal_visit else "—"


class PetitionListView(LedgerListView):
    model = Petition
    filterset_class = PetitionFilterSet
    table_class = PetitionTable
    title = "信访台账"
    create_url_name = "petitions:petition_create"
    export_columns = PETITION_COLUMNS

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "user": self.request.user}

    def decorate_queryset(self, qs):
        return selectors.petition_list(qs)


class PetitionDetailView(LedgerDetailView):
    model = Petition
    workflow = PETITION_WORKFLOW
    template_name = "petitions/petition_detail.html"
    personal_fields = PERSONAL_MASKS
    detail_fields = (
        "subject",
        "case_number",
        "received_on",
        "source",
        "channel",
        "type",
        "petitioner_name",
        "id_number",
        "phone",
        "headcount",
        ("集体访", _collective_text),
        "level_reached",
        "is_skip_level",
        "is_abnormal",
        ("异常访", _abnormal_visit_text),
        "is_repeat",
        "content",
        "responsible_unit",
        "lead_official",
        "status",
        "notify_due",
        "notified_on",
        "handle_due",
        ("延期", _extension_text),
        "replied_on",
        "reply_note",
        "closed_on",
        "satisfaction",
        "created_by",
    )

    def decorate_queryset(self, qs):
        return selectors.petition_detail(qs)

    def hidden_fields(self, obj) -> set[str]:
        return hidden_fields(self.request.user, obj)

    @cached_property
    def _hidden(self):
        return self.hidden_fields(self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        today = timezone.localdate()
        ctx["transitions"] = [t for t in ctx["transitions"] if self._offered(t.name, obj, today)]
        ctx["notify_overdue"] = obj.notify_overdue(today)
        ctx["collective_headcount"] = DeadlineSettings.current().petition_collective_headcount
        ctx["hidden_from_user"] = bool(self._hidden)
        ctx.update(self.repeat_context(obj))
        return ctx

    def repeat_context(self, obj) -> dict:
        """The system's 重复访 suggestion on the page: the same ID number's earlier petitions this year
        in the user's scope (none for a user the petitioner is hidden from)."""
        if self._hidden or not obj.id_number_hash:
            return {"repeat_candidates": [], "repeat_count": 0}
        qs = selectors.repeat_candidates(
            Petition.objects.for_user(self.request.user),
            id_number_hash=obj.id_number_hash,
            received_on=obj.received_on,
            pk=obj.pk,
        )
        found = list(qs[: selectors.REPEAT_LIMIT + 1])
        return {
            "repeat_candidates": found[: selectors.REPEAT_LIMIT],
            "repeat_count": len(found) if len(found) <= selectors.REPEAT_LIMIT else qs.count(),
        }

    @staticmethod
    def _offered(name, obj, today) -> bool:
        """No button for a step the service would refuse anyway (told already, extended already or too late)."""
        if name == "notify":
            return obj.notified_on is None
        if name == "extend":
            return not obj.extended_days and (obj.handle_due is None or today <= obj.handle_due)
        return True


class PetitionFormView(LedgerFormView):
    model = Petition
    form_class = PetitionForm
    create_service = services.petition_create
    update_service = services.petition_update


class PetitionTransitionView(LedgerTransitionView):
    model = Petition
    workflow = PETITION_WORKFLOW
    transition_service = services.petition_transition


class RepeatCheckView(ScopedMixin, View):
    """The form's 重复访 suggestion (htmx, POST so that the ID number never enters a URL or a log): the
    earlier petitions this year of the ID number typed (or, on an edit left blank, the stored one), in
    the user's scope, matched by the keyed hash. Roles that register petitions only."""

    model = Petition
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not (self.user_may("add") or self.user_may("change")):
            raise PermissionDenied("您的角色不能登记信访。")
        scoped = Petition.objects.for_user(request.user)
        pk = parse_bounded_int(request.POST.get("petition"), low=1)
        stored = scoped.filter(pk=pk).values("id_number_hash", "received_on").first() if pk else None
        typed = normalize_id_number(request.POST.get("id_number", ""))[:30]
        received_on = _date(request.POST.get("received_on")) or (stored or {}).get("received_on")
        problem = ""
        if typed:
            try:
                validate_id_number(typed)
            except ValidationError:
                typed, problem = "", "身份证号填写完整且校验无误后，系统将提示该信访人本年度已有的信访。"
            digest = selectors.id_number_hash_of(typed)
        else:
            digest = (stored or {}).get("id_number_hash", "")
        candidates, count = [], 0
        if digest and received_on:
            qs = selectors.repeat_candidates(scoped, id_number_hash=digest, received_on=received_on, pk=pk)
            candidates = list(qs[: selectors.REPEAT_LIMIT])
            count = len(candidates) if len(candidates) < selectors.REPEAT_LIMIT else qs.count()
        return render(
            request,
            "petitions/_repeat_hint.html",
            {
                "candidates": candidates,
                "count": count,
                "problem": problem,
                "year": received_on.year if received_on else None,
            },
        )


def _date(value):
    try:
        return datetime.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def deadline_home_task(user) -> dict | None:
    """The home page's 信访期限 card (sanzero.registry.register_home_task): open petitions whose 告知期限
    (15 days, not yet told) or 办结期限 is past or within the 临期提醒 days; two queries at most."""
    from django.urls import reverse

    from ledger.home import deadline_item
    from sanzero.registry import HOME_LIMIT, home_card
    from sanzero.scoping import user_may

    if not user_may(user, Petition, "change"):
        return None
    today = timezone.localdate()
    warn_days = DeadlineSettings.current().warn_days
    qs = selectors.deadline_near(user, today, today + datetime.timedelta(days=warn_days))
    count = qs.count()
    items = []
    if count:
        for p in qs.select_related("subject").order_by("near_due", "pk")[:HOME_LIMIT]:
            telling = p.notified_on is None and p.replied_on is None and p.notify_due is not None
            what = "告知期限" if telling else "办结期限"
            items.append(deadline_item(p, today, due=p.near_due, what=what))
    return home_card(
        "petitions",
        "告知/办结期限临近的信访",
        "bi-envelope-exclamation",
        f"{reverse('petitions:petition_list')}?deadline=open",
        items,
        count=count,
        empty=f"没有{warn_days}天内需告知或办结的信访。",
        order=30,
    )
