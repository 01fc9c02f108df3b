from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView
from sanzero.audit import audit_trail
from sanzero.scoping import user_may
from sanzero.services import ServiceError
from sanzero.views import ServiceFormMixin
from standards.exports import CodeColumn, WithStandardCodes

from . import selectors, services
from .exports import DISPUTE_COLUMNS
from .filtersets import DisputeFilterSet
from .forms import DisputeForm, MediationLevelForm
from .models import Dispute, MediationLevel, mask_names, next_in_ladder
from .tables import DisputeTable
from .workflow import DISPUTE_WORKFLOW


class DisputeListView(LedgerListView):
    model = Dispute
    filterset_class = DisputeFilterSet
    table_class = DisputeTable
    template_name = "disputes/dispute_list.html"
    title = "矛盾纠纷台账"
    create_url_name = "disputes:dispute_create"

    @property
    def export_columns(self):
        """The list's columns, and 纠纷类别国标代码 once codes are set (standards, GB/T 31000-2015)."""
        return WithStandardCodes(DISPUTE_COLUMNS, CodeColumn("disputes.category", "category"))

    def decorate_queryset(self, qs):
        return selectors.dispute_list(qs)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "ladder": selectors.ladder()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage_ladder"] = user_may(self.request.user, MediationLevel, "change")
        return ctx


def _text(value):
    return value if value not in (None, "") else "—"


class DisputeDetailView(LedgerDetailView):
    model = Dispute
    workflow = DISPUTE_WORKFLOW
    template_name = "disputes/dispute_detail.html"
    personal_fields = {"parties": mask_names}

    @property
    def detail_fields(self):
        obj = self.object
        fields = [
            "subject",
            "found_on",
            "category",
            "source",
            "risk_colour",
            "parties",
            "people_count",
            ("重大矛盾纠纷", lambda o: "是" if o.is_major else "否"),
            "summary",
            (
                "当前调解层级",
                lambda o: f"{o.level.name}（本级时限{o.level_days}个工作日，{o.level_started_on:%Y-%m-%d}起）",
            ),
            "handling_tier",
            ("调处日期", lambda o: _text(o.mediated_on and f"{o.mediated_on:%Y-%m-%d}")),
            "overall_due_on",
            "status",
        ]
        if obj.is_open:
            fields.insert(-2, ("本级调解期限", lambda o: _text(o.due_on)))
        if obj.resolved_on or obj.agreement:
            fields += ["resolved_on", "agreement_type", "agreement"]
        if obj.fail_reason:
            fields.append("fail_reason")
        if obj.transfer_to:
            fields += ["transfer_to", "transfer_note"]
        fields += ["remarks", ("登记人", lambda o: _text(o.created_by and o.created_by.display_name))]
        return tuple(fields)

    def decorate_queryset(self, qs):
        return selectors.dispute_detail(qs)

    def children(self, obj):
        if not hasattr(self, "_children"):
            self._children = (selectors.dispute_escalations(obj), selectors.dispute_visits(obj))
        return self._children

    def extra_timeline(self, obj) -> list[dict]:
        escalations, visits = self.children(obj)
        entries = [
            {
                "when": e.at,
                "who": e.by.display_name if e.by else "系统",
                "title": f"升级调解：{e.from_level.name} → {e.to_level.name}",
                "text": f"原因：{e.reason}" + ("（已超过原层级期限）" if e.was_overdue else ""),
            }
            for e in escalations
        ]
        entries += [
            {
                "when": v.created_at,
                "who": v.by.display_name if v.by else "系统",
                "title": f"回访（{v.visited_on:%Y-%m-%d}）：{'协议履行正常' if v.performance_ok else '协议未履行或有反复'}",
                "text": v.note,
            }
            for v in visits
        ]
        return entries

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ladder = selectors.ladder()
        following = next_in_ladder(ladder, obj.level_id)
        if following is None:  # the top of the ladder: nothing to escalate to
            ctx["transitions"] = [t for t in ctx["transitions"] if t.name != "escalate"]
        escalations, visits = self.children(obj)
        ctx.update(
            {
                "ladder": ladder,
                "passed_level_ids": {e.from_level_id for e in escalations},
                "next_level": following,
                "suggest_escalation": obj.needs_escalation(timezone.localdate()),
                "can_escalate": any(t.name == "escalate" for t in ctx["transitions"]),
                "escalations": escalations,
                "visits": visits,
            }
        )
        return ctx


