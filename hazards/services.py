"""Writes for hazards and accidents; every function takes the acting user and is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import DeadlineSettings
from sanzero.services import ServiceError

from .choices import HazardLevel, HazardStatus
from .models import PLAN_FIELDS, Accident, Hazard
from .workflow import ACCIDENT_WORKFLOW, HAZARD_WORKFLOW

HAZARD_FIELDS = (
    "subject",
    "found_on",
    "category",
    "level",
    "description",
    "rectify_due",
    "responsible_person",
    "measures",
    *PLAN_FIELDS,
)
ACCIDENT_FIELDS = ("subject", "occurred_on", "kind", "deaths", "injuries", "serious_injuries", "direct_loss", "summary")


def _with_default_due(data: dict, rules, current: Hazard | None = None) -> dict:
    """Store the rectification deadline itself (the default when left blank), so statistics can
    still tell after rectification whether it was overdue at a month's end (DESIGN §5)."""
    merged = {**({} if current is None else {"found_on": current.found_on, "level": current.level}), **data}
    if not merged.get("rectify_due") and merged.get("found_on"):
        probe = Hazard(found_on=merged["found_on"], level=merged.get("level") or HazardLevel.GENERAL)
        data = {**data, "rectify_due": probe.default_rectify_due(rules)}
    return data


def hazard_create(*, actor, data: dict, steps=()) -> Hazard:
    rules = DeadlineSettings.current()
    return entry_create(actor=actor, model=Hazard, data=_with_default_due(data, rules), rules=rules, steps=steps)


def hazard_update(*, actor, obj: Hazard, data: dict, expected_version: int | None = None) -> list[str]:
    rules = DeadlineSettings.current()
    return entry_update(
        actor=actor,
        obj=obj,
        data=_with_default_due(data, rules, obj),
        fields=HAZARD_FIELDS,
        expected_version=expected_version,
        rules=rules,
    )


def hazard_transition(
    *, actor, obj: Hazard, name: str, data: dict | None = None, expected_version: int | None = None
) -> Hazard:
    return transition_run(
        actor=actor,
        obj=obj,
        workflow=HAZARD_WORKFLOW,
        name=name,
        data=data or {},
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


def hazard_bulk_accept(*, actor, ids, data: dict) -> list[Hazard]:
    """批量验收: accept every hazard of `ids` through the accept step (one audit entry each), or none.

    `data` is the step's: accepted_on, note. The first hazard that may not be accepted (out of scope,
    not 待验收, rectified by the actor, accepted before its rectification) refuses the whole batch with
    a message naming it; nothing is written then.
    """
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ServiceError("请先勾选要验收的隐患。")
    hazards = list(
        Hazard.objects.for_user(actor).filter(pk__in=ids).select_related("subject").order_by("found_on", "pk")
    )
    if len(hazards) != len(ids):
        raise PermissionDenied(f"所选的{len(ids) - len(hazards)}条隐患不在您的管辖范围内或已不存在，未验收任何隐患。")
    accepted_on = data["accepted_on"]
    with transaction.atomic():
        for number, hazard in enumerate(hazards, start=1):
            where = f"第{number}条“{hazard}”"
            if hazard.status == HazardStatus.AWAITING and hazard.rectified_on and accepted_on < hazard.rectified_on:
                raise ServiceError(
                    f"{where}：验收日期不能早于整改完成日期（{hazard.rectified_on:%Y-%m-%d}），未验收任何隐患。"
                )
            try:
                hazard_transition(actor=actor, obj=hazard, name="accept", data=data)
            except (ServiceError, PermissionDenied) as exc:
                raise ServiceError(f"{where}：{exc}未验收任何隐患。") from exc
            except ValidationError as exc:
                raise ServiceError(f"{where}：{'；'.join(exc.messages)}。未验收任何隐患。") from exc
    return hazards


def accident_create(*, actor, data: dict, steps=()) -> Accident:
    return entry_create(actor=actor, model=Accident, data=data, steps=steps)


def accident_update(*, actor, obj: Accident, data: dict, expected_version: int | None = None) -> list[str]:
    return entry_update(actor=actor, obj=obj, data=data, fields=ACCIDENT_FIELDS, expected_version=expected_version)


def accident_transition(
    *, actor, obj: Accident, name: str, data: dict | None = None, expected_version: int | None = None
) -> Accident:
    return transition_run(
        actor=actor, obj=obj, workflow=ACCIDENT_WORKFLOW, name=name, data=data or {}, expected_version=expected_version
    )
