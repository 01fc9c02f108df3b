"""The case transition table: 侦办中 → 已破案 → 已结案; 治安 cases may also close straight from 侦办中.

| name  | label | from          | to     | roles      | rule                                   |
|-------|-------|---------------|--------|------------|----------------------------------------|
| solve | 破案  | 侦办中        | 已破案 | EDIT_ROLES | solved_on ≥ 发案日期, not in the future |
| close | 结案  | 侦办中/已破案 | 已结案 | EDIT_ROLES | a 刑事 case must be solved first        |

Anything else is refused by the kernel (ledger.workflow.transition_run) and changes nothing.
"""

from __future__ import annotations

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES
from sanzero.services import ServiceError

from .choices import CaseKind, CaseStatus
from .forms import CloseCaseForm, SolveForm

UNSOLVED_CRIMINAL_CLOSE = "刑事案件须先登记破案，才能结案。"


def criminal_cases_are_solved_first(case, user) -> str | None:
    """No 结案 of an unsolved 刑事 case (the button is not offered; the page says why)."""
    if case.kind == CaseKind.CRIMINAL and case.status == CaseStatus.INVESTIGATING:
        return UNSOLVED_CRIMINAL_CLOSE
    return None


def _date(data: dict, key: str, label: str):
    day = data.get(key)
    if day is None:
        raise ServiceError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。")
    return day


def solve(case, data: dict, actor, rules) -> list[str]:
    case.solved_on = _date(data, "solved_on", "破案日期")
    return ["solved_on"]


def close(case, data: dict, actor, rules) -> list[str]:
    case.closed_on = _date(data, "closed_on", "结案日期")
    return ["closed_on"]


CASE_WORKFLOW = Workflow(
    [
        Transition(
            "solve",
            "破案",
            (CaseStatus.INVESTIGATING,),
            CaseStatus.SOLVED,
            EDIT_ROLES,
            SolveForm,
            help="登记破案日期；刑事案件破案后才能结案。",
            apply=solve,
        ),
        Transition(
            "close",
            "结案",
            (CaseStatus.INVESTIGATING, CaseStatus.SOLVED),
            CaseStatus.CLOSED,
            EDIT_ROLES,
            CloseCaseForm,
            style="success",
            help="刑事案件须先破案；治安案件作出处罚或处理决定后可直接结案。",
            guard=criminal_cases_are_solved_first,
            apply=close,
        ),
    ]
)
