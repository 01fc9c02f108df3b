"""Writes for petitions; every function takes the acting user and is audited (via the ledger kernel)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import DeadlineSettings
from sanzero.validators import normalize_phone

from .models import CASE_NUMBER_DIGITS, Petition, case_number_prefix
from .workflow import PETITION_WORKFLOW

PETITION_FIELDS = (
    "subject",
    "case_number",
    "received_on",
    "source",
    "channel",
    "type",
    "petitioner_name",
    "id_number",
    "phone",
    "headcount",
    "level_reached",
    "is_skip_level",
    "is_abnormal",
    "abnormal_visit",
    "is_repeat",
    "responsible_unit",
    "lead_official",
    "content",
)
DEADLINE_FIELDS = ("notify_due", "handle_due")


def _normalized(data: dict) -> dict:
    """The same cleaning whoever calls (form, Excel import): ID upper-case, phone without +86/spaces."""
    data = dict(data)
    if "id_number" in data:
        data["id_number"] = (data["id_number"] or "").strip().upper()
    if "phone" in data:
        data["phone"] = normalize_phone(data["phone"] or "")
    for name in ("petitioner_name", "case_number", "responsible_unit", "lead_official"):
        if name in data:
            data[name] = (data[name] or "").strip()
    return data


def next_case_number(received_on, region_code: str) -> str:
    """The next free 信访件编号 of the county and year: XF2026990121 + 00001, 00002, …"""
    prefix = case_number_prefix(received_on, region_code)
    width = len(prefix) + CASE_NUMBER_DIGITS
    numbers = Petition.objects.filter(case_number__startswith=prefix).values_list("case_number", flat=True)
    taken = [int(n[len(prefix) :]) for n in numbers if len(n) == width and n[len(prefix) :].isdigit()]
    return f"{prefix}{max(taken, default=0) + 1:0{CASE_NUMBER_DIGITS}d}"


#: two clerks registering in the same instant may both read the same next number; the second retries
CASE_NUMBER_ATTEMPTS = 5


def petition_create(*, actor, data: dict, steps=()) -> Petition:
    """Register a petition. Without a 信访件编号 the system gives it the county's next one for its year."""
    rules = DeadlineSettings.current()
    data = _normalized(data)
    probe = Petition(received_on=data.get("received_on"), extended_days=0)
    data = {**data, **probe.deadlines(rules)}
    if data.get("case_number") or not data.get("received_on") or data.get("subject") is None:
        return entry_create(actor=actor, model=Petition, data=data, rules=rules, steps=steps)
    for attempt in range(1, CASE_NUMBER_ATTEMPTS + 1):
        data["case_number"] = next_case_number(data["received_on"], data["subject"].region.code)
        try:
            with transaction.atomic():
                return entry_create(actor=actor, model=Petition, data=data, rules=rules, steps=steps)
        except (IntegrityError, ValidationError):
            # another registration took the number in the meantime: take the next one
            if attempt == CASE_NUMBER_ATTEMPTS or not Petition.objects.filter(case_number=data["case_number"]).exists():
                raise
    raise AssertionError("unreachable")  # the last attempt returns or raises


def petition_update(*, actor, obj: Petition, data: dict, expected_version: int | None = None) -> list[str]:
    """Edit the registration fields. The deadlines move only when the received date does: a correction
    elsewhere never re-applies settings the county changed after the petition was registered."""
    rules = DeadlineSettings.current()
    data = _normalized(data)
    fields = list(PETITION_FIELDS)
    if not (data.get("case_number") or "").strip():
        fields.remove("case_number")  # a blank number keeps the one the petition has
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
