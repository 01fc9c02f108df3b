"""The hazard, accident and 挂牌督办 transition tables (DESIGN §4): 整改中 → 待验收 → 已销号; 验收不通过 → 整改中.

| name    | label          | from   | to     | roles        | guard                                   |
|---------|----------------|--------|--------|--------------|-----------------------------------------|
| rectify | 登记整改完成   | 整改中 | 待验收 | EDIT_ROLES   | (a 重大 hazard's 五落实: in its apply)   |
| accept  | 验收通过并销号 | 待验收 | 已销号 | ACCEPT_ROLES | not the user who recorded the rectification |
| reject  | 验收不通过     | 待验收 | 整改中 | ACCEPT_ROLES | not the user who recorded the rectification |

A hazard under 挂牌督办 (an active HazardListing) is rectified, accepted and closed through its listing
(LISTING_WORKFLOW below, whose services move the hazard along): its own three steps say so and refuse.
"""

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES, Role
from sanzero.services import ServiceError

from .choices import LISTING_ACTIVE, AccidentStatus, HazardLevel, HazardStatus, ListingStatus, ReviewStage
from .forms import (
    AcceptForm,
    CloseAccidentForm,
    ListingAcceptForm,
    ListingAcceptRejectForm,
    ListingDelistForm,
    ListingLetterForm,
    ListingRectifyForm,
    ListingReviewForm,
    ListingReviewRejectForm,
    RectifyForm,
    RejectForm,
)

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


LISTED_HAZARD = "该隐患已挂牌督办，整改、验收和销号在其挂牌督办记录中办理。"


def is_listed(hazard) -> bool:
    """Under 挂牌督办 now (one query; a hazard not yet saved never is)."""
    return hazard.pk is not None and hazard.listings.filter(status__in=LISTING_ACTIVE).exists()


def not_listed(hazard, user) -> str | None:
    return LISTED_HAZARD if is_listed(hazard) else None


def not_listed_nor_the_rectifier(hazard, user) -> str | None:
    return not_the_rectifier(hazard, user) or not_listed(hazard, user)


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
            guard=not_listed,
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
            guard=not_listed_nor_the_rectifier,
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
            guard=not_listed_nor_the_rectifier,
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


# --- 挂牌督办 ----------------------------------------------------------------------------------------
"""The listing transition table:

| name          | label          | from   | to     | roles          | guard / rule                                    |
|---------------|----------------|--------|--------|----------------|-------------------------------------------------|
| rectify       | 登记整改完成   | 督办中 | 待初审 | EDIT_ROLES     | the 五落实 in place (apply)                      |
| review        | 初审通过       | 待初审 | 待验收 | REVIEW_ROLES   | not the user who recorded the rectification     |
| review_reject | 初审不通过     | 待初审 | 督办中 | REVIEW_ROLES   | the same; a reason; optionally a new 整改时限    |
| accept        | 验收通过       | 待验收 | 待摘牌 | ACCEPT_LISTING | neither the rectifier nor the 初审 user           |
| accept_reject | 验收不通过     | 待验收 | 督办中 | ACCEPT_LISTING | the same; a reason; optionally a new 整改时限    |
| delist        | 摘牌销号       | 待摘牌 | 已摘牌 | LIST_ROLES     | (the hazard is 销号 with the 验收's date)         |
| letter        | 发督办函       | 督办中 | —      | LIST_ROLES     | only past the 整改时限                           |

The hazard follows (hazards.services.listing_transition): 登记整改完成 records its rectification,
初审/验收不通过 send it back to 整改中, 摘牌销号 accepts and closes it (by the 验收's user and date).
"""

#: who lists (挂牌), delists (摘牌销号) and issues a 督办函 by hand: the 安委会's office, here 县平安办
LIST_ROLES = frozenset({Role.ADMIN, Role.COUNTY})
#: 初审: the township (属地) or the supervising department (行业主管部门)
REVIEW_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.DEPARTMENT})
#: 验收: the listing body's office or the supervising department
ACCEPT_LISTING_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.DEPARTMENT})
LISTING_REVIEW_STEPS = ("review", "review_reject", "accept", "accept_reject")

