"""Base views: every list, detail, edit and action view gets its queryset from `for_user`.

A subclass names its model (and, for lists, its FilterSet and table); it cannot reach a row outside
the user's scope because `get_queryset` is defined here, once. Out of scope → 404. Visible but
read-only for the user's role → 403.
"""

from __future__ import annotations

import copy
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, connections
from django.db.models import QuerySet
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from .exporting.mixins import ExportMixin
from .privacy import personal_data_reveal
from .scoping import user_may
from .services import ConflictError, ServiceError, create_once, form_token_of
from .validators import parse_bounded_int


class ScopedMixin:
    model = None
    #: what the view does to the object: "view" for reading, "change" for edit and actions
    action = "view"

    def scoped_queryset(self, action: str = "view"):
        return self.model.objects.for_user(self.request.user, action)

    def decorate_queryset(self, qs):
        """Hook for select_related / annotate; never for scoping (that is done already)."""
        return qs

    def get_queryset(self):
        return self.decorate_queryset(self.scoped_queryset("view"))

    def user_may(self, action: str) -> bool:
        return user_may(self.request.user, self.model, action)

    def check_object_action(self, obj, action: str) -> None:
        """403 when the object is visible but the user may not do this to it."""
        if action == "view":
            return
        if not self.scoped_queryset(action).filter(pk=obj.pk).exists():
            raise PermissionDenied("您没有权限对该记录执行此操作。")


class OfferedSizePaginator(Paginator):
    """A page size outside settings.PAGE_SIZES (?per_page=-1, 10**20) is the default size, never a 500.

    The count does not read every row on each page (a province's 600,000 subjects): on PostgreSQL it
    counts at most ``LIST_EXACT_COUNT_LIMIT`` + 1 rows (one query, ``COUNT(*)`` over a ``LIMIT``); a list
    longer than that shows the planner's estimate (``EXPLAIN``, a second query), marked ``estimated``
    (“约”), rounded to three figures. A page past the real end is then an empty page, never an error.
    Elsewhere (the embedded SQLite of one county) the count is exact.
    """

    estimated = False

    def __init__(self, object_list, per_page, *args, **kwargs):
        if per_page not in settings.PAGE_SIZES:
            per_page = settings.PAGE_SIZE
        super().__init__(object_list, per_page, *args, **kwargs)

    @cached_property
    def count(self):
        data = getattr(self.object_list, "data", None)  # django-tables2: BoundRows → TableQuerysetData
        qs = getattr(data, "data", self.object_list)
        limit = settings.LIST_EXACT_COUNT_LIMIT
        if not isinstance(qs, QuerySet) or not limit or connections[qs.db].vendor != "postgresql":
            return super().count
        count = qs.order_by()[: limit + 1].count()
        if count > limit:
            self.estimated = True
            count = max(limit + 1, _round3(planner_rows(qs)))
        if data is not None and hasattr(data, "_length"):
            data._length = count  # what django-tables2 would otherwise count again
        return count


def _round3(n: int) -> int:
    digits = max(0, len(str(n)) - 3)
    return round(n, -digits) if digits else n


