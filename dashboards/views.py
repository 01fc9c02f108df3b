"""Dashboards: thin views over dashboards.selectors (snapshot tables only) and dashboards.services."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from sanzero import jobs
from sanzero.exporting.mixins import ExportMixin
from sanzero.registry import home_card
from sanzero.scoping import user_scope
from sanzero.services import ServiceError
from units.models import LEVEL_PREFIX_LENGTH, Region, RegionLevel, Subject, TargetGroup
from units.selectors import visible_ancestors

from . import selectors, services
from .exports import MONTH_COLUMNS, RANKING_COLUMNS, YTD_COLUMNS
from .extensions import submit_panels
from .forms import RulePresetForm, RuleSetForm, TargetsForm
from .models import (
    ALL_GROUPS,
    GROUP_CHOICES,
    PRESET_NOTES,
    PRESETS,
    Period,
    RulePreset,
    RuleSet,
    SnapshotJob,
    SubjectMonth,
)
from .params import month_of, parse_month, region_of, year_of

OUTCOME_LABELS = {"failed": "不达标", "passed": "达标", "all": "全部"}


def _is_county(user) -> bool:
    return user_scope(user).role in services.COUNTY_ROLES


def _base_context(request, region: Region, month: datetime.date) -> dict:
    return {
        "region": region,
        "month": month,
        "month_value": month.strftime("%Y-%m"),
        "ancestors": visible_ancestors(request.user, region),
        "months": selectors.available_months(region=region),
        "is_county": _is_county(request.user),
        "status": selectors.month_status(region=region, month=month),
        # a department user's figures count the subjects it supervises only (DepartmentMonth)
        "department": request.user.department if user_scope(request.user).department_id else None,
    }


def overview(request):
    region = region_of(request)
    month = month_of(request, region)
    rows = selectors.region_months(user=request.user, region=region, month=month)
    chart = selectors.chart_series(user=request.user, region=region, month=month, rows=rows)
    children = selectors.children_months(user=request.user, region=region, month=month)
    cards = [
        {"group": g, "label": label, "ytd": rows.get((g, Period.YTD)), "month": rows.get((g, Period.MONTH))}
        for g, label in GROUP_CHOICES
    ]
    context = _base_context(request, region, month)
    context.update(
        {
            "title": "达标统计",
            "cards": cards,
            "children": children,
            "chart": chart,
            "forecast": selectors.forecast(rows, month),
            "stats": rows.get((ALL_GROUPS, Period.YTD)),
            "stats_month": rows.get((ALL_GROUPS, Period.MONTH)),
            "jobs": SnapshotJob.objects.for_user(request.user).filter(region=region, month=month)[:3],
            "has_data": bool(rows),
        }
    )
    board = selectors.township_submissions(region=region, month=month)
    context.update(
        {
            "board": board,
            "child_submissions": board.by_child([c["region"] for c in children]),
            "can_submit": user_scope(request.user).role in services.SUBMITTER_ROLES,
            "above_township": LEVEL_PREFIX_LENGTH[region.level] < LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP],
        }
    )
    return render(request, "dashboards/overview.html", context)


class _SnapshotListView(ExportMixin, TemplateView):
    """A dashboard list of one region and month (?region=&month=), with 导出Excel of its rows."""

    @cached_property
    def region(self) -> Region:
        return region_of(self.request)

    @cached_property
    def month(self) -> datetime.date:
        return month_of(self.request, self.region)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_base_context(self.request, self.region, self.month))
        return ctx


class RankingView(_SnapshotListView):
    """Townships (children) by 年度累计 rate, with each group's target and gap and the ledger rates;
    导出Excel writes the same rows in the same order."""

    template_name = "dashboards/ranking.html"
    export_columns = RANKING_COLUMNS

    @cached_property
    def entries(self) -> list[dict]:
        return selectors.ranking_entries(
            user=self.request.user, region=self.region, month=self.month, sort=self.request.GET.get("sort", "-rate")
        )

    def export_queryset(self) -> list[dict]:
        return self.entries

    def export_title(self) -> str:
        return f"乡镇排名_{self.region.name}_{self.month:%Y年%m月}_年度累计"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"title": "乡镇排名", "entries": self.entries, "sort": self.request.GET.get("sort", "-rate")})
        return ctx


class FailingView(_SnapshotListView):
    """达标明细: the subjects behind a rate (failing, passing or all), with 导出Excel of the same rows."""

    template_name = "dashboards/failing.html"
    model = SubjectMonth

    @cached_property
    def params(self) -> dict:
        """The filters besides region and month."""
        request = self.request
        period = request.GET.get("period", Period.YTD)
        outcome = request.GET.get("outcome", "failed")
        if period not in Period.values or outcome not in OUTCOME_LABELS:
            raise Http404
        return {
            "group": request.GET.get("group", ""),
            "zero": request.GET.get("zero", ""),
            "period": period,
            "outcome": outcome,
        }

    @property
    def export_columns(self):
        return YTD_COLUMNS if self.params["period"] == Period.YTD else MONTH_COLUMNS

    def export_queryset(self):
        return selectors.failing_subjects(user=self.request.user, region=self.region, month=self.month, **self.params)

    def labels(self) -> dict:
        p = self.params
        return {
            "zero_label": selectors.ZERO_LABELS.get(p["zero"], "三零"),
            "group_label": dict(GROUP_CHOICES).get(p["group"], "全部"),
            "period_label": Period(p["period"]).label,
            "outcome_label": OUTCOME_LABELS[p["outcome"]],
        }

    def export_title(self) -> str:
        labels = self.labels()
        return (
            f"达标明细_{self.region.name}_{self.month:%Y年%m月}_{labels['group_label']}_{labels['zero_label']}_"
            f"{labels['period_label']}_{labels['outcome_label']}"
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(self.export_queryset(), settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update({**self.params, **self.labels(), "title": "达标明细", "page": page, "query": query.urlencode()})
        return ctx


def subject_month(request, subject_id: int, month: str):
    month_date = parse_month(month)
    if month_date is None:
        raise Http404
    row = get_object_or_404(
        SubjectMonth.objects.for_user(request.user).select_related(
            "subject", "region", "rule", "override_by", "ytd_override_by", "subject__category"
        ),
        subject_id=subject_id,
        month=month_date,
    )
    context = {
        "title": f"{row.subject.name} {month_date:%Y年%m月}",
        "row": row,
        "entries": selectors.failing_entries(row),
        "region": row.region,
        "month": month_date,
        "is_county": _is_county(request.user),
        "overrides": selectors.override_log(subject_id=subject_id, month=month_date),
        "rule_lines": row.rule.describe(),
        "locked": selectors.month_status(region=row.region, month=month_date),
    }
    return render(request, "dashboards/subject_month.html", context)


@require_POST
def override(request, subject_id: int, month: str):
    month_date = parse_month(month)
    row = get_object_or_404(SubjectMonth.objects.for_user(request.user), subject_id=subject_id, month=month_date)
    choice = request.POST.get("passed", "")
    passed = {"1": True, "0": False, "": None}.get(choice, "invalid")
    period = request.POST.get("period", Period.MONTH)
    if passed == "invalid" or period not in Period.values:
        raise Http404
    try:
        result = services.subject_month_override(
            actor=request.user,
            subject_month=row,
            passed=passed,
            reason=request.POST.get("reason", "")[:300],
            period=period,
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        label = Period(period).label
        done = (
            f"已保存{month_date:%Y年%-m月}{label}的人工认定，达标率已更新"
            if passed is not None
            else f"已取消{month_date:%Y年%-m月}{label}的人工认定，恢复系统判定"
        )
        extra = result.message()
        messages.success(request, f"{done}。{extra}。" if extra else f"{done}。")
    return HttpResponseRedirect(reverse("dashboards:subject_month", args=[subject_id, month]))


@require_POST
def recompute(request):
    region = region_of(request)
    month = parse_month(request.POST.get("month"))
    if month is None:
        messages.error(request, "月份格式不正确。")
        return HttpResponseRedirect(reverse("dashboards:overview"))
    # 重新计算全年: January to the month shown
    first = month.replace(month=1) if request.POST.get("scope") == "year" else month
    try:
        job = services.snapshot_request(actor=request.user, region=region, month=first, last_month=month)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(f"{reverse('dashboards:overview')}?region={region.code}&month={month:%Y-%m}")
    if job.status != SnapshotJob.Status.FAILED:  # failed: the broker did not take it; the job page says so
        messages.info(request, "已提交重新计算，正在后台排队处理。")
    return HttpResponseRedirect(reverse("dashboards:job", args=[job.pk]))


def job(request, pk: int):
    obj = get_object_or_404(SnapshotJob.objects.for_user(request.user).select_related("region", "requested_by"), pk=pk)
    jobs.give_up_if_stalled(obj)  # its worker was killed: say so now, not when the sweeper runs
    template = "dashboards/job_progress.html" if request.htmx else "dashboards/job.html"
    context = {
        "title": "重新计算",
        "job": obj,
        "finished": obj.finished,
        # a failed computation (worker killed, broker down) is offered again to who may start one
        "can_retry": obj.status == SnapshotJob.Status.FAILED and _is_county(request.user),
        "parts": selectors.job_parts(obj),
    }
    return render(request, template, context)


MONTH_DONE = {
    "submit": "已上报。县平安办锁定前，如需修改可撤回上报。",
    "withdraw": "已撤回上报，修改后可重新上报。",
    "lock": "已锁定，该月不再重新计算。",
    "unlock": "已解锁，可重新计算。",
}


def _month_service(request, action: str, region: Region, month: datetime.date, note: str):
    """The service an action of the month form names (the note is the withdrawal's or unlock's reason)."""
    actor = request.user
    if action == "submit":
        return services.month_submit(actor=actor, region=region, month=month, note=note)
    if action == "withdraw":
        return services.month_withdraw(actor=actor, region=region, month=month, reason=note)
    if action == "lock":
        return services.month_lock(
            actor=actor,
            region=region,
            month=month,
            note=note,
            confirm_unsubmitted=request.POST.get("confirm_unsubmitted") == "1",
        )
    return services.month_unlock(actor=actor, region=region, month=month, reason=note)


def _lock_confirmation(request, region: Region, month: datetime.date, note: str, townships) -> dict:
    """The 确认锁定 page's context: the townships not yet submitted, with their last change."""
    board = selectors.township_submissions(region=region, month=month)
    entries = {e.region.pk: e for e in board.entries}
    context = _base_context(request, region, month)
    context.update(
        {
            "title": "确认锁定",
            "note": note,
            "board": board,
            "unsubmitted": [
                {"region": township, "label": label, "entry": entries.get(township.pk)} for township, label in townships
            ],
        }
    )
    return context


