"""The hazard and accident transition tables (DESIGN §4): 整改中 → 待验收 → 已销号; 验收不通过 → 整改中.

| name    | label          | from   | to     | roles        | guard                                   |
|---------|----------------|--------|--------|--------------|-----------------------------------------|
| rectify | 登记整改完成   | 整改中 | 待验收 | EDIT_ROLES   | (a 重大 hazard's 五落实: in the service) |
| accept  | 验收通过并销号 | 待验收 | 已销号 | ACCEPT_ROLES | not the user who recorded the rectification |
| reject  | 验收不通过     | 待验收 | 整改中 | ACCEPT_ROLES | not the user who recorded the rectification |
"""

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES, Role

from .choices import AccidentStatus, HazardStatus
from .forms import AcceptForm, CloseAccidentForm, RectifyForm, RejectForm

# Acceptance (验收) may also be done by the supervising department.
ACCEPT_ROLES = EDIT_ROLES | {Role.DEPARTMENT}
ACCEPTANCE_STEPS = ("accept", "reject")

RECTIFIER_MAY_NOT_ACCEPT = "您登记了整改完成，须由其他人员验收。"


def not_the_rectifier(hazard, user) -> str | None:
    """Acceptance is done by a different user from the one who recorded the rectification (DESIGN §4).

    The 待我验收 queue (selectors.acceptance_queue) leaves out the same hazards in its query."""
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == getattr(user, "pk", None):
        return RECTIFIER_MAY_NOT_ACCEPT
    return None


HAZARD_WORKFLOW = Workflow([
    Transition("rectify", "登记整改完成", (HazardStatus.RECTIFYING,), HazardStatus.AWAITING, EDIT_ROLES, RectifyForm,
               help="整改完成后提交验收；重大隐患须先填全“五落实”。"),
    Transition("accept", "验收通过并销号", (HazardStatus.AWAITING,), HazardStatus.CLOSED, ACCEPT_ROLES, AcceptForm,
               style="success", help="验收人不能是登记整改完成的同一人。", guard=not_the_rectifier),
    Transition("reject", "验收不通过", (HazardStatus.AWAITING,), HazardStatus.RECTIFYING, ACCEPT_ROLES, RejectForm,
               style="outline-danger", help="退回整改，须说明原因。", guard=not_the_rectifier),
])

ACCIDENT_WORKFLOW = Workflow([
    Transition("close", "结案", (AccidentStatus.INVESTIGATING,), AccidentStatus.CLOSED, EDIT_ROLES, CloseAccidentForm),
])
