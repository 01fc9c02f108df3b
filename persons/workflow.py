"""The key-person transition table: 在管 (visited every N days) → 已解除.

| name    | label    | from | to     | rule (apply)                                                       |
|---------|----------|------|--------|--------------------------------------------------------------------|
| visit   | 登记走访 | 在管 | 在管   | 走访日期 ≥ 列管日期, not in the future, 走访情况; the next is due a period later |
| release | 解除列管 | 在管 | 已解除 | 解除日期 and a reason                                               |

Who: EDIT_ROLES (township clerks, grid workers, administrators) on the persons they may change; a grid
worker changes only their own 包户 (persons.models.KeyPersonQuerySet).
"""

from __future__ import annotations

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES
from sanzero.services import ServiceError

from .choices import PersonStatus, VisitWay
from .forms import ReleaseForm, VisitForm
from .models import PersonVisit


def visit(person, data: dict, actor, rules) -> list[str]:
    day, situation = data.get("visited_on"), (data.get("situation") or "").strip()
    if day is None or day > timezone.localdate() or day < person.registered_on:
        raise ServiceError("走访日期应在列管日期与今天之间。")
    if not situation:
        raise ServiceError("请填写走访情况。")
    way = data.get("way") or VisitWay.HOME
    if way not in VisitWay.values:
        raise ServiceError("请选择列出的走访方式。")
    PersonVisit.objects.create(
        person=person, visited_on=day, way=way, situation=situation, abnormal=bool(data.get("abnormal")), by=actor
    )
    if person.last_visited_on is None or day > person.last_visited_on:
        person.last_visited_on = day
    return ["last_visited_on"]


def release(person, data: dict, actor, rules) -> list[str]:
    day, reason = data.get("released_on"), (data.get("note") or "").strip()
    if day is None or day > timezone.localdate() or day < person.registered_on:
        raise ServiceError("解除日期应在列管日期与今天之间。")
    if not reason:
        raise ServiceError("解除列管须说明原因。")
    person.released_on, person.release_reason = day, reason
    return ["released_on", "release_reason"]


PERSON_WORKFLOW = Workflow(
    [
        Transition(
            "visit",
            "登记走访",
            (PersonStatus.MANAGED,),
            None,
            EDIT_ROLES,
            VisitForm,
            style="primary",
            help="按走访周期登记走访情况；下次走访期限从本次走访日期起算。",
            apply=visit,
        ),
        Transition(
            "release",
            "解除列管",
            (PersonStatus.MANAGED,),
            PersonStatus.RELEASED,
            EDIT_ROLES,
            ReleaseForm,
            style="outline-secondary",
            help="矫正期满、帮教期满、迁出或死亡等，解除列管须说明原因。",
            apply=release,
        ),
    ]
)
