"""The key-place transition table: 在管 (inspected every N days) → 已撤管.

| name    | label    | from | to     | rule (apply)                                          |
|---------|----------|------|--------|-------------------------------------------------------|
| inspect | 登记检查 | 在管 | 在管   | 检查日期 ≥ 登记日期, not in the future; the next one is due a period later |
| retire  | 撤管     | 在管 | 已撤管 | 撤管日期 and a reason                                  |
"""

from __future__ import annotations

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES
from sanzero.services import ServiceError

from .choices import PlaceStatus
from .forms import InspectForm, RetireForm
from .models import PlaceInspection


def inspect(place, data: dict, actor, rules) -> list[str]:
    day, finding = data.get("inspected_on"), (data.get("finding") or "").strip()
    if day is None or day > timezone.localdate() or day < place.registered_on:
        raise ServiceError("检查日期应在登记日期与今天之间。")
    if not finding:
        raise ServiceError("请填写检查情况。")
    PlaceInspection.objects.create(
        place=place, inspected_on=day, finding=finding, problems_found=bool(data.get("problems_found")), by=actor
    )
    if place.last_inspected_on is None or day > place.last_inspected_on:
        place.last_inspected_on = day
    return ["last_inspected_on"]


def retire(place, data: dict, actor, rules) -> list[str]:
    day, reason = data.get("retired_on"), (data.get("note") or "").strip()
    if day is None or day > timezone.localdate() or day < place.registered_on:
        raise ServiceError("撤管日期应在登记日期与今天之间。")
    if not reason:
        raise ServiceError("撤管须说明原因。")
    place.retired_on, place.retire_reason = day, reason
    return ["retired_on", "retire_reason"]


PLACE_WORKFLOW = Workflow(
    [
        Transition(
            "inspect",
            "登记检查",
            (PlaceStatus.MANAGED,),
            None,
            EDIT_ROLES,
            InspectForm,
            style="primary",
            help="按检查周期登记检查情况；下次检查期限从本次检查日期起算。",
            apply=inspect,
        ),
        Transition(
            "retire",
            "撤管",
            (PlaceStatus.MANAGED,),
            PlaceStatus.RETIRED,
            EDIT_ROLES,
            RetireForm,
            style="outline-secondary",
            help="场所停业、拆除或风险消除后撤出管理，须说明原因。",
            apply=retire,
        ),
    ]
)
