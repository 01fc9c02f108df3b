"""Writes for petitions; every function takes the acting user and is audited (via the ledger kernel)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import DeadlineSettings
from sanzero.services import ServiceError
from sanzero.validators import normalize_phone

from .choices import Satisfaction
from .models import LEGAL_MAX_EXTENSION_DAYS, Petition
from .workflow import PETITION_WORKFLOW

PETITION_FIELDS = ("subject", "received_on", "channel", "type", "petitioner_name", "id_number", "phone",
                   "headcount", "level_reached", "is_skip_level", "is_abnormal", "content", "agent_level", "agent_name")
DEADLINE_FIELDS = ("notify_due", "handle_due")


def _normalized(data: dict) -> dict:
    """The same cleaning whoever calls (form, Excel import): ID upper-case, phone without +86/spaces."""
    data = dict(data)
    if "id_number" in data:
        data["id_number"] = (data["id_number"] or "").strip().upper()
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"] or "")
    for name in ("petitioner_name", "agent_name"):
        if name in data:
            data[name] = (data[name] or "").strip()
    return data


def petition_create(*, actor, data: dict) -> Petition:
    rules = DeadlineSettings.current()
    data = _normalized(data)
    probe = Petition(received_on=data.get("received_on"), extended_days=0)
    return entry_create(actor=actor, model=Petition, data={**data, **probe.deadlines(rules)}, rules=rules)


def petition_update(*, actor, obj: Petition, data: dict, expected_version: int | None = None) -> list[str]:
    """Edit the registration fields. The deadlines move only when the received date does: a correction
    elsewhere never re-applies settings the county changed after the petition was registered."""
    rules = DeadlineSettings.current()
    data = _normalized(data)
    fields = list(PETITION_FIELDS)
    if "received_on" in data and data["received_on"] != obj.received_on:
        probe = Petition(received_on=data["received_on"], extended_days=obj.extended_days)
        data.update(probe.deadlines(rules))
        fields += DEADLINE_FIELDS
    return entry_update(actor=actor, obj=obj, data=data, fields=fields, expected_version=expected_version,
                        rules=rules)


def _not_future(day, label: str) -> None:
    if day is None:
        raise ServiceError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。")


def _apply(petition: Petition, transition, data: dict) -> list[str]:
    # The kernel checked status and version on the locked row but hands us the caller's copy: re-read
    # the fields these rules depend on, so a stale copy can never extend twice or notify twice.
    petition.refresh_from_db(fields=["received_on", "notified_on", "extended_days", "extension_reason",
                                     "handle_due", "replied_on"])
    rules = data["_rules"]
    if transition.name == "notify":
        if petition.notified_on is not None:
            raise ServiceError(f"已于{petition.notified_on:%Y-%m-%d}告知信访人，不能重复登记告知。")
        day = data.get("notified_on")
        _not_future(day, "告知日期")
        if day < petition.received_on:
            raise ServiceError("告知日期不能早于登记日期。")
        petition.notified_on = day
        return ["notified_on"]
    if transition.name == "extend":
        if petition.extended_days:
            raise ServiceError(f"该信访已延期{petition.extended_days}日，按信访工作条例第三十四条只能延期一次。")
        max_days = min(rules.petition_extend_max_days, LEGAL_MAX_EXTENSION_DAYS)
        days = data.get("days")
        if not isinstance(days, int) or not 1 <= days <= max_days:
            raise ServiceError(f"延期天数应为1至{max_days}日。")
        reason = (data.get("reason") or "").strip()
        if not reason:
            raise ServiceError("延期须说明理由。")
        today = timezone.localdate()
        if petition.handle_due and today > petition.handle_due:
            raise ServiceError(f"办结期限（{petition.handle_due:%Y-%m-%d}）已过，不能再申请延期，请尽快办结。")
        petition.extended_days = days
        petition.extension_reason = reason
        if petition.handle_due is None:
            petition.handle_due = petition.deadlines(rules)["handle_due"]
        else:
            petition.handle_due += datetime.timedelta(days=days)
        return ["extended_days", "extension_reason", "handle_due"]
    if transition.name == "reply":
        day = data.get("replied_on")
        _not_future(day, "答复日期")
        if day < petition.received_on:
            raise ServiceError("答复日期不能早于登记日期。")
        petition.replied_on = day
        petition.reply_note = (data.get("note") or "").strip()
        return ["replied_on", "reply_note"]
    if transition.name == "close":
        satisfaction = data.get("satisfaction") or ""
        if satisfaction not in Satisfaction.values:
            raise ServiceError("办结须填写信访人满意度（满意、基本满意或不满意）。")
        day = data.get("closed_on")
        _not_future(day, "办结日期")
        if day < (petition.replied_on or petition.received_on):
            raise ServiceError("办结日期不能早于答复日期。")
        petition.closed_on = day
        petition.satisfaction = satisfaction
        return ["closed_on", "satisfaction"]
    return []


def petition_transition(*, actor, obj: Petition, name: str, data: dict | None = None,
                        expected_version: int | None = None) -> Petition:
    rules = DeadlineSettings.current()
    data = {**(data or {}), "_rules": rules}
    if name == "extend" and data.get("reason"):
        data["note"] = data["reason"]  # the audit row says why (transition_run appends the note)
    return transition_run(actor=actor, obj=obj, workflow=PETITION_WORKFLOW, name=name, data=data,
                          expected_version=expected_version, apply=_apply, rules=rules)
