"""Base views for every ledger. A ledger's views.py names its model, forms, filters and services."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from sanzero import workdays
from sanzero.audit import audit_trail
from sanzero.exporting.mixins import ExportMixin
from sanzero.holidays.selectors import holiday_notice, this_and_next_year
from sanzero.models import DeadlineSettings
from sanzero.privacy import HIDDEN_TEXT
from sanzero.scoping import spans_townships, user_may
from sanzero.services import ServiceError
from sanzero.validators import parse_bounded_int
from sanzero.views import (
    PersonalDataRevealMixin,
    RememberedFiltersMixin,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
)
from units.filtersets import FILTER_REGION_LEVELS
from units.forms import RegionPickForm
from units.models import Region, Subject, active_q, parse_region_code

from .exports import SUPERVISION_COLUMNS
from .forms import AttachmentDeleteForm, AttachmentForm, add_photo_field
from .models import Attachment
from .services import attachment_add, attachment_delete, entry_write_with_photo
from .supervision import SUPERVISED, sort_items, supervision_items, supervision_panels


class LedgerListView(RememberedFiltersMixin, ScopedListView):
    template_name = "ledger/list.html"
    #: bulk actions of this list besides 批量导出: (label, URL name, bootstrap icon), offered when
    #: `bulk_actions_for(user)` keeps them
    bulk_actions: tuple = ()

    def get_queryset(self):
        # the township of a village's entry, for the 所属区划 column of a county-wide list (one join)
        return super().get_queryset().select_related("subject__region__parent")

    def get_table_kwargs(self):
        return {
            "today": timezone.localdate(),
            "warn_days": DeadlineSettings.current().warn_days,
            "with_township": spans_townships(self.request.user),
            "selectable": bool(self.export_columns or self.bulk_actions),
        }

    def bulk_actions_for(self, user) -> list:
        return list(self.bulk_actions)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["url_prefix"] = self.model.URL_PREFIX
        ctx["bulk_actions"] = self.bulk_actions_for(self.request.user)
        ctx["bulk_enabled"] = bool(self.export_columns or self.bulk_actions)
        ctx["has_deadlines"] = any(column.name == "mark" for column in ctx["table"].columns)
        page = getattr(ctx["table"], "page", None)
        if ctx["has_deadlines"] and self.model.WORKDAY_DEADLINES and page is not None:
            # the page's own rows (evaluated once, the table renders the same list): no extra query
            ctx["holiday_notice"] = holiday_notice(
                self.request.user,
                (getattr(row.record, name) for row in page.object_list for name in self.model.DEADLINE_FIELDS),
            )
        return ctx


#: what separates several names in one field (当事人 "张三、李四")
NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")
#: the 登记表 names a ledger's verbose name well enough except these
SHEET_NAMES = {"信访": "信访事项"}
#: a value longer than this takes a whole row of the printed 登记表
SHEET_SHORT = 16
#: working days a 督办通知书 gives the responsible unit to finish
NOTICE_WORKING_DAYS = 3


def county_of(region) -> Region | None:
    """The county a region lies in (its code's first six digits): one query, None above county level."""
    if region is None or len(region.code) < 12:
        return None
    code = region.code[:6].ljust(len(region.code), "0")
    return Region.objects.filter(code=code).first()


def sheet_layout(rows) -> list[list[tuple[str, object, int]]]:
    """The 登记表's rows: two short fields side by side, a long one (or a text) across the table.
    Each cell is (label, value, colspan of the value: 1 or 3)."""
    layout, pending = [], None
    for label, value in rows:
        text = str(value)
        if len(text) > SHEET_SHORT or "\n" in text:
            if pending:
                layout.append([(*pending, 3)])
                pending = None
            layout.append([(label, value, 3)])
        elif pending:
            layout.append([(*pending, 1), (label, value, 1)])
            pending = None
        else:
            pending = (label, value)
    if pending:
        layout.append([(*pending, 3)])
    return layout


#: card(entry, user, can_change) -> {"template": ..., ...} or None: what other apps add to an entry's
#: page below its 基本信息 (e.g. agency: the 书记代办 of a petition or a dispute)
ENTRY_CARDS: list = []


def register_entry_card(func) -> None:
    if func not in ENTRY_CARDS:
        ENTRY_CARDS.append(func)


class LedgerDetailView(PersonalDataRevealMixin, ScopedDetailView):
    template_name = "ledger/detail.html"
    #: the same view renders the entry's page ("detail"), its printable 登记表 ("print") and, when it is
    #: overdue, its 督办通知书 ("notice"): one scope, the same fields, the same masking and reveal
    page = "detail"
    PAGE_TEMPLATES = {"print": "ledger/print.html", "notice": "ledger/notice.html"}
    workflow = None
    #: field names shown in the 基本信息 card, in order; ("label", callable) pairs are allowed too
    detail_fields: tuple = ()

    def get_template_names(self):
        if self.page in self.PAGE_TEMPLATES:
            return [self.PAGE_TEMPLATES[self.page]]
        return super().get_template_names()

    def print_context(self, obj, ctx) -> dict:
        """The 登记表 and the 督办通知书: the county, the title, the sheet's rows, the notice's figures."""
        today = timezone.localdate()
        county = county_of(obj.subject.region)
        county_name = county.name if county else ""
        name = obj._meta.verbose_name
        region = obj.subject.region
        township = region.parent if region.is_village_level and region.parent_id else region
        extra = {
            "county_name": county_name,
            "sheet_title": f"{county_name}{SHEET_NAMES.get(name, name)}登记表",
            "sheet_rows": sheet_layout(ctx["rows"]),
            "printed_on": today,
            "township": township,
        }
        if self.page == "notice":
            days = obj.days_overdue(today)
            summary_field = next(
                (
                    f
                    for f in ("summary", "description", "content")
                    if hasattr(obj, f) and f not in self.hidden_fields(obj)
                ),
                None,
            )
            from sanzero.privacy import mask_free_text

            from .tables import truncated

            names = [n for f in self.personal_fields for n in NAME_SEPARATORS.split(str(getattr(obj, f, "") or ""))]
            summary = mask_free_text(getattr(obj, summary_field, "") or "", names) if summary_field else ""
            extra.update(
                {
                    "overdue": ctx["colour"] == "red" and days > 0,
                    "notice_number": f"平安督字〔{today:%Y}〕{name[0]}{obj.pk:04d}号",
                    "notice_title": f"{county_name}平安建设督办通知书",
                    "notice_kind": name,
                    "notice_matter": f"{obj}" + (f"：{truncated(summary, 60)}" if summary else ""),
                    "notice_days": days,
                    "notice_finish_by": workdays.add_workdays(today, NOTICE_WORKING_DAYS),
                    "notice_signer": f"{county_name}平安建设领导小组办公室",
                }
            )
        return extra

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
                value = self.personal_value(obj, item)
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
        hidden = self.hidden_fields(obj)
        timeline = (
            [
                {"when": e.when, "who": e.who, "title": e.action, "text": e.reason, "changes": e.changes}
                for e in audit_trail(obj)
            ]
            + self.extra_timeline(obj)
            + attachment_timeline(obj, hide_names=bool(hidden))
        )
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
                **self.reveal_context(),
                "url_prefix": obj.URL_PREFIX,
                "list_title": obj._meta.verbose_name_plural,
                **attachment_card(obj, can_change=ctx["can_change"], hidden=bool(hidden)),
                "holiday_notice": holiday_notice(
                    self.request.user,
                    (getattr(obj, name) for name in obj.DEADLINE_FIELDS)
                    if obj.is_open and obj.WORKDAY_DEADLINES
                    else (),
                ),
                "entry_cards": [
                    card for card in (func(obj, self.request.user, ctx["can_change"]) for func in ENTRY_CARDS) if card
                ]
                if self.page == "detail"
                else [],
                "print_url": f"/{obj.URL_PREFIX}/{obj.pk}/print/",
                "notice_url": f"/{obj.URL_PREFIX}/{obj.pk}/notice/",
            }
        )
        if self.page in self.PAGE_TEMPLATES:
            ctx.update(self.print_context(obj, ctx))
        return ctx

    def protect_timeline(self, obj, timeline) -> None:
        """The audit trail shows old → new values: mask or hide personal data there as on the card."""
        self.protect_audit(
            obj, (change for entry in timeline for change in entry.get("changes", ())), self.hidden_fields(obj)
        )

    def transition_allowed_read_only(self, transition) -> bool:
        return False


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

    #: the name and value the 保存并继续登记 button posts
    CONTINUE_FIELD = "continue"
    #: whether the form offers 保存并继续登记 (False where the next entry is not another of the same subject)
    CONTINUE_ENTRY = True

    def get_form(self, data=None):
        """With files on a POST; a new entry of a ledger with a PHOTO_KIND gets the optional photo."""
        form = self.form_class(data, self.request.FILES if data is not None else None, **self.get_form_kwargs())
        if self.object is None and self.model.PHOTO_KIND:
            add_photo_field(form, self.model.PHOTO_KIND)
        return form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        subject = self.preselected_subject()
        if subject is not None:
            kwargs["initial"] = {"subject": subject.pk}
        return kwargs

    def preselected_subject(self) -> Subject | None:
        """?subject=<id> (the subject page's 登记 buttons, 保存并继续登记) preselects the subject of a new
        entry: only a subject in the user's scope and in the campaign; any other id is ignored."""
        if self.object is not None or self.request.method != "GET":
            return None
        pk = parse_bounded_int(self.request.GET.get("subject"), low=1)
        if pk is None:
            return None
        return Subject.objects.for_user(self.request.user).filter(active_q(timezone.localdate()), pk=pk).first()

    @property
    def continuing(self) -> bool:
        """保存并继续登记 was pressed on a new entry: back to an empty form for the same subject."""
        return self.CONTINUE_ENTRY and self.object is None and self.request.POST.get(self.CONTINUE_FIELD) == "1"

    def get_success_message(self, obj) -> str:
        if self.object is not None:
            return super().get_success_message(obj)
        done = f"已登记{self.model._meta.verbose_name}：{obj}。"
        return f"{done}可继续为“{obj.subject.name}”登记下一条。" if self.continuing else done

    def get_success_url(self, obj):
        if self.continuing:
            return f"{self.request.path}?subject={obj.subject_id}"
        return super().get_success_url(obj)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["url_prefix"] = self.model.URL_PREFIX
        ctx["list_title"] = self.model._meta.verbose_name_plural
        ctx["continue_entry"] = self.CONTINUE_ENTRY
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
        data.pop("photo", None)
        photo = form.cleaned_data.get("photo")  # whatever service_data() kept
        if self.object is None:
            create = type(self).create_service
            return entry_write_with_photo(
                actor=self.request.user,
                write=lambda: create(actor=self.request.user, data=data),
                photo=photo,
                kind=self.model.PHOTO_KIND,
            )
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
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])  # out of scope: 404
        self.check_role()  # in scope, not this role's step: 403, for GET and POST alike
        return obj

    def get_form(self, data=None):
        from django import forms

        from sanzero.forms import VersionedFormMixin

        form_class = self.transition.form_class or type("ConfirmForm", (VersionedFormMixin, forms.Form), {})
        files = self.request.FILES if data is not None else None
        form = form_class(data, files, initial={"version": self.object.version}, **self.extra_form_kwargs())
        # A step posted without the version it was offered at could be a second click: an escalation or
        # a follow-up keeps the status, so only the version tells it from a new decision (DESIGN §8).
        form.fields["version"].required = True
        form.fields["version"].error_messages["required"] = "缺少版本信息，请刷新页面后重新修改。"
        if self.transition.attachment_kind:
            add_photo_field(form, self.transition.attachment_kind)
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

    def check_role(self) -> None:
        """403 before any form: a role the step is not for learns nothing of its fields (GET and POST)."""
        if not self.transition.allowed_role(self.request.user):
            raise PermissionDenied(f"您的角色不能执行“{self.transition.label}”。")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
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
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "photo")}
        photo = form.cleaned_data.get("photo")
        run = type(self).transition_service
        return entry_write_with_photo(
            actor=self.request.user,
            write=lambda: run(
                actor=self.request.user,
                obj=self.object,
                name=self.transition.name,
                data=data,
                expected_version=form.cleaned_data.get("version"),
            ),
            photo=photo,
            kind=self.transition.attachment_kind or "",
        )


