"""Writes for disputes and the mediation ladder; every function takes the acting user and is audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from ledger.services import entry_create, entry_update
from ledger.workflow import require_role, transition_run
from sanzero.models import DeadlineSettings
from sanzero.roles import Role
from sanzero.services import ServiceError, audited_delete, audited_save, model_update

from .models import Dispute, DisputeMonthReport, MediationLevel, overall_due, report_due_on, tier_from_name
from .workflow import DISPUTE_WORKFLOW

DISPUTE_FIELDS = (
    "subject",
    "found_on",
    "category",
    "summary",
    "source",
    "parties",
    "people_count",
    "risk_colour",
    "is_major",
    "handling_tier",
    "mediated_on",
    "remarks",
)
# Derived fields the update service may move along with found_on (never typed in).
DERIVED_FIELDS = ("overall_due_on", "level_started_on")
LADDER_ROLES = frozenset({Role.ADMIN, Role.COUNTY})
# transition_run appends the note to the audit reason, and simple-history keeps that reason in a
# varchar(100) column (PostgreSQL refuses longer text). The full text goes into the dispute's own
# fields; the audit reason gets at most this much of it.
AUDIT_NOTE_CHARS = 60


def dispute_create(*, actor, data: dict, steps=()) -> Dispute:
    """Register a dispute at the ladder's first level (or the level it was pushed to); ``steps`` take it
    on along the workflow before it is saved (an imported 已化解 dispute)."""
    data = dict(data)
    ladder = list(MediationLevel.objects.order_by("order"))
    if not ladder:
        raise ServiceError("尚未设置调解层级，请县平安办先在“调解层级设置”中设置后再登记。")
    level = data.get("level") or ladder[0]
    data.update(
        level=level,
        handling_tier=data.get("handling_tier") or level.tier,
        level_days=level.working_days,
        level_started_on=data.get("found_on"),
        overall_due_on=overall_due(data["found_on"], sum(x.working_days for x in ladder))
        if data.get("found_on")
        else None,
    )
    return entry_create(actor=actor, model=Dispute, data=data, rules=DeadlineSettings.current(), steps=steps)


def dispute_update(*, actor, obj: Dispute, data: dict, expected_version: int | None = None) -> list[str]:
    data = {k: v for k, v in data.items() if k in DISPUTE_FIELDS}
    if "handling_tier" in data and not data["handling_tier"]:
        data["handling_tier"] = obj.level.tier
    found_on = data.get("found_on")
    if found_on and found_on != obj.found_on:
        data["overall_due_on"] = overall_due(found_on)
        if not obj.escalations.exists():
            data["level_started_on"] = found_on  # still at the level it started on: it started that day
        elif found_on > obj.level_started_on:
            raise ServiceError(f"登记日期不能晚于最近一次升级日期（{obj.level_started_on:%Y-%m-%d}）。")
    return entry_update(
        actor=actor,
        obj=obj,
        data=data,
        fields=DISPUTE_FIELDS + DERIVED_FIELDS,
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


def dispute_transition(
    *, actor, obj: Dispute, name: str, data: dict | None = None, expected_version: int | None = None
) -> Dispute:
    data = dict(data or {})
    note = str(data.get("note") or "").strip()
    if len(note) > AUDIT_NOTE_CHARS:
        data["_full_note"], data["note"] = note, note[: AUDIT_NOTE_CHARS - 1] + "…"
    return transition_run(
        actor=actor,
        obj=obj,
        workflow=DISPUTE_WORKFLOW,
        name=name,
        data=data,
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


# --- the mediation ladder (县平安办 settings) -------------------------------------------------------


def _check_ladder_role(actor) -> None:
    require_role(actor, LADDER_ROLES, "只有县平安办和系统管理员可以设置调解层级。")


def level_create(*, actor, data: dict) -> MediationLevel:
    _check_ladder_role(actor)
    with transaction.atomic():
        level = MediationLevel(**data)
        level.tier = level.tier or tier_from_name(level.name or "")
        level.full_clean()
        audited_save(level, actor=actor, reason=f"新增调解层级“{level.name}”（{level.working_days}个工作日）")
    return level


def level_update(*, actor, obj: MediationLevel, data: dict, expected_version: int | None = None) -> list[str]:
    """Change a level. Disputes already at that level keep the limit they started with (it is stored
    on the dispute); the new limit applies to disputes that reach the level from now on."""
    _check_ladder_role(actor)
    data = {k: v for k, v in data.items() if k != "tier" or v}  # not chosen: keep it
    return model_update(
        instance=obj,
        data=data,
        fields=("order", "name", "working_days", "tier"),
        actor=actor,
        expected_version=expected_version,
        reason=f"修改调解层级“{obj.name}”",
    )


def level_delete(*, actor, obj: MediationLevel) -> None:
    _check_ladder_role(actor)
    if MediationLevel.objects.count() <= 1:
        raise ServiceError("调解层级至少保留一级。")
    in_use = Dispute.objects.filter(level=obj).count()
    if in_use:
        raise ServiceError(f"“{obj.name}”正被{in_use}件矛盾纠纷使用，不能删除；可修改其名称或时限。")
    try:
        with transaction.atomic():
            audited_delete(obj, actor=actor, reason=f"删除调解层级“{obj.name}”")
    except ProtectedError:
        raise ServiceError(f"“{obj.name}”已出现在矛盾纠纷的升级记录中，不能删除；可修改其名称或时限。")


# --- 矛盾纠纷排查情况表 报送 (reports/paicha.py builds the table) ----------------------------------------

MONTH_REPORT_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK})


def month_report_submit(*, actor, region, month: datetime.date) -> DisputeMonthReport:
    """报送 the region's 排查情况表 of ``month`` (a township's to the county, due on the 5th of the next
    month). Once the month is over; again after a correction (the first time stays, the times count)."""
    from units.models import Region, RegionLevel

    require_role(actor, MONTH_REPORT_ROLES, "只有乡镇(街道)录入员、县平安办和系统管理员可以报送排查情况表。")
    if not Region.objects.for_user(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(f"“{region.name}”不在您的管辖范围内。")
    if region.level not in (RegionLevel.TOWNSHIP, RegionLevel.COUNTY):
        raise ServiceError("只有乡镇(街道)和县的矛盾纠纷排查情况表需要报送。")
    month = month.replace(day=1)
    due = report_due_on(month)
    label = f"{month.year}年{month.month}月"
    if due.replace(day=1) > timezone.localdate():
        raise ServiceError(f"{label}尚未结束，月末后才能报送（报送期限为{due.year}年{due.month}月{due.day}日）。")
    now = timezone.now()
    with transaction.atomic():
        report = DisputeMonthReport.objects.select_for_update().filter(region=region, month=month).first()
        if report is None:
            report = DisputeMonthReport(
                region=region, month=month, first_submitted_at=now, submitted_at=now, submitted_by=actor
            )
            late = report.late_days
            reason = f"报送{label}矛盾纠纷排查情况表" + (f"（逾期{late}天）" if late else "")
        else:
            report.submitted_at, report.submitted_by = now, actor
            report.times += 1
            report.version += 1
            reason = f"重新报送{label}矛盾纠纷排查情况表（第{report.times}次）"
        report.full_clean()
        audited_save(report, actor=actor, reason=reason)
    return report
