"""Writes for 治安问题; every function takes the acting user and is audited."""

from __future__ import annotations

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import DeadlineSettings

from .choices import RiskLevel
from .models import PublicOrderProblem
from .workflow import PROBLEM_WORKFLOW

PROBLEM_FIELDS = (
    "subject",
    "found_on",
    "category",
    "source",
    "risk_level",
    "location",
    "description",
    "people_count",
    "lead_unit",
    "responsible_person",
    "measures",
    "rectify_due",
)


def _with_default_due(data: dict, current: PublicOrderProblem | None = None) -> dict:
    """Store the 整治期限 itself (its default by risk level when left blank), so statistics and 督办 can
    still tell later whether it was overdue."""
    merged = {**({} if current is None else {"found_on": current.found_on, "risk_level": current.risk_level}), **data}
    if not merged.get("rectify_due") and merged.get("found_on"):
        probe = PublicOrderProblem(found_on=merged["found_on"], risk_level=merged.get("risk_level") or RiskLevel.MEDIUM)
        data = {**data, "rectify_due": probe.default_rectify_due()}
    return data


def public_order_problem_create(*, actor, data: dict, steps=()) -> PublicOrderProblem:
    return entry_create(
        actor=actor,
        model=PublicOrderProblem,
        data=_with_default_due(data),
        rules=DeadlineSettings.current(),
        steps=steps,
    )


def public_order_problem_update(
    *, actor, obj: PublicOrderProblem, data: dict, expected_version: int | None = None
) -> list[str]:
    return entry_update(
        actor=actor,
        obj=obj,
        data=_with_default_due(data, obj),
        fields=PROBLEM_FIELDS,
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


def public_order_problem_transition(
    *, actor, obj: PublicOrderProblem, name: str, data: dict | None = None, expected_version: int | None = None
) -> PublicOrderProblem:
    return transition_run(
        actor=actor,
        obj=obj,
        workflow=PROBLEM_WORKFLOW,
        name=name,
        data=data or {},
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )
