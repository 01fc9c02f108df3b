"""Writes for the dashboards app: computations, overrides, month submission and locking, targets, rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from sanzero import jobs
from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.services import ServiceError, audited_save, require
from units.models import Region, RegionLevel, TargetGroup

from . import compute, fanout
from .extensions import run_submit_checks
from .models import (
    PRESETS,
    RULE_FIELDS,
    MonthStatus,
    OverrideLog,
    Period,
    RulePreset,
    RuleSet,
    SnapshotJob,
    SubjectMonth,
    Target,
    preset_of,
)
from .selectors import state_label, townships_of

COUNTY_ROLES = frozenset({Role.ADMIN, Role.COUNTY})


def _role(actor) -> str | None:
    return user_scope(actor).role


def _require_county(actor, message: str) -> None:
    require(_role(actor) in COUNTY_ROLES, message)


def _require_region(actor, region: Region) -> None:
    require(Region.objects.for_user(actor).filter(pk=region.pk).exists(), "该区划不在您的管辖范围内。")


def snapshot_request(
    *, actor, region: Region, month: datetime.date, last_month: datetime.date | None = None
) -> SnapshotJob:
    """County staff start a recomputation of a month, or of the months month … last_month (a year: the
    locked ones among them are skipped); the task is sent after commit and reports progress. A city or
    province, or several months, are computed as per-county parts (dashboards.fanout)."""
    _require_county(actor, "只有县平安办可以发起重新计算。")
    _require_region(actor, region)
    month = month.replace(day=1)
    last_month = last_month.replace(day=1) if last_month else None
    if last_month is not None and not (month <= last_month and last_month.year == month.year):
        raise ServiceError("重新计算的月份范围应在同一年内。")
    if last_month == month:
        last_month = None
    if last_month is None:
        locked = compute.lock_for(region, month)
        if locked is not None:
            raise ServiceError(f"{locked.region.name} {month:%Y年%m月}已锁定，不能重新计算。")
    job = SnapshotJob.objects.create(region=region, month=month, last_month=last_month, requested_by=actor)
    jobs.dispatch(job, compute_snapshots_task, job.pk)  # fails the job at once when the broker is down
    return job


def snapshot_run_job(*, job_id: int) -> SnapshotJob:
    """The task body: claim → compute → finish (已完成, or 已拒绝 for a month locked meanwhile) / fail.
    A second delivery of the task finds the job claimed and does nothing."""
    job = SnapshotJob.objects.select_related("region").get(pk=job_id)
    if not jobs.claim(job, progress=5):
        return job
    with jobs.fail_on_error(job, "计算失败：{exc}"):
        if fanout.wanted(job):  # per-county parts; the last one finishes the job
            fanout.start(job)
            job.refresh_from_db()
            return job
        try:
            result = compute.compute_month(
                region=job.region, month=job.month, progress=lambda pct: jobs.progress(job, pct)
            )
        except compute.MonthLocked as exc:
            jobs.finish(job, status=SnapshotJob.Status.REFUSED, message=str(exc), progress=job.progress)
        else:
            jobs.finish(
                job,
                message=f"已计算{result.subjects}个主体、{result.regions}个区划，用时{result.seconds:.1f}秒。",
                subject_count=result.subjects,
                region_count=result.regions,
                seconds=result.seconds,
            )
    return job


@shared_task(name="dashboards.compute_snapshots", **jobs.task_options())
def compute_snapshots_task(job_id: int) -> str:
    return snapshot_run_job(job_id=job_id).status


@dataclass
class OverrideResult:
    row: SubjectMonth
    refresh: compute.Refresh

    def message(self) -> str:
        """What the county user is told: which months moved, which locked months did not."""
        row, months, locked = self.row, self.refresh.updated, self.refresh.locked
        later = [m for m in months if m > row.month]
        parts = []
        if later:
            parts.append(
                f"{later[0]:%Y年%-m月}至{later[-1]:%-m月}的年度累计已随之更新"
                if len(later) > 1
                else f"{later[0]:%Y年%-m月}的年度累计已随之更新"
            )
        if locked:
            parts.append("、".join(f"{m:%-m月}" for m in locked) + "已锁定，未改变")
        return "；".join(parts)


@transaction.atomic
def subject_month_override(
    *, actor, subject_month: SubjectMonth, passed: bool | None, reason: str, period: str = Period.MONTH
) -> OverrideResult:
    """County staff override one subject's verdict for a month, with a reason; audited.

    ``period`` says which verdict: 本月 (the month alone; through it the 年度累计 of this and later
    months) or 年度累计 (the one targets and the committee report use; it carries into the later months'
    年度累计 until another 年度累计 override). The subject's rows from this month to December are
    recomputed at once and its regions' counts move with them; locked months are left alone.
    """
    _require_county(actor, "只有县平安办可以人工认定达标情况。")
    require(SubjectMonth.objects.for_user(actor).filter(pk=subject_month.pk).exists(), "该主体不在您的管辖范围内。")
    if period not in Period.values:
        raise ServiceError("认定范围应为“本月”或“年度累计”。")
    region = subject_month.region
    if compute.lock_for(region, subject_month.month):
        raise ServiceError("该月份已锁定，不能修改认定。请先解锁。")
    reason = (reason or "").strip()
    if passed is not None and not reason:
        raise ServiceError("人工认定必须填写理由。")
    pre = "ytd_" if period == Period.YTD else ""
    setting = passed is not None
    SubjectMonth.objects.filter(pk=subject_month.pk).update(
        **{
            f"{pre}override_passed": passed,
            f"{pre}override_reason": reason if setting else "",
            f"{pre}override_by": actor if setting else None,
            f"{pre}override_at": timezone.now() if setting else None,
        }
    )
    OverrideLog.objects.create(
        subject_id=subject_month.subject_id,
        month=subject_month.month,
        period=period,
        passed=passed,
        reason=reason or "取消人工认定",
        by=actor,
    )
    refresh = compute.refresh_subject_year(subject_id=subject_month.subject_id, from_month=subject_month.month)
    row = SubjectMonth.objects.get(subject_id=subject_month.subject_id, month=subject_month.month)
    return OverrideResult(row, refresh)


def _root_of(region: Region) -> Region:
    ancestors = region.ancestors()
    return ancestors[0] if ancestors else region


def _month_status(region: Region, month: datetime.date) -> MonthStatus:
    """The region's month row, locked until commit; a new, unsaved one when there is none yet, so that
    its history starts with the action that creates it (see _save_status)."""
    month = month.replace(day=1)
    status = MonthStatus.objects.select_for_update().filter(region=region, month=month).first()
    return status or MonthStatus(region=region, month=month)


def _save_status(status: MonthStatus, *, actor, reason: str) -> None:
    status.version += 1
    try:
        with transaction.atomic():
            audited_save(status, actor=actor, reason=reason)
    except IntegrityError:  # two first actions on the same month at once: the other one won
        raise ServiceError("该月份的状态刚被其他用户修改，请刷新页面后重试。") from None


SUBMITTER_ROLES = frozenset({Role.ADMIN, Role.CLERK})


class UnsubmittedTownships(ServiceError):
    """A lock refused until confirmed: these townships have not submitted the month.

    `townships` is [(region, state label)] in code order; the view lists them and asks "仍要锁定".
    """

    def __init__(self, townships: list[tuple[Region, str]]):
        self.townships = townships
        super().__init__(f"{len(townships)}个乡镇(街道)尚未上报：{_names(townships)}。确认后仍可锁定。")


def _names(townships: list[tuple[Region, str]]) -> str:
    return "、".join(region.name for region, _ in townships)


def require_month_submitter(*, actor, region: Region) -> None:
    """Only a township clerk (or an administrator) submits or withdraws a township's month."""
    require(_role(actor) in SUBMITTER_ROLES, "只有乡镇录入员可以上报或撤回本乡镇月度数据。")
    _require_region(actor, region)
    if region.level != RegionLevel.TOWNSHIP:
        raise ServiceError("请选择乡镇(街道)上报。")


