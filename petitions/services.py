"""Writes for petitions; every function takes the acting user and is audited (via the ledger kernel)."""

from __future__ import annotations

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import DeadlineSettings
from sanzero.validators import normalize_phone

from .models import Petition
from .workflow import PETITION_WORKFLOW

PETITION_FIELDS = (
    "subject",
    "received_on",
    "channel",
    "type",
    "petitioner_name",
    "id_number",
    "phone",
    "headcount",
    "level_reached",
    "is_skip_level",
    "is_abnormal",
    "content",
    "agent_level",
    "agent_name",
)
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


def petition_create(*, actor, data: dict, steps=()) -> Petition:
    rules = DeadlineSettings.current()
    data = _normalized(data)
    probe = Petition(received_on=data.get("received_on"), extended_days=0)
    return entry_create(actor=actor, model=Petition, data={**data, **probe.deadlines(rules)}, rules=rules, steps=steps)


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
    return entry_update(actor=actor, obj=obj, data=data, fields=fields, expected_version=expected_version, rules=rules)


def petition_transition(
    *, actor, obj: Petition, name: str, data: dict | None = None, expected_version: int | None = None
) -> Petition:
    rules = DeadlineSettings.current()
    data = dict(data or {})
    if name == "extend" and data.get("reason"):
        data["note"] = data["reason"]  # the audit row says why (transition_run appends the note)
    return transition_run(
        actor=actor,
        obj=obj,
        workflow=PETITION_WORKFLOW,
        name=name,
        data=data,
        expected_version=expected_version,
        rules=rules,
    )