def _back(request, region: Region, month: datetime.date) -> str:
    """Where the month form returns to: its own ?back= (a path on this site), else the overview."""
    back = request.POST.get("back") or f"{reverse('dashboards:overview')}?region={region.code}&month={month:%Y-%m}"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("dashboards:overview")
    return back


@require_POST
def month_action(request):
    """上报 / 撤回上报 / 锁定 / 解锁 a month. A lock with townships not yet submitted answers with a
    warning page listing them; only its "仍要锁定" (confirm_unsubmitted=1) locks."""
    region = region_of(request)
    month = parse_month(request.POST.get("month"))
    action = request.POST.get("action")
    if month is None or action not in MONTH_DONE:
        raise Http404
    note = request.POST.get("note", "")[:300]
    try:
        _month_service(request, action, region, month, note)
    except services.UnsubmittedTownships as exc:
        return render(
            request, "dashboards/month_lock.html", _lock_confirmation(request, region, month, note, exc.townships)
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, MONTH_DONE[action])
    return HttpResponseRedirect(_back(request, region, month))


def month_submit(request):
    """The township clerk's 上报 page: the month's summary first, then 确认上报 (or 撤回上报)."""
    region = region_of(request)
    raw = request.GET.get("month")
    month = parse_month(raw) if raw else month_of(request, region)
    if month is None:
        raise Http404
    try:
        services.require_month_submitter(actor=request.user, region=region)
    except ServiceError as exc:  # not a township
        raise Http404(str(exc)) from None
    board = selectors.township_submissions(region=region, month=month)
    panels = submit_panels(user=request.user, region=region, month=month)
    context = _base_context(request, region, month)
    context.update(
        {
            "title": "月度上报",
            "panels": panels,
            "submit_blocked": any(p.get("blocks_submit") for p in panels),
            "summary": selectors.month_submit_summary(user=request.user, region=region, month=month),
            "own": board.entries[0],
            "future": month > timezone.localdate().replace(day=1),
            "current": month == timezone.localdate().replace(day=1),
        }
    )
    return render(request, "dashboards/month_submit.html", context)