def planner_rows(qs: QuerySet) -> int:
    """PostgreSQL's estimate of the rows a queryset returns (EXPLAIN, no execution)."""
    import json

    sql, params = qs.order_by().query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class ScopedListView(ExportMixin, ScopedMixin, SingleTableMixin, FilterView):
    """A list page; with `export_columns` it also exports its rows (`?export=xlsx`, sanzero.exporting)."""

    filterset_class = None
    table_class = None
    template_name = "partials/list_page.html"
    title = ""
    create_url_name = None

    def get_table_pagination(self, table):
        # django-tables2 reads ?per_page= itself; the paginator holds it to the sizes offered
        return {"per_page": settings.PAGE_SIZE, "paginator_class": OfferedSizePaginator}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        table.page_sizes = settings.PAGE_SIZES
        return table

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["request"] = self.request
        return kwargs

    def export_queryset(self):
        """Every row of the page's filter, unpaginated: the same scope, FilterSet and table ordering."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            qs = self.filterset.qs
        else:
            qs = self.filterset.queryset.none()
        table = self.get_table_class()(data=qs, **self.get_table_kwargs())
        RequestConfig(self.request, paginate=False).configure(table)
        qs = table.data.data
        order = list(qs.query.order_by)
        return qs.order_by(*order, "pk") if order and "pk" not in order else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title or self.model._meta.verbose_name_plural
        ctx["can_add"] = self.user_may("add")
        ctx["create_url_name"] = self.create_url_name
        return ctx


class RememberedFiltersMixin:
    """A list that remembers, per user, the filters, sort and page size last used on it (ListPreference).

    - A list opened with its visible filters, ``sort`` or ``per_page`` stores them once they validate.
    - Opened with no query string at all, it redirects to the stored query, so the URL, the pager and
      导出Excel carry it; a stored value that no longer validates (a region now out of scope, a choice
      since renamed) is dropped with a message and the list opens unfiltered.
    - ``?reset_filters=1`` (清除筛选) forgets and opens the list unfiltered.
    Hidden filters (?subject= from a subject's page, the ?id= of a selection) and exports change nothing.
    """

    RESET_PARAM = "reset_filters"
    #: query keys remembered besides the visible filters of the FilterSet
    REMEMBERED_KEYS = ("sort", "per_page")

    def memory_name(self) -> str:
        return self.request.resolver_match.view_name

    def remembered_keys(self, form) -> set[str]:
        return {name for name, field in form.fields.items() if not field.widget.is_hidden} | set(self.REMEMBERED_KEYS)

    def memorable_query(self, data, keys: set[str]) -> str:
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key in sorted(k for k in data if k in keys):
            values = [v for v in data.getlist(key) if v != ""][:20]
            if key == "per_page" and values != [str(settings.PAGE_SIZE)]:
                # a size the pager offers is remembered; the default and anything else (-1) are not
                values = [
                    v for v in values if parse_bounded_int(v, high=max(settings.PAGE_SIZES)) in settings.PAGE_SIZES
                ][:1]
                if values == [str(settings.PAGE_SIZE)]:
                    values = []
            elif key == "per_page":
                values = []
            if values:
                query.setlist(key, values)
        return query.urlencode()

    def stored_query_ok(self, stored: str) -> bool:
        from django.http import QueryDict

        data = QueryDict(stored)
        filterset = self.get_filterset_class()(data, queryset=self.model.objects.none(), request=self.request)
        keys = self.remembered_keys(filterset.form)
        if not set(data) <= keys:
            return False
        per_page = data.get("per_page")
        if (
            per_page is not None
            and parse_bounded_int(per_page, high=max(settings.PAGE_SIZES)) not in settings.PAGE_SIZES
        ):
            return False
        return filterset.is_valid()

    def get(self, request, *args, **kwargs):
        from .exporting.services import EXPORT_PARAM
        from .selectors import remembered_filters
        from .services import list_filters_forget, list_filters_remember

        if EXPORT_PARAM in request.GET or not request.user.is_authenticated:
            return super().get(request, *args, **kwargs)
        name = self.memory_name()
        if self.RESET_PARAM in request.GET:
            list_filters_forget(actor=request.user, list_name=name)
            return HttpResponseRedirect(request.path)
        stored = remembered_filters(user=request.user, list_name=name)
        if not request.GET:
            if stored and self.stored_query_ok(stored):
                return HttpResponseRedirect(f"{request.path}?{stored}")
            if stored:
                list_filters_forget(actor=request.user, list_name=name)
                messages.warning(request, "上次保存的筛选条件已失效（如区划或选项已变更），已清除，显示全部记录。")
            return super().get(request, *args, **kwargs)
        response = super().get(request, *args, **kwargs)
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.is_bound and filterset.is_valid():
            keys = self.remembered_keys(filterset.form)
            query = self.memorable_query(request.GET, keys)
            # the filter form sent (its fields, empty ones too): what it holds now is remembered, an
            # emptied form forgets; a link with none of them (?page=2, ?subject=) leaves the memory
            if query != stored and any(key in request.GET for key in keys):
                list_filters_remember(actor=request.user, list_name=name, query=query)
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reset_url"] = f"{self.request.path}?{self.RESET_PARAM}=1"
        form = getattr(ctx.get("filter"), "form", None)
        ctx["filters_active"] = (
            sum(1 for name, field in form.fields.items() if not field.widget.is_hidden and self.request.GET.get(name))
            if form is not None
            else 0
        )
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = self.scoped_queryset("change").filter(pk=self.object.pk).exists()
        return ctx


class PersonalDataRevealMixin:
    """A record's page with personal data (DESIGN §8): `personal_fields` ({field: mask}) show masked
    until a permitted role (REVEAL_ROLES) presses 显示完整个人信息 (a POST, logged in AccessLog by
    sanzero.privacy); the page's audit trail is masked the same way (`protect_audit`)."""

    personal_fields: dict = {}
    revealed = False

    def personal_value(self, obj, name: str):
        value = getattr(obj, name)
        return value if self.revealed else self.personal_fields[name](value)

    def protect_audit(self, obj, changes, hidden=frozenset()) -> None:
        from .privacy import protect_changes

        protect_changes(type(obj), changes, masks=self.personal_fields, hidden=hidden, revealed=self.revealed)

    def reveal_context(self) -> dict:
        from .roles import REVEAL_ROLES
        from .scoping import user_scope

        return {
            "can_reveal": bool(self.personal_fields) and user_scope(self.request.user).role in REVEAL_ROLES,
            "revealed": self.revealed,
        }

    def post(self, request, *args, **kwargs):
        """显示完整个人信息: permitted roles only (else 403, nothing logged); every reveal is logged."""
        self.object = self.get_object()
        personal_data_reveal(actor=request.user, obj=self.object, fields=self.personal_fields)
        self.revealed = True
        messages.info(request, "已显示完整个人信息，本次查看已记录。")
        return self.render_to_response(self.get_context_data(object=self.object))


class ServiceFormMixin:
    """Run a form through a service; turn service errors into form errors, nothing written."""

    success_message = "已保存。"

    def run_service(self, form):
        raise NotImplementedError

    def run_service_once(self, form):
        """(the object, whether this post made it): a create form posted twice makes it once."""
        return self.run_service(form), True

    def handle(self, form):
        try:
            obj, made = self.run_service_once(form)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target, error)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        if made:
            messages.success(self.request, self.get_success_message(obj))
        else:
            messages.info(self.request, "该表单已提交过，未重复登记；以下是已登记的记录。")
        return HttpResponseRedirect(self.get_success_url(obj))

    def get_success_message(self, obj) -> str:
        return self.success_message

    def get_success_url(self, obj):
        return obj.get_absolute_url()


