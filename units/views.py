from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sanzero.audit import audit_trail
from sanzero.holidays.selectors import holiday_notice, this_and_next_year
from sanzero.models import Holiday
from sanzero.registry import subject_sections
from sanzero.scoping import user_may
from sanzero.validators import mask_phone
from sanzero.views import (
    PersonalDataRevealMixin,
    ScopedActionView,
    ScopedDetailView,
    ScopedFormView,
    ScopedListView,
)

from . import selectors, services
from .exports import SUBJECT_COLUMNS
from .filtersets import SubjectFilterSet
from .forms import DeregisterForm, SubjectForm, subject_choice_label
from .models import Region, Subject, parse_region_code
from .tables import SubjectTable


class SubjectListView(ScopedListView):
    model = Subject
    filterset_class = SubjectFilterSet
    table_class = SubjectTable
    title = "创建主体"
    create_url_name = "units:subject_create"
    export_columns = SUBJECT_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.subject_list(qs)


class SubjectDetailView(PersonalDataRevealMixin, ScopedDetailView):
    model = Subject
    template_name = "units/subject_detail.html"
    personal_fields = {"phone": mask_phone}

    def decorate_queryset(self, qs):
        return selectors.subject_detail(qs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["audit"] = audit_trail(self.object)
        self.protect_audit(self.object, (change for entry in ctx["audit"] for change in entry.changes))
        ctx["phone"] = self.personal_value(self.object, "phone")
        ctx.update(self.reveal_context())
        ctx["sections"] = subject_sections(self.object, self.request.user)
        ctx["new_entries"] = [s for s in ctx["sections"] if s.get("can_add")]
        return ctx


class SubjectFormView(ScopedFormView):
    model = Subject
    form_class = SubjectForm
    template_name = "units/subject_form.html"

    @property
    def action(self):
        return "change" if "pk" in self.kwargs else "add"

    @property
    def title(self):
        return f"修改：{self.object.name}" if self.object else "登记创建主体"

    @property
    def success_message(self):
        return "创建主体已保存。"

    def run_service(self, form):
        if self.object is None:
            return services.subject_create(actor=self.request.user, data=form.service_data())
        services.subject_update(
            actor=self.request.user,
            subject=self.object,
            data=form.service_data(),
            expected_version=form.expected_version,
        )
        return self.object


class SubjectDeregisterView(ScopedActionView):
    model = Subject
    form_class = DeregisterForm
    success_message = "已办理退出创建。"

    @property
    def title(self):
        return f"退出创建：{self.object.name}"

    def get_form_kwargs(self):
        return {"subject": self.object, "initial": {"version": self.object.version}}

    def get_object(self):
        obj = super().get_object()
        if obj.left_on is not None:
            raise Http404("该主体已退出创建。")
        return obj

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["confirm_text"] = (
            f"确认“{self.object.name}”退出创建？退出后不再计入之后月份的达标统计，历史月份不受影响；记录不会被删除。"
        )
        ctx["confirm_button"] = "确认退出创建"
        ctx["danger"] = True
        return ctx

    def run_service(self, form):
        return services.subject_deregister(
            actor=self.request.user,
            subject=self.object,
            left_on=form.cleaned_data["left_on"],
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version,
        )


@login_required
def region_browse(request, code=None):
    """The region tree: a region, its ancestors, and its children with subject counts."""
    user = request.user
    if code is None:
        roots = selectors.scope_roots(user)
        if len(roots) != 1:
            rows = [{"region": r, **selectors.region_totals(user=user, region=r)} for r in roots]
            return render(request, "units/region_roots.html", {"rows": rows})
        region = roots[0]
    else:
        if parse_region_code(code) is None:
            raise Http404
        region = get_object_or_404(Region.objects.for_user(user), code=code)
    context = {
        "region": region,
        "ancestors": selectors.visible_ancestors(user, region),
        "children": selectors.region_children_with_counts(user=user, region=region),
        "totals": selectors.region_totals(user=user, region=region),
        "audit": audit_trail(region, limit=10) if user.is_admin_role else [],
    }
    return render(request, "units/region_detail.html", context)


def picker_response(request, page, items: list[dict]) -> JsonResponse:
    """The pickers' JSON: {"results": [...], "more": bool, "next": the URL of the next page or null}."""
    next_url = None
    if page.more:
        query = request.GET.copy()
        query["page"] = str(page.page + 1)
        next_url = f"{request.path}?{query.urlencode()}"
    return JsonResponse({"results": items, "more": page.more, "next": next_url})


@login_required
@require_GET
def subject_search(request):
    """Search-as-you-type for the ledger forms' subject picker: the user's scope only, 20 a page."""
    page = selectors.subject_search(user=request.user, q=request.GET.get("q", ""), page=request.GET.get("page"))
    paths = selectors.region_paths(s.region for s in page.rows)
    items = [
        {
            "id": s.pk,
            "text": subject_choice_label(s),
            "name": s.name,
            "detail": " · ".join(filter(None, [paths[s.region_id], s.credit_code])),
            "joined": s.joined_on.isoformat() if s.joined_on else "",
            "left": s.left_on.isoformat() if s.left_on else "",
        }
        for s in page.rows
    ]
    return picker_response(request, page, items)


@login_required
@require_GET
def region_search(request):
    """Search-as-you-type for region pickers (forms and list filters): the user's scope, with paths."""
    page = selectors.region_search(
        user=request.user,
        q=request.GET.get("q", ""),
        levels=selectors.picker_levels(request.GET.get("levels")),
        page=request.GET.get("page"),
    )
    paths = selectors.region_paths(page.rows)
    items = [
        {
            "id": r.pk,
            "code": r.code,
            "text": paths[r.pk],
            "detail": f"{r.get_level_display()} · {r.code}",
        }
        for r in page.rows
    ]
    return picker_response(request, page, items)


def home(request):
    """首页: the user's work queue (待办), then the scope's subject totals and the common actions."""
    return render(
        request,
        "home.html",
        {
            **selectors.home_page(user=request.user),
            "today": timezone.localdate(),
            "perms_add_subject": user_may(request.user, Subject, "add"),
            # the editors of the 节假日安排 are told of this or next year missing, before any deadline is due
            "holiday_notice": holiday_notice(request.user, this_and_next_year())
            if user_may(request.user, Holiday, "change")
            else None,
        },
    )