def subject_history(request, subject_id: int):
    """A subject's months (linked from the subject page)."""
    subject = get_object_or_404(Subject.objects.for_user(request.user), pk=subject_id)
    rows = SubjectMonth.objects.for_user(request.user).filter(subject=subject).order_by("-month")[:36]
    return render(
        request,
        "dashboards/subject_history.html",
        {"title": f"{subject.name} 月度达标", "subject": subject, "rows": rows},
    )


def late_changes(request):
    region = region_of(request)
    month = month_of(request, region)
    status, changes = selectors.late_changes(user=request.user, region=region, month=month)
    context = _base_context(request, region, month)
    context.update({"title": "锁定后的台账变更", "changes": changes, "locked": status})
    return render(request, "dashboards/late_changes.html", context)


def targets(request):
    """年度目标: county staff set each group's rate for the county and, where it differs, a township."""
    region = region_of(request)
    year = year_of(request)
    regions = selectors.target_regions(user=request.user, region=region)
    form = TargetsForm(
        request.POST if request.method == "POST" else None,
        regions=regions,
        targets=selectors.year_targets(year=year, regions=regions),
    )
    if request.method == "POST":
        if not _is_county(request.user):
            raise PermissionDenied("只有县平安办可以设置年度目标。")
        if not form.is_valid():
            messages.error(request, "部分目标格式不正确，未保存任何修改。")
        else:
            try:
                services.targets_set(actor=request.user, year=year, region=region, rates=form.rates())
            except ServiceError as exc:
                messages.error(request, f"{exc}未保存任何修改。")
            else:
                messages.success(request, f"{year}年度目标已保存。重新计算后，达标统计按新目标比较。")
                return HttpResponseRedirect(f"{reverse('dashboards:targets')}?region={region.code}&year={year}")
    this_year = timezone.localdate().year
    return render(
        request,
        "dashboards/targets.html",
        {
            "title": "年度目标",
            "region": region,
            "year": year,
            "rows": form.rows(),
            "is_county": _is_county(request.user),
            "groups": TargetGroup.choices,
            "years": range(this_year - 2, this_year + 2),
        },
    )


