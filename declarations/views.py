"""零报告 pages: the board of a month (who declared, who did not, silent subjects), declaring, a
declaration's page with its history and withdrawal. Thin: reads in selectors, writes in services."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView

from dashboards.params import month_of, parse_month, region_of
from sanzero.audit import audit_trail
from sanzero.exporting.mixins import ExportMixin
from sanzero.scoping import user_may, user_scope
from sanzero.services import ServiceError
from units.models import Region
from units.selectors import visible_ancestors

from . import selectors, services
from .exports import SILENT_COLUMNS
from .models import Declaration, DeclarationKind

SILENT_PREVIEW = 10


def _require_view(user) -> None:
    if not user_may(user, Declaration, "view"):
        raise PermissionDenied("零报告只对乡镇(街道)录入员、网格员、县平安办和系统管理员开放。")


def _can_declare(user) -> bool:
    return user_scope(user).role in services.DECLARER_ROLES


def _month_param(request, region: Region) -> datetime.date:
    raw = (request.GET.get("month") or request.POST.get("month") or "").strip()
    if raw:
        month = parse_month(raw)
        if month is None or not 2000 <= month.year <= 2100:
            raise Http404("月份格式不正确。")
        return month
    return month_of(request, region)


def _board_url(region: Region, month: datetime.date) -> str:
    return f"{reverse('declarations:board')}?region={region.code}&month={month:%Y-%m}"


def _common(request, region: Region, month: datetime.date) -> dict:
    return {
        "region": region,
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "ancestors": visible_ancestors(request.user, region),
        "can_declare": _can_declare(request.user),
    }


@require_safe
def board(request):
    """The month's 零报告: each township (its villages where a grid worker reports) declared or not, and
    the silent subjects (no entry, no declaration)."""
    _require_view(request.user)
    region = region_of(request)
    month = _month_param(request, region)
    board = selectors.declaration_board(user=request.user, region=region, month=month)
    silent = selectors.silent_subjects(user=request.user, region=region, month=month)
    context = _common(request, region, month)
    context.update(
        {
            "title": "零报告",
            "board": board,
            "silent_count": silent.count(),
            "silent": list(silent[:SILENT_PREVIEW]),
            "silent_url": f"{reverse('declarations:silent')}?region={region.code}&month={month:%Y-%m}",
            "future": month > timezone.localdate().replace(day=1),
        }
    )
    return render(request, "declarations/board.html", context)


def declare(request):
    """申报: the month's entries of the region per ledger, then 有事报情况 or 无事报平安 (POST)."""
    _require_view(request.user)
    region = region_of(request)
    month = _month_param(request, region)
    if not _can_declare(request.user):
        raise PermissionDenied("只有乡镇(街道)录入员和网格员可以申报零报告。")
    if selectors.township_of(region) is None or region.level == "grid":
        raise Http404("零报告按乡镇(街道)或村(社区)申报。")
    status = 200
    if request.method == "POST":
        status = 400  # refused: the page again, with the reason
        try:
            declaration = services.declaration_declare(
                actor=request.user,
                region=region,
                month=month,
                kind=request.POST.get("kind", ""),
                note=request.POST.get("note", "")[:300],
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"已申报{region.name}{month:%Y年%-m月}零报告：{declaration.get_kind_display()}。"
                + ("现在可以上报本月数据。" if region.level == "township" else ""),
            )
            return HttpResponseRedirect(_board_url(region, month))
    counts = selectors.entry_counts(region=region, month=month)
    township = selectors.township_of(region)
    context = _common(request, region, month)
    context.update(
        {
            "title": "申报零报告",
            "counts": counts,
            "total": sum(counts.values()),
            "current": Declaration.objects.for_user(request.user).filter(region=region, month=month).first(),
            "closed": selectors.month_closed(township=township, month=month) if township else "",
            "future": month > timezone.localdate().replace(day=1),
            "this_month": month == timezone.localdate().replace(day=1),
            "kinds": DeclarationKind,
        }
    )
    return render(request, "declarations/declare.html", context, status=status)


@require_safe
def detail(request, pk: int):
    _require_view(request.user)
    declaration = selectors.declaration_detail(Declaration.objects.for_user(request.user), pk)
    township = selectors.township_of(declaration.region)
    context = _common(request, declaration.region, declaration.month)
    context.update(
        {
            "title": f"{declaration.region.name}{declaration.month:%Y年%-m月}零报告",
            "object": declaration,
            "audit": audit_trail(declaration),
            "closed": selectors.month_closed(township=township, month=declaration.month) if township else "",
            "can_withdraw": _can_declare(request.user)
            and declaration.declared
            and Declaration.objects.for_user(request.user, "change").filter(pk=pk).exists(),
        }
    )
    return render(request, "declarations/detail.html", context)