@transaction.atomic
def month_submit(*, actor, region: Region, month: datetime.date, note: str = "") -> MonthStatus:
    """A township submits its month (乡镇上报), after seeing its summary. Without a snapshot the
    submission is still accepted; the note and the audit reason say so."""
    from .models import ALL_GROUPS, Period, RegionMonth

    require_month_submitter(actor=actor, region=region)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ServiceError("不能上报尚未到来的月份。")
    status = _month_status(region, month)
    if status.status == MonthStatus.Status.LOCKED or compute.lock_for(region, month, below=False):
        raise ServiceError("该月份已锁定，无需上报。")
    if status.status == MonthStatus.Status.SUBMITTED:
        raise ServiceError("该月份已上报。如需修改，请先撤回上报。")
    run_submit_checks(actor=actor, region=region, month=month)  # e.g. 零报告 (declarations), registered
    note = (note or "").strip()
    snapshot = RegionMonth.objects.filter(region=region, month=month, group=ALL_GROUPS, period=Period.YTD).first()
    if snapshot is None:
        note = f"【上报时该月尚无快照数据】{note}"
        reason = f"上报{month:%Y年%m月}（上报时尚无快照数据）"
    else:
        computed = timezone.localtime(snapshot.computed_at)
        reason = (
            f"上报{month:%Y年%m月}（年度累计达标{snapshot.passed}/{snapshot.total}，数据计算于{computed:%m-%d %H:%M}）"
        )
    status.status, status.note = MonthStatus.Status.SUBMITTED, note[:300]
    _save_status(status, actor=actor, reason=reason)
    return status


