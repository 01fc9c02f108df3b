"""The hazard and accident transition tables (DESIGN §4): 整改中 → 待验收 → 已销号; 验收不通过 → 整改中.

| name    | label          | from   | to     | roles        | guard                                   |
|---------|----------------|--------|--------|--------------|-----------------------------------------|
| rectify | 登记整改完成   | 整改中 | 待验收 | EDIT_ROLES   | (a 重大 hazard's 五落实: in its apply)   |
| accept  | 验收通过并销号 | 待验收 | 已销号 | ACCEPT_ROLES | not the user who recorded the rectification |
| reject  | 验收不通过     | 待验收 | 整改中 | ACCEPT_ROLES | not the user who recorded the rectification |
"""

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES, Role
from sanzero.services import ServiceError

from .choices import AccidentStatus, HazardLevel, HazardStatus
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


def rectify(hazard, data: dict, actor, rules) -> list[str]:
    if hazard.level == HazardLevel.MAJOR and hazard.missing_plan_fields():
        raise ServiceError(
            "重大隐患须先填全“五落实”（" + "、".join(hazard.missing_plan_fields()) + "），才能登记整改完成。"
        )
    hazard.rectified_on = data["rectified_on"]
    # who recorded it: the acting user; an imported rectification names no one (it was done long ago)
    hazard.rectified_by = data["rectified_by"] if "rectified_by" in data else actor
    hazard.accepted_by, hazard.accepted_on, hazard.acceptance_note = None, None, ""
    return ["rectified_on", "rectified_by", "accepted_by", "accepted_on", "acceptance_note"]


def accept(hazard, data: dict, actor, rules) -> list[str]:
    """The guard refused the rectifier as the acting user; an imported 验收人 is checked the same way."""
    accepter = data["accepted_by"] if "accepted_by" in data else actor
    if accepter is not None and not_the_rectifier(hazard, accepter):
        raise ServiceError("验收须由登记整改完成以外的人员进行。")
    hazard.accepted_by = accepter
    hazard.accepted_on = data["accepted_on"]
    hazard.acceptance_note = data.get("note", "")
    return ["accepted_by", "accepted_on", "acceptance_note"]


def reject(hazard, data: dict, actor, rules) -> list[str]:
    hazard.rectified_on, hazard.rectified_by = None, None
    hazard.acceptance_note = data["note"]
    changed = ["rectified_on", "rectified_by", "acceptance_note"]
    if data.get("rectify_due"):
        hazard.rectify_due = data["rectify_due"]
        changed.append("rectify_due")
    return changed


def close_accident(accident, data: dict, actor, rules) -> list[str]:
    accident.closed_on = data["closed_on"]
    return ["closed_on"]


HAZARD_WORKFLOW = Workflow(
    [
        Transition(
            "rectify",
            "登记整改完成",
            (HazardStatus.RECTIFYING,),
            HazardStatus.AWAITING,
            EDIT_ROLES,
            RectifyForm,
            help="整改完成后提交验收；重大隐患须先填全“五落实”。",
            apply=rectify,
            attachment_kind="after",
            import_fields={"rectified_on": "rectified_on"},
            import_defaults={"rectified_by": None},
        ),
        Transition(
            "accept",
            "验收通过并销号",
            (HazardStatus.AWAITING,),
            HazardStatus.CLOSED,
            ACCEPT_ROLES,
            AcceptForm,
            style="success",
            help="验收人不能是登记整改完成的同一人。",
            guard=not_the_rectifier,
            apply=accept,
            import_fields={"accepted_on": "accepted_on"},
            import_defaults={"accepted_by": None},
        ),
        Transition(
            "reject",
            "验收不通过",
            (HazardStatus.AWAITING,),
            HazardStatus.RECTIFYING,
            ACCEPT_ROLES,
            RejectForm,
            style="outline-danger",
            help="退回整改，须说明原因。",
            guard=not_the_rectifier,
            apply=reject,
        ),
    ]
)

ACCIDENT_WORKFLOW = Workflow(
    [
        Transition(
            "close",
            "结案",
            (AccidentStatus.INVESTIGATING,),
            AccidentStatus.CLOSED,
            EDIT_ROLES,
            CloseAccidentForm,
            apply=close_accident,
        ),
    ]
)