def _rule_region(request) -> Region:
    """The county (or city, province) whose rules the page shows: the chosen region, or the user's,
    walked up to the nearest level that sets rules (a township uses its county's)."""
    region = region_of(request)
    if region.level in services.RULE_LEVELS:
        return region
    for ancestor in reversed(region.ancestors()):
        if ancestor.level in services.RULE_LEVELS:
            return ancestor
    return region


def rules(request):
    """达标规则: per county and group, a preset (山西口径, 现行默认口径) or custom predicates; a change makes
    the county's next version, snapshots keep theirs."""
    region = _rule_region(request)
    editable = (
        _is_county(request.user)
        and region.level in services.RULE_LEVELS
        and Region.objects.for_user(request.user).filter(pk=region.pk).exists()
    )
    posting = request.method == "POST"
    group = request.POST.get("group") if posting else None
    preset_form = RulePresetForm(request.POST) if posting and request.POST.get("preset") else None
    entries = {}
    for g, label in TargetGroup.choices:
        current = RuleSet.current(g, region)
        bound = g == group and preset_form is None
        entries[g] = {
            "label": label,
            "current": current,
            "group": g,
            "inherited": current.region_id != region.pk,
            "form": RuleSetForm(request.POST if bound else None, instance=current, prefix=g),
        }
    if posting:
        if not editable:
            raise PermissionDenied("只有县平安办可以调整本县的达标规则。")
        if group not in entries or (preset_form is not None and not preset_form.is_valid()):
            raise Http404
        entry = entries[group]
        form = preset_form if preset_form is not None else entry["form"]
        if form.is_valid():
            try:
                new = services.ruleset_update(actor=request.user, group=group, region=region, **form.update_kwargs())
            except ServiceError as exc:
                if preset_form is not None:
                    entry["preset_error"] = str(exc)
                else:
                    form.add_error("reason", str(exc))
            else:
                if new.pk == entry["current"].pk:
                    messages.info(request, "规则没有变化。")
                else:
                    messages.success(
                        request,
                        f"{region.name}{entry['label']}规则已更新为第{new.version}版"
                        f"（{new.get_preset_display()}）；重新计算后生效，已锁定月份不受影响。",
                    )
                return HttpResponseRedirect(f"{reverse('dashboards:rules')}?region={region.code}")
    return render(
        request,
        "dashboards/rules.html",
        {
            "title": "达标规则",
            "region": region,
            "forms": entries.values(),
            "editable": editable,
            "presets": [{"key": k, "label": RulePreset(k).label, "note": PRESET_NOTES[k]} for k in PRESETS],
            "versions": selectors.rule_versions(region=region),
            "is_county": _is_county(request.user),
        },
    )


# --- the home page's work-queue cards (sanzero.registry.register_home_task) ------------------------


def _home_month(user, region: Region) -> datetime.date:
    """The month the home page speaks of: the region's latest computed month (what 上报 and the
    dashboard open on), else this month."""
    return selectors.latest_month(user=user, region=region) or timezone.localdate().replace(day=1)


