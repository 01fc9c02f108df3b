"""Writes for key places; every function takes the acting user and is audited."""

from __future__ import annotations

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import DeadlineSettings

from .models import KeyPlace
from .workflow import PLACE_WORKFLOW

PLACE_FIELDS = (
    "subject",
    "registered_on",
    "name",
    "category",
    "address",
    "responsible_person",
    "phone",
    "risk_level",
    "inspect_every_days",
)


def key_place_create(*, actor, data: dict, steps=()) -> KeyPlace:
    return entry_create(actor=actor, model=KeyPlace, data=data, rules=DeadlineSettings.current(), steps=steps)


def key_place_update(*, actor, obj: KeyPlace, data: dict, expected_version: int | None = None) -> list[str]:
    return entry_update(
        actor=actor,
        obj=obj,
        data=data,
        fields=PLACE_FIELDS,
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


def key_place_transition(
    *, actor, obj: KeyPlace, name: str, data: dict | None = None, expected_version: int | None = None
) -> KeyPlace:
    return transition_run(
        actor=actor,
        obj=obj,
        workflow=PLACE_WORKFLOW,
        name=name,
        data=data or {},
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )
