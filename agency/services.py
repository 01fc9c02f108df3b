"""Writes of 书记代办 records; each takes the acting user, runs in one transaction and is audited
(django-simple-history, with the reason shown on the record's page)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ledger.workflow import require_role
from sanzero.roles import PERMISSIONS
from sanzero.services import ServiceError, audited_save, full_clean, model_update

from .choices import NEXT_LEVEL, AgencyOutcome, AgencySource, AgencyStatus, SecretaryLevel
from .models import Agency

#: what the 登记/修改 form edits (the outcome is the 办结 step's, the level moves by 逐级上报 too)
AGENCY_FIELDS = ("source", "assigned_by", "included", "not_included_reason", "level", "secretary", "taken_on")


def _roles(action: str) -> frozenset[str]:
    return PERMISSIONS.get(Agency._meta.label_lower, {}).get(action, frozenset())


def _matter_label(matter) -> str:
    return "信访登记日期" if matter._meta.model_name == "petition" else "纠纷登记日期"


def _matter_date(matter) -> datetime.date:
    return matter.received_on if matter._meta.model_name == "petition" else matter.found_on


def _check_day(day, label: str, *, not_before: datetime.date, before_label: str) -> None:
    if day is None:
        raise ServiceError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。")
    if day < not_before:
        raise ServiceError(f"{label}不能早于{before_label}（{not_before:%Y-%m-%d}）。")


def _cleaned(data: dict) -> dict:
    """One reading of the form's fields whoever calls: a record not taken on has no secretary, one taken
    on no reason for not being taken on; 本级自查 is always taken on."""
    data = dict(data)
    for name in ("assigned_by", "not_included_reason", "secretary"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if data.get("source") == AgencySource.SELF_CHECK:
        data["included"] = True
        data["assigned_by"] = ""
    if data.get("included", True):
        data["not_included_reason"] = ""
    else:
        data["level"], data["secretary"] = "", ""
    return data


def _status_of(included: bool, finished_on) -> str:
    if not included:
        return AgencyStatus.NOT_TAKEN
    return AgencyStatus.DONE if finished_on else AgencyStatus.HANDLING


def agency_create(*, actor, data: dict) -> Agency:
    """A secretary takes a petition or a dispute on (or an 上级交办 matter is recorded as not taken on).
    ``data`` names the matter as ``petition`` or ``dispute``; the actor must be able to change it."""
    require_role(actor, _roles("add"), "您的角色不能登记书记代办。")
    matter = data.get("petition") or data.get("dispute")
    if matter is None or (data.get("petition") and data.get("dispute")):
        raise ServiceError("书记代办须对应一件信访事项或一件矛盾纠纷。")
    if not type(matter).objects.for_user(actor, "change").filter(pk=matter.pk).exists():
        raise PermissionDenied("该事项不在您可修改的范围内。")
    data = _cleaned(data)
    with transaction.atomic():
        if Agency.objects.select_for_update().filter(**{matter._meta.model_name: matter}).exists():
            raise ServiceError("该事项已登记书记代办，请在原记录上修改。")
        _check_day(
            data.get("taken_on"), "列入日期", not_before=_matter_date(matter), before_label=_matter_label(matter)
        )
        obj = Agency(**{f: data[f] for f in AGENCY_FIELDS if f in data}, **{matter._meta.model_name: matter})
        obj.status = _status_of(obj.included, None)
        obj.created_by = actor if getattr(actor, "is_authenticated", False) else None
        full_clean(obj)
        reason = f"登记书记代办（{obj.get_source_display()}）" if obj.included else "登记上级交办事项（未纳入代办）"
        audited_save(obj, actor=actor, reason=reason)
    return obj


def _changeable(actor, obj: Agency) -> None:
    if not Agency.objects.for_user(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDenied("您没有权限修改该书记代办记录。")


def agency_update(*, actor, obj: Agency, data: dict, expected_version: int | None = None) -> list[str]:
    """Correct the record (source, who, when, taken on or not). The level also moves by 逐级上报."""
    _changeable(actor, obj)
    data = _cleaned({**{f: getattr(obj, f) for f in AGENCY_FIELDS}, **data})
    included = data["included"]
    if obj.status == AgencyStatus.DONE and not included:
        raise ServiceError("已办结的代办不能改为未纳入代办。")
    if "taken_on" in data and data["taken_on"] != obj.taken_on:
        _check_day(
            data["taken_on"], "列入日期", not_before=_matter_date(obj.matter), before_label=_matter_label(obj.matter)
        )
        if obj.finished_on and data["taken_on"] > obj.finished_on:
            raise ServiceError(f"列入日期不能晚于办结日期（{obj.finished_on:%Y-%m-%d}）。")
    data["status"] = _status_of(included, obj.finished_on)
    return model_update(
        instance=obj,
        data=data,
        fields=[*AGENCY_FIELDS, "status"],
        actor=actor,
        expected_version=expected_version,
        reason="修改书记代办",
    )


def agency_escalate(*, actor, obj: Agency, data: dict, expected_version: int | None = None) -> list[str]:
    """逐级上报: the secretary's level cannot settle the matter; the next level's secretary takes it on."""
    _changeable(actor, obj)
    if obj.status != AgencyStatus.HANDLING:
        raise ServiceError(f"该代办{obj.get_status_display()}，不能逐级上报。")
    upper = NEXT_LEVEL.get(obj.level)
    if upper is None:
        raise ServiceError("市委书记代办的事项已是最高一级，不能再上报。")
    secretary = (data.get("secretary") or "").strip()
    if not secretary:
        raise ServiceError(f"请填写接办的{SecretaryLevel(upper).label}姓名。")
    day = data.get("on")
    _check_day(day, "上报日期", not_before=obj.taken_on, before_label="列入日期")
    note = (data.get("note") or "").strip()
    reason = (
        f"逐级上报：{obj.get_level_display()}{obj.secretary}本级未能解决，{day:%Y-%m-%d}上报"
        f"{SecretaryLevel(upper).label}{secretary}代办" + (f"。{note}" if note else "")
    )
    return model_update(
        instance=obj,
        data={"level": upper, "secretary": secretary},
        fields=["level", "secretary"],
        actor=actor,
        expected_version=expected_version,
        reason=reason,
    )


def agency_finish(*, actor, obj: Agency, data: dict, expected_version: int | None = None) -> list[str]:
    """办结: the date, the outcome (已解决, 部分解决, 未解决) and what was done."""
    _changeable(actor, obj)
    if obj.status != AgencyStatus.HANDLING:
        raise ServiceError(f"该代办{obj.get_status_display()}，不能办结。")
    outcome = data.get("outcome") or ""
    if outcome not in AgencyOutcome.values:
        raise ServiceError("请选择办理结果（已解决、部分解决或未解决）。")
    day = data.get("finished_on")
    _check_day(day, "办结日期", not_before=obj.taken_on, before_label="列入日期")
    note = (data.get("note") or "").strip()
    return model_update(
        instance=obj,
        data={"finished_on": day, "outcome": outcome, "outcome_note": note, "status": AgencyStatus.DONE},
        fields=["finished_on", "outcome", "outcome_note", "status"],
        actor=actor,
        expected_version=expected_version,
        reason=f"办结：{AgencyOutcome(outcome).label}" + (f"。{note}" if note else ""),
    )