class ScopedFormView(ScopedMixin, ServiceFormMixin, View):
    """Create (no pk) or edit (pk) through a form class and a service."""

    form_class = None
    template_name = "partials/form_page.html"
    title = ""

    def get_object(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            if not self.user_may(self.action):
                raise PermissionDenied("您的角色不能新增此类记录。")
            return None
        obj = get_object_or_404(self.get_queryset(), pk=pk)
        self.check_object_action(obj, self.action)
        return obj

    def get_form_kwargs(self):
        kwargs = {"user": self.request.user}
        if self.object is not None:
            # A copy: a ModelForm writes the posted values onto its instance while validating, and the
            # service must still see the stored values to find what changed (and to save it).
            kwargs["instance"] = copy.copy(self.object)
        return kwargs

    def get_form(self, data=None):
        return self.form_class(data, **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        kwargs.setdefault("object", self.object)
        if self.object is None:
            # a create form carries a one-time token (kept when the form comes back with errors)
            kwargs.setdefault("form_token", form_token_of(self.request.POST.get("form_token")) or uuid.uuid4().hex)
        return kwargs

    def run_service_once(self, form):
        if self.object is not None:
            return self.run_service(form), True
        return create_once(
            actor=self.request.user,
            token=form_token_of(self.request.POST.get("form_token")),
            create=lambda: self.run_service(form),
        )

    def form_invalid(self, form):
        # a hidden field's error (the version, missing) has no box to stand beside: say it at the top
        for name, field in form.fields.items():
            if field.widget.is_hidden and name in form.errors:
                for error in form.errors.pop(name):
                    form.add_error(None, error)
        return render(self.request, self.template_name, self.get_context_data(form=form), status=400)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return render(request, self.template_name, self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        return self.handle(form)


class ScopedActionView(ScopedFormView):
    """A confirmed action on one object (deregister, a status change): POST only changes state."""

    action = "change"
    template_name = "partials/confirm_page.html"

    def get_form_kwargs(self):
        return {}


@login_not_required
def healthz(request):
    """Database and broker state: ok, down or disabled (no REDIS_URL: tasks run in-process)."""
    state = {"database": "ok", "broker": "disabled"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means the database is down for the probe
        state["database"] = "down"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            state["broker"] = "ok"
        except Exception:  # noqa: BLE001
            state["broker"] = "down"
    healthy = all(v in {"ok", "disabled"} for v in state.values())
    return JsonResponse(state, status=200 if healthy else 503)


def page_not_found(request, exception=None):
    response = render(request, "404.html", status=404)
    response.sanzero_error_page = True  # sanzero.security.ChineseErrorPagesMiddleware leaves it alone
    return response


def server_error(request):
    """The Chinese 500 page: no traceback, no setting, only what to do next (static: no database needed)."""
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有权限访问该页面。"
    return render(request, "403.html", {"message": message}, status=403)


def notifications(request):

    from .selectors import notification_list, notification_unread_count
    from .services import notifications_mark_read

    if request.method == "POST":
        marked = notifications_mark_read(actor=request.user)
        messages.success(request, f"已全部标记为已读（{marked}条）。" if marked else "没有未读通知。")
        return HttpResponseRedirect(request.path)
    page = Paginator(notification_list(user=request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    unread = notification_unread_count(user=request.user)
    return render(request, "notifications.html", {"title": "站内通知", "page": page, "unread": unread})


class DeadlineSettingsView(ScopedFormView):
    """期限设置: county staff and admins change the deadline rules; every change is audited."""

    template_name = "deadline_settings.html"
    title = "期限设置"
    action = "change"

    def get_object(self):
        from .models import DeadlineSettings

        if not user_may(self.request.user, DeadlineSettings, "change"):
            raise PermissionDenied("只有县平安办和系统管理员可以修改期限设置。")
        return DeadlineSettings.current()

    def get_form(self, data=None):
        from .forms import DeadlineSettingsForm

        return DeadlineSettingsForm(data, instance=copy.copy(self.object))

    def get_context_data(self, **kwargs):
        from . import workdays
        from .audit import audit_trail
        from .holidays.selectors import holiday_notice, this_and_next_year

        ctx = super().get_context_data(**kwargs)
        ctx["audit"] = audit_trail(self.object, limit=20)
        years = this_and_next_year()
        ctx["holiday_notice"] = holiday_notice(self.request.user, years)
        ctx["holiday_years"] = [(d.year, workdays.year_source(d.year)) for d in years]
        return ctx

    success_message = "期限设置已保存，新登记和之后修改的台账按新期限计算。"

    def run_service(self, form):
        from .services import deadline_settings_update

        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        deadline_settings_update(actor=self.request.user, data=data, expected_version=form.expected_version)
        return self.object

    def get_success_url(self, obj):
        from django.urls import reverse

        return reverse("deadline_settings")