class DisputeFormView(LedgerFormView):
    model = Dispute
    form_class = DisputeForm
    create_service = services.dispute_create
    update_service = services.dispute_update


class DisputeTransitionView(LedgerTransitionView):
    model = Dispute
    workflow = DISPUTE_WORKFLOW
    transition_service = services.dispute_transition


# --- 调解层级设置: county staff and administrators ----------------------------------------------------


class LadderAccessMixin:
    """County (县平安办) and admin users only; everyone else gets 403 (the page is not scoped)."""

    def dispatch(self, request, *args, **kwargs):
        if not user_may(request.user, MediationLevel, "change"):
            raise PermissionDenied("只有县平安办和系统管理员可以设置调解层级。")
        return super().dispatch(request, *args, **kwargs)


LADDER_CRUMB = ("矛盾纠纷台账", "/disputes/")


class LevelListView(LadderAccessMixin, View):
    template_name = "disputes/level_list.html"

    def get(self, request):
        levels = selectors.ladder_with_usage()
        changes = []
        for level in levels:
            changes += [(level, e) for e in audit_trail(level, limit=10)]
        changes.sort(key=lambda pair: pair[1].when, reverse=True)
        return render(
            request,
            self.template_name,
            {
                "title": "调解层级设置",
                "levels": levels,
                "total_days": sum(x.working_days for x in levels),
                "changes": changes[:30],
                "breadcrumbs": [LADDER_CRUMB, ("调解层级设置", "")],
            },
        )


class LevelFormView(LadderAccessMixin, ServiceFormMixin, View):
    template_name = "partials/form_page.html"
    success_message = "调解层级已保存。"

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(MediationLevel, pk=pk) if pk is not None else None

    def get_form(self, data=None):
        import copy

        instance = copy.copy(self.object) if self.object else None
        return MediationLevelForm(data, instance=instance)

    def context(self, form):
        title = f"修改调解层级：{self.object.name}" if self.object else "新增调解层级"
        return {
            "form": form,
            "title": title,
            "object": self.object,
            "breadcrumbs": [LADDER_CRUMB, ("调解层级设置", reverse("disputes:level_list")), (title, "")],
        }

    def form_invalid(self, form):
        return render(self.request, self.template_name, self.context(form), status=400)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return render(request, self.template_name, self.context(self.get_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        return self.handle(form)

    def run_service(self, form):
        if self.object is None:
            return services.level_create(actor=self.request.user, data=form.service_data())
        services.level_update(
            actor=self.request.user, obj=self.object, data=form.service_data(), expected_version=form.expected_version
        )
        return self.object

    def get_success_url(self, obj):
        return reverse("disputes:level_list")


class LevelDeleteView(LadderAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        level = get_object_or_404(MediationLevel, pk=pk)
        try:
            services.level_delete(actor=request.user, obj=level)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已删除调解层级“{level.name}”。")
        return HttpResponseRedirect(reverse("disputes:level_list"))


def escalation_home_task(user) -> dict | None:
    """The home page's 待升级 card (sanzero.registry.register_home_task): disputes past their level's
    limit that the user may move up the ladder; three queries (the ladder, the count, one page)."""
    from django.utils import timezone

    from ledger.home import deadline_item
    from sanzero.registry import HOME_LIMIT, home_card

    if not DISPUTE_WORKFLOW.get("escalate").allowed_role(user):
        return None
    today = timezone.localdate()
    levels = selectors.ladder()
    qs = selectors.escalation_due(user, today, levels)
    count = qs.count()
    items = []
    if count:
        for d in qs.select_related("subject", "level").order_by("due_on", "pk")[:HOME_LIMIT]:
            item = deadline_item(d, today, what=f"{d.level.name}时限")
            upper = next_in_ladder(levels, d.level_id)
            item["note"] += f"，可升级至{upper.name}" if upper else ""
            items.append(item)
    return home_card(
        "escalations",
        "待升级的矛盾纠纷",
        "bi-arrow-up-circle",
        f"{reverse('disputes:dispute_list')}?deadline=overdue",
        items,
        count=count,
        empty="没有超出本级调解时限的矛盾纠纷。",
        order=20,
    )
