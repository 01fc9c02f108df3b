"""The hazard and accident transition tables (DESIGN §4): 整改中 → 待验收 → 已销号; 验收不通过 → 整改中."""

from sanzero.ledger import EDIT_ROLES, Transition, Workflow
from sanzero.roles import Role

from .choices import AccidentStatus, HazardStatus
from .forms import AcceptForm, CloseAccidentForm, RectifyForm, RejectForm

# Acceptance (验收) may also be done by the supervising department.
ACCEPT_ROLES = EDIT_ROLES | {Role.DEPARTMENT}

HAZARD_WORKFLOW = Workflow([
    Transition("rectify", "登记整改完成", (HazardStatus.RECTIFYING,), HazardStatus.AWAITING, EDIT_ROLES, RectifyForm,
               help="整改完成后提交验收；重大隐患须先填全“五落实”。"),
    Transition("accept", "验收通过并销号", (HazardStatus.AWAITING,), HazardStatus.CLOSED, ACCEPT_ROLES, AcceptForm,
               style="success", help="验收人不能是登记整改完成的同一人。"),
    Transition("reject", "验收不通过", (HazardStatus.AWAITING,), HazardStatus.RECTIFYING, ACCEPT_ROLES, RejectForm,
               style="outline-danger", help="退回整改，须说明原因。"),
])

ACCIDENT_WORKFLOW = Workflow([
    Transition("close", "结案", (AccidentStatus.INVESTIGATING,), AccidentStatus.CLOSED, EDIT_ROLES, CloseAccidentForm),
])