@transaction.atomic
def month_withdraw(*, actor, region: Region, month: datetime.date, reason: str) -> MonthStatus:
    """The township's clerk takes a submission back (撤回上报), with a reason, until the month is locked."""
    require_month_submitter(actor=actor, region=region)
    month = month.replace(day=1)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("撤回上报必须填写原因。")
    status = _month_status(region, month)
    if status.status == MonthStatus.Status.LOCKED or compute.lock_for(region, month, below=False):
        raise ServiceError("该月份已被县平安办锁定，不能撤回上报。如需修改，请联系县平安办解锁。")
    if status.status != MonthStatus.Status.SUBMITTED:
        raise ServiceError("该月份尚未上报，无需撤回。")
    status.status, status.note = MonthStatus.Status.OPEN, reason[:300]
    _save_status(status, actor=actor, reason=f"撤回{month:%Y年%m月}上报：{reason}")
    return status


@transaction.atomic
def month_lock(
    *, actor, region: Region, month: datetime.date, note: str = "", confirm_unsubmitted: bool = False
) -> MonthStatus:
    """County staff lock a month. While a township below has not submitted, the lock is refused with
    UnsubmittedTownships unless confirmed; a confirmed lock records which townships had not."""
    _require_county(actor, "只有县平安办可以锁定月份。")
    _require_region(actor, region)
    month = month.replace(day=1)
    status = _month_status(region, month)
    if status.status == MonthStatus.Status.LOCKED:
        raise ServiceError("该月份已锁定。")
    above = compute.lock_for(region, month, below=False)
    if above is not None:
        raise ServiceError(f"该月份已随{above.region.name}锁定。")
    townships = list(townships_of(region).order_by("code"))
    # Lock the townships' rows too: a withdrawal waits for this lock and then sees it.
    rows = {s.region_id: s for s in MonthStatus.objects.select_for_update().filter(month=month, region__in=townships)}
    unsubmitted = [
        (t, state_label(rows.get(t.pk)))
        for t in townships
        if rows.get(t.pk) is None or rows[t.pk].status == MonthStatus.Status.OPEN
    ]
    if unsubmitted and not confirm_unsubmitted:
        raise UnsubmittedTownships(unsubmitted)
    note = (note or "").strip()
    if unsubmitted:
        suffix = f"（锁定时{len(unsubmitted)}个乡镇(街道)未上报：{_names(unsubmitted)}）"
        reason = f"锁定{month:%Y年%m月}，{len(unsubmitted)}个乡镇(街道)未上报：{_names(unsubmitted)}"
        note = note[: max(0, 300 - len(suffix))] + suffix
    else:
        reason = f"锁定{month:%Y年%m月}（{len(townships)}个乡镇(街道)均已上报）"
    status.status, status.note = MonthStatus.Status.LOCKED, note[:300]
    _save_status(status, actor=actor, reason=reason)
    return status


@transaction.atomic
def month_unlock(*, actor, region: Region, month: datetime.date, reason: str) -> MonthStatus:
    _require_county(actor, "只有县平安办可以解锁月份。")
    _require_region(actor, region)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("解锁必须填写理由。")
    status = _month_status(region, month)
    if status.status != MonthStatus.Status.LOCKED:
        raise ServiceError("该月份未锁定。")
    status.status, status.note = MonthStatus.Status.SUBMITTED, reason[:300]
    _save_status(status, actor=actor, reason=f"解锁{month:%Y年%m月}：{reason}")
    return status