def submission_home_task(user) -> dict | None:
    """A township clerk's 月度上报 card: the month's state for each township in scope (4 queries each)."""
    from sanzero.roles import Role
    from units.selectors import scope_roots

    if user_scope(user).role != Role.CLERK:
        return None
    items = []
    for township in [r for r in scope_roots(user) if r.level == RegionLevel.TOWNSHIP]:
        month = _home_month(user, township)
        own = selectors.township_submissions(region=township, month=month).entries[0]
        lock = selectors.month_status(region=township, month=month)
        locked = lock is not None and lock.status == lock.Status.LOCKED
        state = "已锁定" if locked else own.label
        todo = not locked and not own.submitted
        items.append(
            {
                "label": f"{township.name} {month:%Y年%-m月}",
                "url": f"{reverse('dashboards:month_submit')}?region={township.code}&month={month:%Y-%m}",
                "note": f"{state}" + ("，请核对本月数据后上报" if todo else ""),
                "colour": "yellow" if todo else "",
                "state": state,
            }
        )
    if not items:
        return None
    waiting = sum(1 for i in items if i["colour"])
    return home_card(
        "submission",
        "本月上报",
        "bi-send",
        items[0]["url"],
        items,
        count=None,
        order=5,
        state=items[0]["state"] if len(items) == 1 else f"未上报 {waiting}",
        state_colour="yellow" if waiting else "",
    )


def _county_region(user) -> Region | None:
    from units.selectors import default_region_for

    if not _is_county(user):
        return None
    region = default_region_for(user)
    if region is None or LEVEL_PREFIX_LENGTH[region.level] >= LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP]:
        return None
    return region


def unsubmitted_home_task(user) -> dict | None:
    """County staff: the townships that have not yet submitted the month (3 queries)."""

    region = _county_region(user)
    if region is None:
        return None
    month = _home_month(user, region)
    board = selectors.township_submissions(region=region, month=month)
    overview = f"{reverse('dashboards:overview')}?month={month:%Y-%m}"
    items = [
        {
            "label": e.region.name,
            "url": f"{overview}&region={e.region.code}",
            "note": e.label,
            "colour": "yellow",
        }
        for e in board.unsubmitted
    ]
    return home_card(
        "unsubmitted",
        f"{month:%Y年%-m月}未上报的乡镇(街道)",
        "bi-hourglass-split",
        f"{overview}&region={region.code}#submissions",
        items,
        count=len(items),
        empty=f"{region.name}全部{board.total}个乡镇(街道)已上报。" if board.total else "没有下辖乡镇(街道)。",
        order=5,
    )


def below_target_home_task(user) -> dict | None:
    """County staff: the children below a group's yearly target, from the month's snapshots (one query)."""
    from sanzero.rates import percent_text

    region = _county_region(user)
    if region is None:
        return None
    month = _home_month(user, region)
    entries = selectors.ranking_entries(user=user, region=region, month=month)
    below = [e for e in entries if e["below"]]
    failing = f"{reverse('dashboards:failing')}?month={month:%Y-%m}&period=ytd&outcome=failed"
    items = []
    for e in below:
        parts = [
            f"{label} {percent_text(row.rate)}（目标 {percent_text(row.target)}）"
            for label, row in (("村(社区)", e["village"]), ("单位(企业)", e["unit"]))
            if row is not None and row.gap is not None and row.gap < 0
        ]
        items.append(
            {
                "label": e["region"].name,
                "url": f"{failing}&region={e['region'].code}",
                "note": "；".join(parts),
                "colour": "red",
            }
        )
    return home_card(
        "below_target",
        f"未达年度目标的下级区划（{month:%Y年%-m月}年度累计）",
        "bi-graph-down-arrow",
        f"{reverse('dashboards:ranking')}?region={region.code}&month={month:%Y-%m}",
        items,
        count=len(items),
        empty="各下级区划年度累计达标率均达到目标。" if entries else f"{month:%Y年%-m月}尚未计算快照。",
        order=6,
    )


def lock_home_task(user) -> dict | None:
    """County staff: whether the month is locked (one query)."""
    region = _county_region(user)
    if region is None:
        return None
    month = _home_month(user, region)
    status = selectors.month_status(region=region, month=month)
    locked = status is not None and status.status == status.Status.LOCKED
    state = "已锁定" if locked else "未锁定"
    note = (
        f"{status.region.name}已锁定{f'：{status.note}' if status.note else ''}，该月不再重新计算"
        if locked
        else "全部乡镇(街道)上报并核对后，可在达标统计页锁定"
    )
    url = f"{reverse('dashboards:overview')}?region={region.code}&month={month:%Y-%m}"
    return home_card(
        "lock",
        f"{month:%Y年%-m月}锁定状态",
        "bi-lock" if locked else "bi-unlock",
        url,
        [{"label": f"{region.name} {month:%Y年%-m月}", "url": url, "note": note, "colour": ""}],
        count=None,
        order=7,
        state=state,
        state_colour="" if locked else "yellow",
    )