def subject_ledger_section(model, list_url_name: str, title: str):
    """A subject page section: this ledger's entries for the subject, with open/overdue counts."""
    from django.db.models import Count, Q
    from django.urls import reverse

    def section(subject, user):
        if not user_may(user, model, "view") or not model.kept_for(subject):
            # a role the ledger's table keeps out (重点人员 for 行业主管部门), a subject the ledger is not
            # kept for (重点人员 of a school): no section at all
            return None
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
            # 登记矛盾纠纷, 登记案件…: the role may add this ledger and the subject is in the campaign
            "new_url": f"/{model.URL_PREFIX}/new/?subject={subject.pk}",
            "new_label": f"登记{title}",
            "can_add": user_may(user, model, "add") and subject.is_active,
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
        # a code outside the user's scope is 404, as everywhere: never the user's whole list under its name
        region = get_object_or_404(Region.objects.for_user(request.user), code=code) if code else None
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


# --- attachments (附件): the card on every detail page and its four URLs (ledger.urls) ---------------


def attachment_card(obj, *, can_change: bool, hidden: bool) -> dict:
    """The 附件 card's context: the live attachments (one query, however many) and the upload form."""
    if hidden:
        return {"attachments": [], "attachments_hidden": True, "attachment_form": None}
    attachments = list(Attachment.objects.of(obj).live().select_related("uploaded_by"))
    limit = settings.ATTACHMENT_MAX_PER_ENTRY
    return {
        "attachments": attachments,
        "attachments_hidden": False,
        "attachment_form": AttachmentForm(model=type(obj)) if can_change and len(attachments) < limit else None,
        "attachment_limit": limit,
        "attachment_max_bytes": settings.ATTACHMENT_MAX_BYTES,
    }