TARGET_RATE_ERROR = "目标达标率应在0到100%之间。"


@transaction.atomic
def target_set(*, actor, year: int, region: Region, group: str, rate: Decimal) -> Target:
    _require_county(actor, "只有县平安办可以设置年度目标。")
    _require_region(actor, region)
    if not Decimal("0") <= rate <= Decimal("1"):
        raise ServiceError(TARGET_RATE_ERROR)
    return _target_write(actor=actor, year=year, region=region, group=group, rate=rate)


@transaction.atomic
def targets_set(*, actor, year: int, region: Region, rates: Iterable[tuple[Region, str, Decimal]]) -> list[Target]:
    """The 年度目标 table of a region saved at once: (region, group, rate) for the region itself and its
    children, all or nothing. Each target that changes is audited as target_set audits it."""
    _require_county(actor, "只有县平安办可以设置年度目标。")
    rates = list(rates)
    wanted = {region.pk} | {r.pk for r, _, _ in rates}
    in_scope = set(Region.objects.for_user(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    require(wanted <= in_scope, "该区划不在您的管辖范围内。")
    for r, group, rate in rates:
        if r.pk != region.pk and r.parent_id != region.pk:
            raise ServiceError(f"{r.name}不是{region.name}或其下级区划。")
        if group not in TargetGroup.values:
            raise ServiceError("未知的主体分组。")
        if not Decimal("0") <= rate <= Decimal("1"):
            raise ServiceError(f"{r.name}{TargetGroup(group).label}：{TARGET_RATE_ERROR}")
    return [_target_write(actor=actor, year=year, region=r, group=group, rate=rate) for r, group, rate in rates]


def _target_write(*, actor, year: int, region: Region, group: str, rate: Decimal) -> Target:
    target = Target.objects.filter(year=year, region=region, group=group).first()
    if target is None:
        target = Target(year=year, region=region, group=group, rate=rate)
        target.full_clean()
        audited_save(target, actor=actor, reason="设置年度目标")
    elif target.rate != rate:
        target.rate = rate
        audited_save(target, actor=actor, reason="修改年度目标", update_fields=["rate"])
    return target


RULE_LEVELS = ("province", "city", "county")


@transaction.atomic
def ruleset_update(
    *, actor, group: str, data: dict, reason: str, region: Region | None = None, preset: str | None = None
) -> RuleSet:
    """A region's rules for a group are versioned: a change (or applying a preset such as 山西口径)
    creates the region's next version; the region's subtree uses it from the next computation on, and
    snapshots keep the version they used. ``region`` None is the built-in default (administrators)."""
    _require_county(actor, "只有县平安办可以调整达标规则。")
    if region is None:
        require(_role(actor) == Role.ADMIN, "只有系统管理员可以调整系统默认规则。")
    else:
        _require_region(actor, region)
        if region.level not in RULE_LEVELS:
            raise ServiceError("达标规则按县（市、区）及以上设置，乡镇沿用所属县的规则。")
    current = RuleSet.current(group, region) if region is not None else RuleSet.default(group)
    if preset:
        if preset not in RulePreset.values or preset == RulePreset.CUSTOM:
            raise ServiceError("未知的规则预设。")
        data = dict(PRESETS[preset])
    values = {f: data.get(f, getattr(current, f)) for f in RULE_FIELDS}
    own = current.region_id == (region.pk if region is not None else None)
    if own and values == current.values():
        return current
    if not (reason or "").strip():
        raise ServiceError("调整规则必须填写原因。")
    if values["collective_headcount"] < 2:
        raise ServiceError("集体访人数标准至少为2人。")
    latest = RuleSet.objects.filter(region=region, group=group).order_by("-version").first()
    version = max(current.version, latest.version if latest else 0) + 1
    new = RuleSet(
        region=region,
        group=group,
        version=version,
        created_by=actor,
        reason=reason.strip()[:200],
        preset=preset_of(values),
        **values,
    )
    new.full_clean()
    new.save()
    return new


def check_no_department(actor) -> None:
    if _role(actor) == Role.DEPARTMENT:
        raise PermissionDenied
