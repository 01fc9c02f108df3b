"""Base views for every ledger. A ledger's views.py names its model, forms, filters and services."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from sanzero.audit import audit_trail
from sanzero.exporting.mixins import ExportMixin
from sanzero.holidays.selectors import holiday_notice, this_and_next_year
from sanzero.models import DeadlineSettings
from sanzero.privacy import HIDDEN_TEXT, personal_data_reveal
from sanzero.roles import REVEAL_ROLES
from sanzero.scoping import user_scope
from sanzero.views import ScopedDetailView, ScopedFormView, ScopedListView
from units.filtersets import FILTER_REGION_LEVELS
from units.forms import RegionPickForm
from units.models import Region, Subject, parse_region_code

from .exports import SUPERVISION_COLUMNS
from .supervision import SUPERVISED, sort_items, supervision_items, supervision_panels


class LedgerListView(ScopedListView):
    template_name = "ledger/list.html"

    def get_table_kwargs(self):
        return {"today": timezone.localdate(), "warn_days": DeadlineSettings.current().warn_days}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["url_prefix"] = self.model.URL_PREFIX
        ctx["has_deadlines"] = any(column.name == "mark" for column in ctx["table"].columns)
        page = getattr(ctx["table"], "page", None)
        if ctx["has_deadlines"] and self.model.WORKDAY_DEADLINES and page is not None:
            # the page's own rows (evaluated once, the table renders the same list): no extra query
            ctx["holiday_notice"] = holiday_notice(
                self.request.user,
                (getattr(row.record, name) for row in page.object_list for name in self.model.DEADLINE_FIELDS),
            )
        return ctx


class LedgerDetailView(ScopedDetailView):
    template_name = "ledger/detail.html"
    workflow = None
    #: field names shown in the 基本信息 card, in order; ("label", callable) pairs are allowed too
    detail_fields: tuple = ()
    #: personal-data fields shown masked until a permitted user presses 显示 (logged)
    personal_fields: dict = {}
    revealed = False

    def extra_timeline(self, obj) -> list[dict]:
        """Child records (escalations, follow-up visits) for the timeline: dicts with when/who/title/text."""
        return []

    def hidden_fields(self, obj) -> set[str]:
        """Fields this user may not see at all (e.g. 检举控告 content for the accused department)."""
        return set()

    def field_rows(self, obj):
        hidden = self.hidden_fields(obj)
        rows = []
        for item in self.detail_fields:
            if isinstance(item, tuple):
                label, getter = item
                rows.append((label, getter(obj)))
                continue
            f = obj._meta.get_field(item)
            if item in hidden:
                value = HIDDEN_TEXT
            elif item in self.personal_fields and not self.revealed:
                value = self.personal_fields[item](getattr(obj, item))
            elif f.choices:
                value = getattr(obj, f"get_{item}_display")()
            else:
                value = getattr(obj, item)
                if isinstance(value, bool):
                    value = "是" if value else "否"
                elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                    value = value.strftime("%Y-%m-%d")  # as on the lists, whatever the browser's language
            rows.append((str(f.verbose_name), value if value not in (None, "") else "—"))
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        rules = DeadlineSettings.current()
        today = timezone.localdate()
        transitions = self.workflow.available(obj, self.request.user) if self.workflow else []
        refused = self.workflow.refused(obj, self.request.user) if self.workflow else []
        if not ctx["can_change"]:
            transitions = [t for t in transitions if self.transition_allowed_read_only(t)]
            refused = [(t, reason) for t, reason in refused if self.transition_allowed_read_only(t)]
        timeline = [
            {"when": e.when, "who": e.who, "title": e.action, "text": e.reason, "changes": e.changes}
            for e in audit_trail(obj)
        ] + self.extra_timeline(obj)
        self.protect_timeline(obj, timeline)
        timeline.sort(key=lambda e: e["when"], reverse=True)
        ctx.update(
            {
                "rows": self.field_rows(obj),
                "transitions": transitions,
                "refusals": list(dict.fromkeys(reason for _, reason in refused)),  # why a step has no button
                "timeline": timeline,
                "colour": obj.colour(today, rules.warn_days),
                "days_overdue": obj.days_overdue(today),
                "can_reveal": bool(self.personal_fields) and user_scope(self.request.user).role in REVEAL_ROLES,
                "revealed": self.revealed,
                "url_prefix": obj.URL_PREFIX,
                "list_title": obj._meta.verbose_name_plural,
                "holiday_notice": holiday_notice(
                    self.request.user,
                    (getattr(obj, name) for name in obj.DEADLINE_FIELDS)
                    if obj.is_open and obj.WORKDAY_DEADLINES
                    else (),
                ),
            }
        )
        return ctx

    def protect_timeline(self, obj, timeline) -> None:
        """The audit trail shows old → new values: mask or hide personal data there as on the card."""
        hidden = self.hidden_fields(obj)
        labels = {str(obj._meta.get_field(name).verbose_name): name for name in (*self.personal_fields, *hidden)}
        for entry in timeline:
            for change in entry.get("changes", ()):
                name = labels.get(change.label)
                if name is None:
                    continue
                if name in hidden:
                    change.old = change.new = HIDDEN_TEXT
                elif not self.revealed:
                    mask = self.personal_fields[name]
                    change.old, change.new = (v if v == "（空）" else mask(v) for v in (change.old, change.new))

    def transition_allowed_read_only(self, transition) -> bool:
        return False

    def post(self, request, *args, **kwargs):
        """显示完整个人信息: permitted roles only; every reveal is logged."""
        self.object = self.get_object()
        personal_data_reveal(actor=request.user, obj=self.object, fields=self.personal_fields)
        self.revealed = True
        messages.info(request, "已显示完整个人信息，本次查看已记录。")
        return self.render_to_response(self.get_context_data(object=self.object))


class LedgerFormView(ScopedFormView):
    template_name = "ledger/form.html"
    create_service = None
    update_service = None

    @property
    def action(self):
        return "change" if "pk" in self.kwargs else "add"

    @property
    def title(self):
        name = self.model._meta.verbose_name
        return f"修改{name}" if self.object else f"登记{name}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is None and self.request.method == "GET" and self.request.GET.get("subject", "").isdigit():
            subject = Subject.objects.for_user(self.request.user).filter(pk=self.request.GET["subject"]).first()
            if subject:
                kwargs["initial"] = {"subject": subject.pk}
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["url_prefix"] = self.model.URL_PREFIX
        ctx["list_title"] = self.model._meta.verbose_name_plural
        # the deadline this form will compute lies in this year or the next
        if self.model.WORKDAY_DEADLINES:
            ctx["holiday_notice"] = holiday_notice(self.request.user, this_and_next_year())
        return ctx

    def run_service(self, form):
        data = (
            form.service_data()
            if hasattr(form, "service_data")
            else {k: v for k, v in form.cleaned_data.items() if k != "version"}
        )
        if self.object is None:
            return type(self).create_service(actor=self.request.user, data=data)
        type(self).update_service(
            actor=self.request.user, obj=self.object, data=data, expected_version=form.expected_version
        )
        return self.object


class LedgerTransitionView(ScopedFormView):
    """GET: the step's form (or a confirmation); POST: run it through the ledger's service."""

    template_name = "ledger/transition.html"
    action = "view"  # the transition table decides by role; scope is checked by the queryset
    workflow = None
    transition_service = None

    def dispatch(self, request, *args, **kwargs):
        self.transition = self.workflow.get(kwargs["name"])
        if self.transition is None:
            from django.http import Http404

            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form(self, data=None):
        from django import forms

        from sanzero.forms import VersionedFormMixin

        form_class = self.transition.form_class or type("ConfirmForm", (VersionedFormMixin, forms.Form), {})
        form = form_class(data, initial={"version": self.object.version}, **self.extra_form_kwargs())
        return form

    def extra_form_kwargs(self):
        from inspect import signature

        form_class = self.transition.form_class
        if form_class and "obj" in signature(form_class.__init__).parameters:
            return {"obj": self.object}
        return {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            {
                "title": f"{self.transition.label}：{self.object}",
                "transition": self.transition,
                "url_prefix": self.model.URL_PREFIX,
                "list_title": self.model._meta.verbose_name_plural,
                "holiday_notice": holiday_notice(self.request.user, this_and_next_year())
                if self.model.WORKDAY_DEADLINES
                else None,
            }
        )
        return ctx

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        role = user_scope(request.user).role
        if role != "admin" and role not in self.transition.roles:
            raise PermissionDenied(f"您的角色不能执行“{self.transition.label}”。")
        if self.object.status not in self.transition.sources:
            messages.error(
                request, f"当前状态为“{self.object.get_status_display()}”，不能执行“{self.transition.label}”。"
            )
            return HttpResponseRedirect(self.object.get_absolute_url())
        refusal = self.transition.refusal(self.object, request.user)
        if refusal:
            raise PermissionDenied(refusal)
        return render(request, self.template_name, self.get_context_data(form=self.get_form()))

    @property
    def success_message(self):
        return f"已{self.transition.label}。"

    def run_service(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return type(self).transition_service(
            actor=self.request.user,
            obj=self.object,
            name=self.transition.name,
            data=data,
            expected_version=form.cleaned_data.get("version"),
        )


def subject_ledger_section(model, list_url_name: str, title: str):
    """A subject page section: this ledger's entries for the subject, with open/overdue counts."""
    from django.db.models import Count, Q
    from django.urls import reverse

    def section(subject, user):
        qs = model.objects.for_user(user).filter(subject=subject)
        today = timezone.localdate()
        entries = list(qs.order_by(f"-{model.DATE_FIELD}", "-pk")[:5])
        open_q = Q(status__in=model.OPEN_STATUSES)
        counts = qs.aggregate(
            total=Count("pk"), open=Count("pk", filter=open_q), overdue=Count("pk", filter=open_q & Q(due_on__lt=today))
        )
        return {
            "title": title,
            "count": counts["total"],
            "open": counts["open"],
            "overdue": counts["overdue"],
            "entries": entries,
            "url": f"{reverse(list_url_name)}?subject={subject.pk}",
            "new_url": f"/{model.URL_PREFIX}/new/?subject={subject.pk}",
        }

    return section