def attachment_timeline(obj, *, hide_names: bool = False) -> list[dict]:
    """Every upload and deletion of the entry's attachments for its 办理过程 (one query)."""
    from django.contrib.contenttypes.models import ContentType

    records = Attachment.history.filter(
        content_type_id=ContentType.objects.get_for_model(type(obj)).pk, object_id=obj.pk
    ).select_related("history_user")
    entries = []
    for rec in records:
        deleting = rec.history_type == "~" and rec.deleted_at is not None
        if rec.history_type == "+":
            title = "上传附件"
        elif deleting:
            title = "删除附件"
        else:
            continue
        text = "（附件内容对您保密）" if hide_names else f"{rec.get_kind_display()}：{rec.original_name}"
        if deleting and rec.delete_reason and not hide_names:
            text += f"（原因：{rec.delete_reason}）"
        who = rec.history_user.display_name if rec.history_user else "系统"
        entries.append({"when": rec.history_date, "who": who, "title": title, "text": text, "changes": ()})
    return entries


class AttachmentMixin(ScopedMixin):
    """The entry comes from the ledger's scoped queryset (out of scope: 404; read-only role for a
    write: 403); the attachment from that entry's live attachments (another entry's id: 404)."""

    detail_view = None  # the ledger's detail view: it says what of the entry this user may not see

    def get_entry(self, action: str):
        entry = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_action(entry, action)
        if self.detail_view is not None and self.detail_view(request=self.request, kwargs=self.kwargs).hidden_fields(
            entry
        ):
            raise PermissionDenied("该记录的附件对您保密。")
        return entry

    def get_attachment(self, entry):
        return get_object_or_404(
            Attachment.objects.of(entry).live().select_related("uploaded_by"), pk=self.kwargs["aid"]
        )

    def back(self, entry):
        return HttpResponseRedirect(entry.get_absolute_url() + "#attachments")


