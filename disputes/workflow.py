"""The dispute transition table (DESIGN §4, §6): 调解中 → 已化解 | 调解不成 → 已移交; escalation up the ladder."""

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES

from .choices import DisputeStatus
from .forms import EscalateForm, FailForm, FollowUpForm, ResolveForm, TransferForm

DISPUTE_WORKFLOW = Workflow([
    Transition("resolve", "登记化解", (DisputeStatus.MEDIATING,), DisputeStatus.RESOLVED, EDIT_ROLES, ResolveForm,
               style="success", help="达成调解协议（书面或口头）后登记化解。"),
    Transition("escalate", "升级调解", (DisputeStatus.MEDIATING,), None, EDIT_ROLES, EscalateForm,
               style="warning", help="移交上一级调解；本级期限按上一级的工作日重新起算，升级经过记入办理过程。"),
    Transition("fail", "调解不成", (DisputeStatus.MEDIATING,), DisputeStatus.FAILED, EDIT_ROLES, FailForm,
               style="outline-danger", help="各方无法达成协议时登记，须说明原因；之后可引导诉讼、仲裁或移交。"),
    Transition("transfer", "移交", (DisputeStatus.FAILED,), DisputeStatus.TRANSFERRED, EDIT_ROLES, TransferForm,
               help="调解不成的纠纷依法引导诉讼、仲裁，或转信访渠道、移交职能部门。"),
    Transition("follow_up", "登记回访", (DisputeStatus.RESOLVED,), None, EDIT_ROLES, FollowUpForm,
               style="outline-primary", help="回访当事人，了解调解协议履行情况。"),
])