class SupervisionView(ExportMixin, TemplateView):
    """督办: open entries of every ledger in scope that are overdue (red) or due within days (yellow)."""

    template_name = "supervision.html"
    title = "督办"
    export_columns = SUPERVISION_COLUMNS

    @cached_property
    def items(self) -> list:
        request = self.request
        code = parse_region_code(request.GET.get("region"))  # anything but a code filters nothing
        region = Region.objects.for_user(request.user).filter(code=code).first() if code else None
        return sort_items(
            supervision_items(
                user=request.user, kind=request.GET.get("kind", ""), colour=request.GET.get("colour", ""), region=region
            ),
            request.GET.get("sort", "-days"),
        )

    def export_queryset(self) -> list:
        return self.items

    def export_title(self) -> str:
        return "督办清单"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request = self.request
        items = self.items
        red = sum(1 for i in items if i.colour == "red")
        query = request.GET.copy()
        query.pop("page", None)
        page_query = query.urlencode()
        query.pop("sort", None)
        ctx.update(
            {
                "title": self.title,
                "page": Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page")),
                "total": len(items),
                "red": red,
                "yellow": len(items) - red,
                "kinds": [(m._meta.label_lower, m._meta.verbose_name) for m in SUPERVISED],
                "kind": request.GET.get("kind", ""),
                "colour": request.GET.get("colour", ""),
                "sort": request.GET.get("sort", "-days"),
                "region_form": RegionPickForm(
                    initial={"region": parse_region_code(request.GET.get("region")) or ""},
                    user=request.user,
                    levels=FILTER_REGION_LEVELS,
                    css="form-select form-select-sm",
                ),
                "panels": supervision_panels(request.user),
                "base_query": query.urlencode(),
                "page_query": page_query,
                "holiday_notice": holiday_notice(
                    request.user, (i.entry.due_on for i in items if i.entry.WORKDAY_DEADLINES)
                ),
            }
        )
        return ctx