class AttachmentUploadView(AttachmentMixin, View):
    """POST a file to an entry: checked by content and size (ledger.attachments), audited."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = self.get_entry("change")
        form = AttachmentForm(request.POST, request.FILES, model=self.model)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, extra_tags="attachment", message=error)
            return self.back(entry)
        try:
            attachment = attachment_add(
                actor=request.user, entry=entry, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as exc:
            messages.error(request, extra_tags="attachment", message="；".join(exc.messages))
        except ServiceError as exc:
            messages.error(request, extra_tags="attachment", message=str(exc))
        else:
            messages.success(request, extra_tags="attachment", message=f"已上传附件“{attachment.original_name}”。")
        return self.back(entry)


class AttachmentDownloadView(AttachmentMixin, View):
    """Streams the file (never a public URL): as a download under its original name, typed by its
    checked content and never sniffed; ``thumbnail`` streams an image's small JPEG inline instead."""

    http_method_names = ["get", "head"]
    thumbnail = False

    def get(self, request, *args, **kwargs):
        entry = self.get_entry("view")
        attachment = self.get_attachment(entry)
        stored = attachment.thumbnail if self.thumbnail else attachment.file
        if not stored:
            raise Http404("该附件没有缩略图。")
        try:
            handle = stored.open("rb")
        except OSError:
            raise Http404("附件文件已不在存储中，请联系系统管理员。") from None
        if self.thumbnail:
            response = FileResponse(handle, content_type="image/jpeg", filename="thumbnail.jpg")
            response["Cache-Control"] = "private, max-age=3600"
        else:
            response = FileResponse(
                handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.mime_type
            )
            response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class AttachmentDeleteView(AttachmentMixin, View):
    """GET: the confirmation (with an optional reason); POST: the soft delete, audited."""

    http_method_names = ["get", "post"]
    template_name = "partials/confirm_page.html"

    def render_confirm(self, entry, attachment, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "title": f"删除附件：{attachment.original_name}",
                "confirm_text": (
                    f"确定删除{entry._meta.verbose_name}“{entry}”的附件“{attachment.original_name}”"
                    f"（{attachment.get_kind_display()}）吗？删除后不再显示、不能下载；"
                    "删除人、时间和原因记入办理过程，文件由系统保留备查。"
                ),
                "confirm_button": "删除附件",
                "danger": True,
                "form": form,
                "object": entry,
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        entry = self.get_entry("change")
        return self.render_confirm(entry, self.get_attachment(entry), AttachmentDeleteForm())

    def post(self, request, *args, **kwargs):
        entry = self.get_entry("change")
        attachment = self.get_attachment(entry)
        form = AttachmentDeleteForm(request.POST)
        if not form.is_valid():
            return self.render_confirm(entry, attachment, form, status=400)
        try:
            attachment_delete(
                actor=request.user, entry=entry, attachment=attachment, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            messages.error(request, extra_tags="attachment", message=str(exc))
        else:
            messages.success(request, extra_tags="attachment", message=f"已删除附件“{attachment.original_name}”。")
        return self.back(entry)
