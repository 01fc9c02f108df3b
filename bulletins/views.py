"""排名通报 pages: the list, a bulletin's page (the document; a draft's actions), the draft's edit form,
and the published files. Thin: reads in selectors, writes in services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from dashboards.params import parse_month, region_of
from dashboards.selectors import available_months
from sanzero.scoping import user_may, user_scope
from sanzero.services import ConflictError, ServiceError
from sanzero.xlsx.download import attachment_header, xlsx_response
from units.models import LEVEL_PREFIX_LENGTH, Region, RegionLevel

from . import selectors, services
from .forms import BulletinForm, MentionFormSet
from .models import Bulletin, BulletinStatus


def _is_editor(user) -> bool:
    return user_scope(user).role in services.EDITOR_ROLES


def _scoped(request, pk: int, action: str = "view") -> Bulletin:
    bulletin = get_object_or_404(Bulletin.objects.for_user(request.user).select_related("region"), pk=pk)
    if action != "view" and not Bulletin.objects.for_user(request.user, action).filter(pk=pk).exists():
        raise PermissionDenied("只有县平安办可以编制和发布排名通报。")
    return bulletin


def _county_region(request) -> Region | None:
    """The county whose bulletins a county user drafts: the chosen region, or the user's own."""
    region = region_of(request)
    if LEVEL_PREFIX_LENGTH[region.level] >= LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP]:
        return None
    return region


@require_safe
def index(request):
    if not user_may(request.user, Bulletin, "view"):
        raise PermissionDenied
    page = Paginator(selectors.bulletin_list(user=request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"title": "排名通报", "page": page, "is_editor": _is_editor(request.user)}
    if context["is_editor"]:
        region = _county_region(request)
        context["region"] = region
        context["months"] = available_months(region=region)[:24] if region is not None else []
    return render(request, "bulletins/index.html", context)


@require_POST
def create(request):
    if not _is_editor(request.user):
        raise PermissionDenied("只有县平安办可以编制排名通报。")
    region = region_of(request)
    month = parse_month(request.POST.get("month"))
    if month is None:
        messages.error(request, "请选择通报月份。")
        return HttpResponseRedirect(reverse("bulletins:index"))
    draft = Bulletin.objects.for_user(request.user, "change").filter(
        region=region, month=month, status=BulletinStatus.DRAFT
    )
    existing = draft.first()
    if existing is not None:
        messages.info(request, f"{month:%Y年%-m月}已有通报草稿，请在此基础上修改。")
        return HttpResponseRedirect(existing.get_absolute_url())
    try:
        bulletin = services.bulletin_create(actor=request.user, region=region, month=month)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("bulletins:index"))
    messages.success(request, "已按该月快照生成通报草稿。请核对红黑榜和督办事项，修改后发布。")
    return HttpResponseRedirect(bulletin.get_absolute_url())


@require_safe
def detail(request, pk: int):
    bulletin = _scoped(request, pk)
    editable = not bulletin.published and Bulletin.objects.for_user(request.user, "change").filter(pk=pk).exists()
    context = {
        "title": bulletin.title,
        "bulletin": bulletin,
        "doc": selectors.bulletin_document(bulletin),
        "editable": editable,
        "current": selectors.draft_is_current(user=request.user, bulletin=bulletin) if editable else True,
        "audit": selectors.bulletin_audit(bulletin) if editable or _is_editor(request.user) else [],
        "show_audit": _is_editor(request.user),
    }
    return render(request, "bulletins/detail.html", context)