LISTING_RECTIFIER_MAY_NOT_REVIEW = "您登记了整改完成，初审和验收须由其他人员进行。"
REVIEWER_MAY_NOT_ACCEPT = "您已作初审，验收须由初审以外的人员进行。"
NOT_OVERDUE = "未超过整改时限，不需要发督办函。"


def listing_not_the_rectifier(listing, user) -> str | None:
    if listing.rectified_by_id is not None and listing.rectified_by_id == getattr(user, "pk", None):
        return LISTING_RECTIFIER_MAY_NOT_REVIEW
    return None


def listing_not_rectifier_nor_reviewer(listing, user) -> str | None:
    refusal = listing_not_the_rectifier(listing, user)
    if refusal:
        return refusal
    if listing.reviewed_by_id is not None and listing.reviewed_by_id == getattr(user, "pk", None):
        return REVIEWER_MAY_NOT_ACCEPT
    return None


def listing_overdue(listing, user) -> str | None:
    if listing.due_on is None or listing.due_on >= timezone.localdate():
        return NOT_OVERDUE
    return None


def _review_record(listing, data: dict, actor, stage: str, passed: bool) -> None:
    """The approval record of this 初审/验收 (written with the listing: see listing_transition)."""
    from .models import ListingReview

    listing._new_reviews = [
        *getattr(listing, "_new_reviews", []),
        ListingReview(
            stage=stage,
            passed=passed,
            reviewed_on=data["reviewed_on"],
            unit=(data.get("unit") or "").strip(),
            members=(data.get("members") or "").strip(),
            opinion=(data.get("opinion") or "").strip(),
            by=actor,
        ),
    ]


def listing_rectify(listing, data: dict, actor, rules) -> list[str]:
    missing = listing.missing_plan()
    if missing:
        raise ServiceError("挂牌督办的重大隐患须先落实“五落实”（尚缺" + "、".join(missing) + "），才能登记整改完成。")
    report = (data.get("report") or "").strip()
    if not report:
        raise ServiceError("请填写整改情况。")
    listing.rectified_on = data["rectified_on"]
    listing.rectify_report = report
    listing.rectified_by = data["rectified_by"] if "rectified_by" in data else actor
    listing.reviewed_on = listing.reviewed_by = listing.accepted_on = listing.accepted_by = None
    return [
        "rectified_on",
        "rectify_report",
        "rectified_by",
        "reviewed_on",
        "reviewed_by",
        "accepted_on",
        "accepted_by",
    ]


def listing_review(listing, data: dict, actor, rules) -> list[str]:
    _review_record(listing, data, actor, ReviewStage.REVIEW, True)
    listing.reviewed_on = data["reviewed_on"]
    listing.reviewed_by = data["reviewed_by"] if "reviewed_by" in data else actor
    return ["reviewed_on", "reviewed_by"]


def _send_back(listing, data: dict, actor, stage: str) -> list[str]:
    if not (data.get("opinion") or "").strip():
        raise ServiceError(f"{stage}不通过须说明原因。")
    _review_record(listing, data, actor, stage, False)
    listing.rectified_on = listing.rectified_by = listing.reviewed_on = listing.reviewed_by = None
    listing.accepted_on = listing.accepted_by = None
    listing.rectify_report = ""
    changed = ["rectified_on", "rectified_by", "reviewed_on", "reviewed_by", "accepted_on", "accepted_by"]
    changed.append("rectify_report")
    if data.get("deadline"):
        listing.deadline = data["deadline"]
        changed.append("deadline")
        if listing.plan_deadline and listing.plan_deadline > listing.deadline:
            listing.plan_deadline = listing.deadline
            changed.append("plan_deadline")
    return changed


def listing_review_reject(listing, data: dict, actor, rules) -> list[str]:
    return _send_back(listing, data, actor, ReviewStage.REVIEW)


