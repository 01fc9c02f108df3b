"""个人信息访问记录 (/settings/access-log/): every reveal of personal data and every export with it
(sanzero.privacy writes them), read by county staff (the users of their county) and administrators;
filtered by user, date and action, paginated, exported like any list."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.utils import timezone
from django.utils.html import format_html

from .exporting.columns import ExportColumn
from .models import AccessLog, User
from .scoping import scope_q, user_may, user_scope
from .views import ScopedListView


def users_in_scope(actor):
    """The users whose access log `actor` may read (the same rule as AccessLog.objects.for_user)."""
    scope = user_scope(actor)
    if scope.unrestricted:
        return User.objects.order_by("username")
    if scope.empty:
        return User.objects.none()
    return User.objects.filter(pk__in=User.objects.filter(scope_q(scope, "scope_regions", None)).values("pk")).order_by(
        "username"
    )


def object_title(label: str) -> str:
    """ "petitions.petition" → 信访 (an unknown label is shown as it is)."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def object_url(label: str, object_id: str) -> str | None:
    """The record's page, when the label is a model with pages and the id a row id."""
    if not object_id.isdigit() or not object_id.isascii():
        return None
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    prefix = getattr(model, "URL_PREFIX", None) or {"units.subject": "subjects"}.get(label)
    return f"/{prefix}/{object_id}/" if prefix else None


def field_titles(label: str, fields: str) -> str:
    """ "petitioner_name,id_number" → 信访人、身份证号 (an export logs its column headers already)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        model = None
    names = []
    for name in filter(None, fields.split(",")):
        try:
            names.append(str(model._meta.get_field(name).verbose_name) if model else name)
        except FieldDoesNotExist:  # a header (exports log theirs) or a field since removed: as written
            names.append(name)
    return "、".join(names)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.username}）"


class AccessLogFilterSet(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(
        label="用户", queryset=User.objects.none(), empty_label="全部用户", field_name="user"
    )
    action = django_filters.ChoiceFilter(label="操作", choices=AccessLog.Action.choices, empty_label="全部操作")
    date_from = django_filters.DateFilter(
        label="日期从", field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="日期至", field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AccessLog
        fields = ["user", "action", "date_from", "date_to"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["user"].field_class = UserChoiceField
        self.filters["user"].queryset = users_in_scope(getattr(request, "user", None))

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                select = getattr(field.widget, "input_type", "") == "select"
                field.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"
            form._styled = True
        return form


class AccessLogTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="时间")
    user = tables.Column("用户", order_by=("user__username",))
    action = tables.Column("操作")
    object = tables.Column("记录", empty_values=(), order_by=("object_label", "object_id"))
    fields = tables.Column("字段", default="—", orderable=False)
    detail = tables.Column("说明", default="—", orderable=False)

    class Meta:
        model = AccessLog
        fields = ["at", "user", "action", "object", "fields", "detail"]
        order_by = ("-at",)
        template_name = "partials/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        empty_text = "没有符合条件的个人信息访问记录。"

    def render_user(self, record):
        return format_html(
            "{}<span class='text-secondary small'>（{}）</span>", record.user.display_name, record.user.username
        )

    def render_fields(self, record):
        return field_titles(record.object_label, record.fields) or "—"

    def render_object(self, record):
        title = object_title(record.object_label)
        if not record.object_id:
            return title
        url = object_url(record.object_label, record.object_id)
        if url:
            return format_html('<a href="{}">{} #{}</a>', url, title, record.object_id)
        return f"{title} #{record.object_id}"


def _object_text(log, ctx) -> str:
    title = object_title(log.object_label)
    return f"{title} #{log.object_id}" if log.object_id else title


ACCESS_LOG_COLUMNS = (
    ExportColumn("时间", lambda log, ctx: timezone.localtime(log.at).strftime("%Y-%m-%d %H:%M:%S"), max_length=20),
    ExportColumn("用户名", "user.username", max_length=14),
    ExportColumn("姓名", lambda log, ctx: log.user.display_name, max_length=10),
    ExportColumn("操作", lambda log, ctx: log.get_action_display(), max_length=14),
    ExportColumn("记录", _object_text, max_length=20),
    ExportColumn("字段", lambda log, ctx: field_titles(log.object_label, log.fields), max_length=30),
    ExportColumn("说明", "detail", max_length=40),
)


class AccessLogListView(ScopedListView):
    model = AccessLog
    filterset_class = AccessLogFilterSet
    table_class = AccessLogTable
    title = "个人信息访问记录"
    export_columns = ACCESS_LOG_COLUMNS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_may(request.user, AccessLog, "view"):
            raise PermissionDenied("只有县平安办和系统管理员可以查看个人信息访问记录。")
        return super().dispatch(request, *args, **kwargs)

    def decorate_queryset(self, qs):
        return qs.select_related("user")