def edit(request, pk: int):
    bulletin = _scoped(request, pk, "change")
    if bulletin.published:
        messages.error(request, services.PUBLISHED_REFUSAL.format(bulletin.number_text))
        return HttpResponseRedirect(bulletin.get_absolute_url())
    units = [(r["code"], f"{r['rank']}. {r['name']}") for r in bulletin.ranking.get("rows", [])]
    initial = [
        {"board": m.board, "region": m.region.code, "reason": m.reason}
        for m in sorted(bulletin.mentions.select_related("region"), key=lambda m: (m.board != "red", m.order, m.pk))
    ]
    posting = request.method == "POST"
    form = BulletinForm(request.POST if posting else None, instance=bulletin)
    # bound without its initial rows: a row posted as it was shown is still a row, never "unchanged, dropped"
    if posting:
        formset = MentionFormSet(request.POST, units=units, prefix="m")
    else:
        formset = MentionFormSet(initial=initial, units=units, prefix="m")
    status = 200
    if posting:
        if form.is_valid() and formset.is_valid():
            regions = {r.code: r for r in Region.objects.filter(code__in=[u for u, _ in units])}
            mentions = [{**m, "region": regions[m["code"]]} for m in formset.rows()]
            data = {f: form.cleaned_data[f] for f in services.TEXT_FIELDS}
            try:
                services.bulletin_update(
                    actor=request.user,
                    bulletin=bulletin,
                    data=data,
                    mentions=mentions,
                    expected_version=form.expected_version,
                )
            except (ServiceError, ConflictError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "通报草稿已保存。")
                return HttpResponseRedirect(bulletin.get_absolute_url())
        status = 400
    return render(
        request,
        "bulletins/edit.html",
        {"title": "编辑通报", "bulletin": bulletin, "form": form, "formset": formset},
        status=status,
    )


@require_POST
def refresh(request, pk: int):
    bulletin = _scoped(request, pk, "change")
    try:
        changed = services.bulletin_refresh(actor=request.user, bulletin=bulletin)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已按最新快照更新排名数据。" if changed else "排名数据与最新快照一致，无需更新。")
    return HttpResponseRedirect(bulletin.get_absolute_url())


@require_POST
def publish(request, pk: int):
    bulletin = _scoped(request, pk, "change")
    try:
        bulletin = services.bulletin_publish(actor=request.user, bulletin=bulletin)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已发布{bulletin.number_text}。发布后的通报不能再修改。")
    return HttpResponseRedirect(bulletin.get_absolute_url())


@require_POST
def delete(request, pk: int):
    bulletin = _scoped(request, pk, "change")
    try:
        services.bulletin_delete(actor=request.user, bulletin=bulletin, reason=request.POST.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(bulletin.get_absolute_url())
    messages.success(request, "通报草稿已删除。")
    return HttpResponseRedirect(reverse("bulletins:index"))


def _filename(bulletin: Bulletin, ext: str) -> str:
    return f"{bulletin.region.name}三零创建工作通报{bulletin.number_text}.{ext}"


@require_safe
def download(request, pk: int, fmt: str):
    """The published bulletin's file, as stored at publication (a draft has none: 404)."""
    bulletin = _scoped(request, pk)
    if not bulletin.published:
        raise Http404("通报尚未发布。")
    fallback = f"bulletin-{bulletin.region.code}-{bulletin.year}-{bulletin.number}.{fmt}"
    if fmt == "xlsx":
        return xlsx_response(bytes(bulletin.xlsx), filename=_filename(bulletin, "xlsx"), fallback=fallback)
    response = HttpResponse(bytes(bulletin.pdf), content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(_filename(bulletin, "pdf"), fallback)
    response["Cache-Control"] = "no-store"
    return response


def latest_home_task(user) -> dict | None:
    """Home: the latest published bulletin the user reads (one query), for every role but the admin."""
    from sanzero.registry import home_card

    if user_scope(user).role in (None, "admin"):
        return None
    latest = (
        Bulletin.objects.for_user(user)
        .filter(status=BulletinStatus.PUBLISHED)
        .select_related("region")
        .defer("xlsx", "pdf", "content", "ranking")
        .order_by("-published_at")
        .first()
    )
    if latest is None:
        return None
    return home_card(
        "bulletin",
        "最新排名通报",
        "bi-megaphone",
        reverse("bulletins:index"),
        [
            {
                "label": f"{latest.number_text} {latest.title}",
                "url": latest.get_absolute_url(),
                "note": f"{latest.published_at:%Y-%m-%d}发布" if latest.published_at else "",
                "colour": "",
            }
        ],
        count=None,
        order=90,
        state=latest.number_text,
        state_colour="",
    )