def listing_accept(listing, data: dict, actor, rules) -> list[str]:
    _review_record(listing, data, actor, ReviewStage.ACCEPTANCE, True)
    listing.accepted_on = data["reviewed_on"]
    listing.accepted_by = data["accepted_by"] if "accepted_by" in data else actor
    return ["accepted_on", "accepted_by"]


def listing_accept_reject(listing, data: dict, actor, rules) -> list[str]:
    return _send_back(listing, data, actor, ReviewStage.ACCEPTANCE)


def listing_delist(listing, data: dict, actor, rules) -> list[str]:
    listing.delisted_on = data["delisted_on"]
    listing.delist_number = (data.get("delist_number") or "").strip()
    return ["delisted_on", "delist_number"]


def listing_letter(listing, data: dict, actor, rules) -> list[str]:
    """A 督办函 by hand; the letter row is written with the listing (see listing_transition)."""
    listing._letter_content = (data.get("content") or "").strip()
    listing.letters_count += 1
    return ["letters_count"]


LISTING_WORKFLOW = Workflow(
    [
        Transition(
            "rectify",
            "登记整改完成",
            (ListingStatus.SUPERVISING,),
            ListingStatus.REVIEWING,
            EDIT_ROLES,
            ListingRectifyForm,
            help="整改完成后报请初审；须先落实“五落实”。",
            apply=listing_rectify,
            attachment_kind="after",
            import_fields={"rectified_on": "rectified_on", "report": "rectify_report"},
            import_defaults={"rectified_by": None, "report": "（导入）整改完成"},
        ),
        Transition(
            "review",
            "初审通过",
            (ListingStatus.REVIEWING,),
            ListingStatus.ACCEPTING,
            REVIEW_ROLES,
            ListingReviewForm,
            style="success",
            help="乡镇或行业主管部门初审；初审人不能是登记整改完成的同一人。",
            guard=listing_not_the_rectifier,
            apply=listing_review,
            import_fields={"reviewed_on": "reviewed_on", "unit": "review_unit"},
            import_defaults={"reviewed_by": None, "unit": "（导入）"},
        ),
        Transition(
            "review_reject",
            "初审不通过",
            (ListingStatus.REVIEWING,),
            ListingStatus.SUPERVISING,
            REVIEW_ROLES,
            ListingReviewRejectForm,
            style="outline-danger",
            help="退回继续整改，须说明原因。",
            guard=listing_not_the_rectifier,
            apply=listing_review_reject,
        ),
        Transition(
            "accept",
            "验收通过",
            (ListingStatus.ACCEPTING,),
            ListingStatus.DELISTING,
            ACCEPT_LISTING_ROLES,
            ListingAcceptForm,
            style="success",
            help="挂牌单位或行业主管部门组织验收；验收人不能是整改登记人或初审人。",
            guard=listing_not_rectifier_nor_reviewer,
            apply=listing_accept,
            import_fields={"reviewed_on": "accepted_on", "unit": "accept_unit"},
            import_defaults={"accepted_by": None, "unit": "（导入）"},
        ),
        Transition(
            "accept_reject",
            "验收不通过",
            (ListingStatus.ACCEPTING,),
            ListingStatus.SUPERVISING,
            ACCEPT_LISTING_ROLES,
            ListingAcceptRejectForm,
            style="outline-danger",
            help="退回继续整改，须说明原因。",
            guard=listing_not_rectifier_nor_reviewer,
            apply=listing_accept_reject,
        ),
        Transition(
            "delist",
            "摘牌销号",
            (ListingStatus.DELISTING,),
            ListingStatus.DELISTED,
            LIST_ROLES,
            ListingDelistForm,
            style="success",
            help="验收通过后由挂牌单位摘牌，隐患同时销号。",
            apply=listing_delist,
            import_fields={"delisted_on": "delisted_on", "delist_number": "delist_number"},
        ),
        Transition(
            "letter",
            "发督办函",
            (ListingStatus.SUPERVISING,),
            None,
            LIST_ROLES,
            ListingLetterForm,
            style="outline-danger",
            help="逾期未整改的，发督办函限期整改（系统每天也会自动发函）。",
            guard=listing_overdue,
            apply=listing_letter,
        ),
    ]
)
