from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property
from django.views import View
from django.views.decorators.http import require_GET

from ledger.views import LedgerDetailView, LedgerFormView, LedgerListView, LedgerTransitionView
from sanzero.privacy import mask_free_text
from sanzero.roles import role_may
from sanzero.scoping import user_scope
from sanzero.services import ServiceError
from sanzero.views import ScopedMixin
from units.views import picker_response

from . import selectors, services
from .exports import PERSON_COLUMNS
from .filtersets import KeyPersonFilterSet
from .forms import ConfirmForm, GridWorkerChoiceField, KeyPersonForm, LinkForm
from .models import KeyPerson, PersonLink
from .privacy import PERSONAL_MASKS, may_reveal
from .tables import KeyPersonTable
from .workflow import PERSON_WORKFLOW


def _next_due(person) -> str:
    return f"{person.due_on:%Y-%m-%d}" if person.due_on else "—（已解除列管）"


def _keeper(person) -> str:
    return person.grid_worker.display_name if person.grid_worker is not None else "未落实"


class ReadersOnlyMixin:
    """A role the table gives no view of persons (行业主管部门) gets 403 on the list: it has no menu entry
    either; an id in the path is 404 for it, as for anything outside a scope."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.user_may("view"):
            raise PermissionDenied("您的角色不能查看重点人员。")
        return super().dispatch(request, *args, **kwargs)


class KeyPersonListView(ReadersOnlyMixin, LedgerListView):
    model = KeyPerson
    filterset_class = KeyPersonFilterSet
    table_class = KeyPersonTable
    title = "重点人员"
    create_url_name = "persons:person_create"
    export_columns = PERSON_COLUMNS

    def decorate_queryset(self, qs):
        return selectors.person_list(qs)


class KeyPersonDetailView(LedgerDetailView):
    model = KeyPerson
    workflow = PERSON_WORKFLOW
    template_name = "persons/person_detail.html"
    personal_fields = PERSONAL_MASKS
    detail_fields = (
        "subject",
        "name",
        "id_number",
        "phone",
        "address",
        "category",
        "risk_level",
        ("包户网格员", _keeper),
        "visit_every_days",
        "registered_on",
        "last_visited_on",
        ("下次走访期限", _next_due),
        "note",
        "status",
        "released_on",
        "release_reason",
        "created_by",
    )

    def decorate_queryset(self, qs):
        return selectors.person_detail(qs)

    def field_rows(self, obj):
        rows = super().field_rows(obj)
        # the person's village is the subject: its label says so
        return [("所属村(社区)", value) if label == "创建主体" else (label, value) for label, value in rows]

    def reveal_context(self) -> dict:
        return {"can_reveal": may_reveal(self.request.user, self.object), "revealed": self.revealed}

    def post(self, request, *args, **kwargs):
        """显示完整个人信息: REVEAL_ROLES and the person's own 包户 grid worker (else 403), logged."""
        self.object = self.get_object()
        services.key_person_reveal(actor=request.user, person=self.object)
        self.revealed = True
        messages.info(request, "已显示完整个人信息，本次查看已记录。")
        return self.render_to_response(self.get_context_data(object=self.object))

    def extra_timeline(self, obj):
        """The visit log and the links made and removed, in the timeline beside the audit entries."""
        names = [] if self.revealed else [obj.name]
        entries = [
            {
                "when": v.created_at,
                "who": v.by.display_name,
                "title": f"{v.get_way_display()}（{v.visited_on:%Y-%m-%d}）" + ("：发现异常" if v.abnormal else ""),
                "text": mask_free_text(v.situation, names),
                "changes": [],
            }
            for v in self.visits
        ]
        for rec in PersonLink.history.filter(person_id=obj.pk).select_related("history_user"):
            if rec.history_type not in "+-":
                continue
            kind = "信访" if rec.petition_id else "矛盾纠纷"
            entries.append(
                {
                    "when": rec.history_date,
                    "who": rec.history_user.display_name if rec.history_user else "系统",
                    "title": f"{'关联' if rec.history_type == '+' else '解除关联'}{kind}",
                    "text": f"编号{rec.petition_id or rec.dispute_id}",
                    "changes": [],
                }
            )
        return entries

    @cached_property
    def visits(self):
        return selectors.person_visits(self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        person = self.object
        names = [] if self.revealed else [person.name]
        ctx["visits"] = [(v, mask_free_text(v.situation, names)) for v in self.visits]
        ctx["visit_count"] = person.visits.count()
        ctx.update(selectors.person_links(user=self.request.user, person=person))
        ctx["link_form"] = LinkForm() if ctx["can_change"] else None
        return ctx


class KeyPersonFormView(LedgerFormView):
    model = KeyPerson
    form_class = KeyPersonForm
    create_service = services.key_person_create
    update_service = services.key_person_update


class KeyPersonTransitionView(LedgerTransitionView):
    model = KeyPerson
    workflow = PERSON_WORKFLOW
    transition_service = services.key_person_transition


class PersonLinkAddView(ScopedMixin, View):
    """POST 关联: a petition or a dispute by its number (or a suggestion's button); back to the person."""

    model = KeyPerson
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from disputes.models import Dispute
        from petitions.models import Petition

        person = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])  # out of scope: 404
        self.check_object_action(person, "change")  # county staff read only: 403
        back = HttpResponseRedirect(person.get_absolute_url() + "#links")
        form = LinkForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return back
        model = Petition if form.cleaned_data["kind"] == "petition" else Dispute
        label = model._meta.verbose_name
        target = model.objects.for_user(request.user).filter(pk=form.cleaned_data["number"]).first()
        if target is None:
            messages.error(request, f"编号为{form.cleaned_data['number']}的{label}不存在或不在您的管辖范围内。")
            return back
        try:
            services.person_link_add(actor=request.user, person=person, **{form.cleaned_data["kind"]: target})
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已关联{label}：{target}。")
        return back


class PersonLinkDeleteView(ScopedMixin, View):
    """GET: the confirmation; POST: 解除关联 (audited)."""

    model = KeyPerson
    http_method_names = ["get", "post"]
    template_name = "partials/confirm_page.html"

    def get_link(self):
        person = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_action(person, "change")
        return get_object_or_404(
            PersonLink.objects.filter(person=person).select_related("person"), pk=self.kwargs["lid"]
        )

    def get(self, request, *args, **kwargs):
        link = self.get_link()
        return render(
            request,
            self.template_name,
            {
                "title": "解除关联",
                "confirm_text": f"确定解除“{link.person}”与{link.kind_label}（编号{link.petition_id or link.dispute_id}）的关联吗？"
                "解除后可重新关联；关联和解除均记入办理过程。",
                "confirm_button": "解除关联",
                "danger": True,
                "form": ConfirmForm(),
                "object": link.person,
            },
        )

    def post(self, request, *args, **kwargs):
        link = self.get_link()
        services.person_link_remove(actor=request.user, link=link)
        messages.success(request, f"已解除与{link.kind_label}（编号{link.petition_id or link.dispute_id}）的关联。")
        return HttpResponseRedirect(link.person.get_absolute_url() + "#links")


def visit_home_task(user) -> dict | None:
    """The home page's 重点人员走访 card: persons the user keeps or supervises whose visit is overdue or due
    within the 临期提醒 days (a grid worker: their own 包户 only)."""
    from ledger.home import periodic_task
    from sanzero.roles import Role
    from sanzero.scoping import user_scope

    mine = user_scope(user).role == Role.GRID
    return periodic_task(
        user,
        KeyPerson,
        key="person_visits",
        label="我包户的重点人员走访" if mine else "重点人员走访",
        icon="bi-person-exclamation",
        list_url="persons:person_list",
        what="走访",
        empty="没有逾期或{warn_days}天内到期的重点人员走访。",
        order=35,
    )


@login_required
@require_GET
def grid_worker_search(request):
    """The 包户 picker's search: the grid workers the user may choose, 20 a page, for the roles that
    register persons (others: 403)."""
    if not role_may(user_scope(request.user).role, KeyPerson._meta.label_lower, "add"):
        raise PermissionDenied
    page = selectors.grid_worker_search(user=request.user, q=request.GET.get("q", ""), page=request.GET.get("page"))
    label = GridWorkerChoiceField.label_from_instance
    items = [{"id": u.username, "text": label(None, u), "detail": u.username} for u in page.rows]
    return picker_response(request, page, items)
