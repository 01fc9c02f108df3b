"""The 书记代办 pages: the list with 长治's figures for a region and a period, a record's page with its
audit trail, and its 登记/修改, 逐级上报 and 办结 forms. Every queryset is Agency.objects.for_user."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from ledger.tables import region_path
from sanzero.audit import audit_trail
from sanzero.scoping import spans_townships, user_scope
from sanzero.validators import parse_bounded_int
from sanzero.views import RememberedFiltersMixin, ScopedDetailView, ScopedFormView, ScopedListView

from . import selectors, services
from .choices import NEXT_LEVEL, AgencyStatus, SecretaryLevel
from .exports import AGENCY_COLUMNS
from .filtersets import AgencyFilterSet
from .forms import AgencyForm, EscalateForm, FinishForm
from .models import Agency
from .tables import AgencyTable


class AgencyListView(RememberedFiltersMixin, ScopedListView):
    model = Agency
    filterset_class = AgencyFilterSet
    table_class = AgencyTable
    template_name = "agency/agency_list.html"
    title = "四级书记代办"
    export_columns = AGENCY_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.agency_list(qs)

    def get_table_kwargs(self):
        return {"with_township": spans_townships(self.request.user)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = False  # a record is registered from its petition's or dispute's page
        ctx["bulk_enabled"] = True  # 批量导出 of the checked rows
        figures_qs = self.filterset.figures_queryset(self.scoped_queryset("view"))
        ctx["figures"] = selectors.agency_figures(figures_qs)
        ctx["figures_where"] = self.figures_where()
        ctx["figures_period"] = self.figures_period()
        return ctx

    def figures_where(self) -> str:
        """The region the figures cover: the one chosen, else the user's (全县 for county staff)."""
        fs = self.filterset
        region = fs.form.cleaned_data.get("region") if fs.is_bound and fs.is_valid() else None
        if region is not None:
            return region.name
        scope = user_scope(self.request.user)
        if scope.unrestricted:
            return "全部区划"
        from units.models import Region

        names = list(
            Region.objects.filter(code__in=[p.ljust(12, "0") for p in scope.prefixes]).values_list("name", flat=True)
        )
        return "、".join(names) or "本辖区"

    def figures_period(self) -> str:
        fs = self.filterset
        data = fs.form.cleaned_data if fs.is_bound and fs.is_valid() else {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            return f"{start:%Y年%-m月%-d日}至{end:%Y年%-m月%-d日}"
        if start:
            return f"{start:%Y年%-m月%-d日}以来"
        if end:
            return f"截至{end:%Y年%-m月%-d日}"
        return "全部期间"


class AgencyDetailView(ScopedDetailView):
    model = Agency
    template_name = "agency/agency_detail.html"

    def decorate_queryset(self, qs):
        return selectors.agency_detail(qs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        upper = NEXT_LEVEL.get(obj.level) if obj.status == AgencyStatus.HANDLING else None
        ctx.update(
            {
                "timeline": audit_trail(obj),
                "region_path": region_path(obj.matter.subject.region, with_township=True),
                "can_escalate": ctx["can_change"] and obj.status == AgencyStatus.HANDLING and upper is not None,
                "can_finish": ctx["can_change"] and obj.status == AgencyStatus.HANDLING,
                "upper_label": SecretaryLevel(upper).label if upper else "",
            }
        )
        return ctx


class AgencyFormView(ScopedFormView):
    """登记 (?petition=<id> or ?dispute=<id>, the matter the user may change) or 修改 a record."""

    model = Agency
    form_class = AgencyForm
    template_name = "agency/agency_form.html"

    @property
    def action(self):
        return "change" if "pk" in self.kwargs else "add"

    @property
    def title(self):
        return "修改书记代办" if self.object else "登记书记代办"

    def get_object(self):
        obj = super().get_object()
        self.matter = obj.matter if obj is not None else self.chosen_matter()
        return obj

    def chosen_matter(self):
        """The petition or dispute named in the query (GET) or the form (POST), among those the user may
        change; anything else is 404, as for an out-of-scope record."""
        from disputes.models import Dispute
        from petitions.models import Petition

        for name, model in (("petition", Petition), ("dispute", Dispute)):
            raw = self.request.POST.get(name) or self.request.GET.get(name)
            if raw is not None:
                pk = parse_bounded_int(raw, low=1)
                if pk is None:
                    raise Http404
                return get_object_or_404(model.objects.for_user(self.request.user, "change"), pk=pk)
        return None

    def dispatch(self, request, *args, **kwargs):
        self.matter = None
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.matter is None:
            messages.info(request, "请在信访或矛盾纠纷的详情页点击“登记书记代办”。")
            return HttpResponseRedirect(reverse("agency:agency_list"))
        if self.object is None:
            existing = Agency.objects.filter(**{self.matter._meta.model_name: self.matter}).first()
            if existing is not None:
                messages.info(request, "该事项已登记书记代办。")
                return HttpResponseRedirect(existing.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.matter is None:
            messages.info(request, "请在信访或矛盾纠纷的详情页点击“登记书记代办”。")
            return HttpResponseRedirect(reverse("agency:agency_list"))
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        return self.handle(form)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "matter": self.matter}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["matter"] = self.matter
        ctx["matter_field"] = self.matter._meta.model_name
        return ctx

    def run_service(self, form):
        data = form.service_data()
        if self.object is None:
            return services.agency_create(
                actor=self.request.user, data={**data, self.matter._meta.model_name: self.matter}
            )
        services.agency_update(
            actor=self.request.user, obj=self.object, data=data, expected_version=form.expected_version
        )
        return self.object

    def get_success_message(self, obj) -> str:
        return "已保存。" if self.object else f"已登记{obj}。"


class AgencyStepView(ScopedFormView):
    """逐级上报 and 办结: a form on the record, run through its service (in scope: 404 outside; a role
    that may not change it: 403)."""

    model = Agency
    action = "change"
    template_name = "agency/agency_step.html"
    step = ""
    STEPS = {
        "escalate": ("逐级上报", EscalateForm, services.agency_escalate),
        "finish": ("办结", FinishForm, services.agency_finish),
    }

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_action(obj, "change")
        return obj

    @property
    def title(self):
        return self.STEPS[self.step][0]

    def get_form(self, data=None):
        form = self.STEPS[self.step][1](data, obj=self.object, initial={"version": self.object.version})
        form.fields["version"].required = True
        form.fields["version"].error_messages["required"] = "缺少版本信息，请刷新页面后重新修改。"
        return form

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        upper = NEXT_LEVEL.get(self.object.level)
        ctx.update({"step": self.step, "upper_label": SecretaryLevel(upper).label if upper else ""})
        return ctx

    def run_service(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        self.STEPS[self.step][2](
            actor=self.request.user, obj=self.object, data=data, expected_version=form.expected_version
        )
        return self.object

    def get_success_message(self, obj) -> str:
        return f"已{self.STEPS[self.step][0]}。"


def matter_card(entry, user, can_change: bool) -> dict | None:
    """The 书记代办 card on a petition's or a dispute's page (ledger.views.register_entry_card): the
    record the user sees, or the button to register one. Other ledgers get no card."""
    from sanzero.scoping import user_may

    if entry._meta.label_lower not in ("petitions.petition", "disputes.dispute"):
        return None
    record = selectors.agency_of_matter(user, entry)
    can_add = record is None and can_change and user_may(user, Agency, "add")
    if record is None and not can_add:
        return None
    return {
        "template": "agency/_matter_card.html",
        "record": record,
        "new_url": f"{reverse('agency:agency_create')}?{entry._meta.model_name}={entry.pk}" if can_add else "",
        "today": timezone.localdate(),
    }
