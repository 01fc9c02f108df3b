"""Writes for police cases; every function takes the acting user and is audited."""

from __future__ import annotations

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run

from .choices import CaseKind
from .models import PoliceCase
from .workflow import CASE_WORKFLOW

CASE_FIELDS = ("subject", "occurred_on", "kind", "major_influence", "case_no", "cause", "summary", "unit")


def _normalise(data: dict, obj: PoliceCase | None = None) -> dict:
    """“是否有重大影响” only applies to 治安: stored False for every 刑事 case; an empty 案件编号 is none."""
    data = dict(data)
    kind = data.get("kind", obj.kind if obj else None)
    if kind == CaseKind.CRIMINAL:
        data["major_influence"] = False
    if "case_no" in data:
        data["case_no"] = (data["case_no"] or "").strip() or None
    return data


def police_case_create(*, actor, data: dict, steps=()) -> PoliceCase:
    return entry_create(actor=actor, model=PoliceCase, data=_normalise(data), steps=steps)


def police_case_update(*, actor, obj: PoliceCase, data: dict, expected_version: int | None = None) -> list[str]:
    return entry_update(
        actor=actor, obj=obj, data=_normalise(data, obj), fields=CASE_FIELDS, expected_version=expected_version
    )


def police_case_transition(
    *, actor, obj: PoliceCase, name: str, data: dict | None = None, expected_version: int | None = None
) -> PoliceCase:
    return transition_run(
        actor=actor, obj=obj, workflow=CASE_WORKFLOW, name=name, data=data or {}, expected_version=expected_version
    )
