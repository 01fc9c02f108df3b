"""The case transition table: 侦办中 → 已破案 → 已结案; 治安 cases may also close straight from 侦办中.

| name  | label | from          | to     | roles      | rule                                   |
|-------|-------|---------------|--------|------------|----------------------------------------|
| solve | 破案  | 侦办中        | 已破案 | EDIT_ROLES | solved_on ≥ 发案日期, not in the future |
| close | 结案  | 侦办中/已破案 | 已结案 | EDIT_ROLES | a 刑事 case must be solved first        |

Anything else is refused by the kernel (ledger.workflow.transition_run) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES

from .choices import CaseKind, CaseStatus
from .forms import CloseCaseForm, SolveForm

UNSOLVED_CRIMINAL_CLOSE = "刑事案件须先登记破案，才能结案。"


def refusal(case, transition) -> str | None:
    """The case's own rule on top of the table: why this step is refused for this case, or None."""
    if (transition.name == "close" and case.kind == CaseKind.CRIMINAL
            and case.status == CaseStatus.INVESTIGATING):
        return UNSOLVED_CRIMINAL_CLOSE
    return None


@dataclass
class CaseWorkflow(Workflow):
    def available(self, obj, user) -> list[Transition]:
        """No 结案 button on an unsolved 刑事 case: the service would refuse it."""
        return [t for t in super().available(obj, user) if refusal(obj, t) is None]


CASE_WORKFLOW = CaseWorkflow([
    Transition("solve", "破案", (CaseStatus.INVESTIGATING,), CaseStatus.SOLVED, EDIT_ROLES, SolveForm,
               help="登记破案日期；刑事案件破案后才能结案。"),
    Transition("close", "结案", (CaseStatus.INVESTIGATING, CaseStatus.SOLVED), CaseStatus.CLOSED, EDIT_ROLES,
               CloseCaseForm, style="success",
               help="刑事案件须先破案；治安案件作出处罚或处理决定后可直接结案。"),
])