@require_POST
def withdraw(request, pk: int):
    _require_view(request.user)
    declaration = selectors.declaration_detail(Declaration.objects.for_user(request.user), pk)
    if not Declaration.objects.for_user(request.user, "change").filter(pk=pk).exists():
        raise PermissionDenied("您没有权限撤回该零报告。")
    try:
        services.declaration_withdraw(
            actor=request.user, declaration=declaration, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤回零报告。上报前需重新申报。")
    return HttpResponseRedirect(declaration.get_absolute_url())


class SilentSubjectsView(ExportMixin, TemplateView):
    """沉默主体: subjects with no entry in the month whose township and village have not declared it."""

    template_name = "declarations/silent.html"
    export_columns = SILENT_COLUMNS
    title = "沉默主体"

    def get(self, request, *args, **kwargs):
        _require_view(request.user)
        return super().get(request, *args, **kwargs)

    @cached_property
    def region(self) -> Region:
        return region_of(self.request)

    @cached_property
    def month(self) -> datetime.date:
        return _month_param(self.request, self.region)

    def export_queryset(self):
        return selectors.silent_subjects(user=self.request.user, region=self.region, month=self.month)

    def export_title(self) -> str:
        return f"沉默主体_{self.region.name}_{self.month:%Y年%m月}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(self.export_queryset(), settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx.update(_common(self.request, self.region, self.month))
        ctx.update(
            {
                "title": self.title,
                "page": page,
                "query": f"region={self.region.code}&month={self.month:%Y-%m}",
                "board_url": _board_url(self.region, self.month),
            }
        )
        return ctx


def submit_panel(*, user, region, month) -> dict | None:
    """The 零报告 card on dashboards' 上报 page (dashboards.extensions.register_submit_panel)."""
    if region.level != "township":
        return None
    month = month.replace(day=1)
    declaration = Declaration.objects.filter(region=region, month=month).select_related("declared_by").first()
    declared = declaration is not None and declaration.declared
    entries_now = sum(selectors.entry_counts(region=region, month=month).values())
    contradicted = declared and declaration.kind == DeclarationKind.NOTHING and entries_now > 0
    message = ""
    if not declared:
        message = f"尚未申报{month:%Y年%-m月}零报告，申报后才能上报。"
    elif contradicted:
        message = f"申报“无事报平安”后又登记了{entries_now}条台账，请重新申报“有事报情况”后再上报。"
    return {
        "template": "declarations/_submit_panel.html",
        "declaration": declaration if declared else None,
        "entries_now": entries_now,
        "blocks_submit": bool(message),
        "blocked_message": message,
        "declare_url": f"{reverse('declarations:declare')}?region={region.code}&month={month:%Y-%m}",
        "can_declare": _can_declare(user),
    }


def undeclared_home_task(user) -> dict | None:
    """Home work queue: county staff see the townships that have not declared the month; a clerk or a
    grid worker the state of its own township's or villages' declarations. A fixed number of queries."""
    from dashboards.selectors import latest_month
    from sanzero.registry import home_card
    from sanzero.roles import Role
    from units.models import LEVEL_PREFIX_LENGTH, RegionLevel
    from units.selectors import default_region_for

    role = user_scope(user).role
    if role not in (Role.COUNTY, Role.CLERK, Role.GRID):
        return None
    region = default_region_for(user)
    if region is None:
        return None
    if role == Role.COUNTY and LEVEL_PREFIX_LENGTH[region.level] >= LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP]:
        return None
    month = latest_month(user=user, region=region) or timezone.localdate().replace(day=1)
    board = selectors.declaration_board(user=user, region=region, month=month)
    if role == Role.GRID:
        rows = board.villages
    else:
        rows = board.townships + [v for t in board.townships for v in t.villages]
    url = _board_url(region, month)
    if role == Role.COUNTY:
        items = [
            {"label": r.region.name, "url": url, "note": "未申报零报告", "colour": "yellow"} for r in board.undeclared
        ]
        return home_card(
            "undeclared",
            f"{month:%Y年%-m月}未申报零报告的乡镇(街道)",
            "bi-clipboard-x",
            url,
            items,
            count=len(items),
            empty=f"全部{board.total}个乡镇(街道)已申报零报告。" if board.total else "没有下辖乡镇(街道)。",
            order=5,
        )
    seen, items = set(), []
    for r in rows:
        if r.region.pk in seen:
            continue
        seen.add(r.region.pk)
        declare_url = f"{reverse('declarations:declare')}?region={r.region.code}&month={month:%Y-%m}"
        items.append(
            {
                "label": f"{r.region.name} {month:%Y年%-m月}",
                "url": declare_url if not r.declared else r.declaration.get_absolute_url(),
                "note": r.label + ("，请申报“有事报情况”或“无事报平安”" if not r.declared else ""),
                "colour": "" if r.declared else "yellow",
            }
        )
    if not items:
        return None
    waiting = sum(1 for i in items if i["colour"])
    return home_card(
        "declaration",
        "本月零报告",
        "bi-clipboard-check",
        url,
        items,
        count=None,
        order=4,
        state=items[0]["note"].split("，")[0] if len(items) == 1 else f"未申报 {waiting}",
        state_colour="yellow" if waiting else "",
    )
