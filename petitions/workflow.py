"""The petition transition table (DESIGN §4, 信访工作条例 第23、34条): 办理中 → 已答复 → 已办结.

| name   | label      | from   | to     | what it records                                          |
|--------|------------|--------|--------|----------------------------------------------------------|
| notify | 登记告知   | 办理中 | 办理中 | notified_on (the 15-day 告知), once                       |
| extend | 延期办理   | 办理中 | 办理中 | extended_days 1..setting (≤30), reason; once; moves 办结期限 |
| reply  | 答复       | 办理中 | 已答复 | replied_on (≥ 登记日期, not in the future), 答复意见       |
| close  | 办结       | 已答复 | 已办结 | closed_on (≥ 答复日期) and 满意度 (required)                |

Everything else is refused by the kernel with a message and changes nothing. There is no reopen.
"""

import datetime

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES
from sanzero.services import ServiceError

from .choices import PetitionStatus, Satisfaction
from .forms import CloseForm, ExtendForm, NotifyForm, ReplyForm
from .models import LEGAL_MAX_EXTENSION_DAYS


def _not_future(day, label: str) -> None:
    if day is None:
        raise ServiceError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。")


def notify(petition, data: dict, actor, rules) -> list[str]:
    if petition.notified_on is not None:
        raise ServiceError(f"已于{petition.notified_on:%Y-%m-%d}告知信访人，不能重复登记告知。")
    day = data.get("notified_on")
    _not_future(day, "告知日期")
    if day < petition.received_on:
        raise ServiceError("告知日期不能早于登记日期。")
    petition.notified_on = day
    return ["notified_on"]


def extend(petition, data: dict, actor, rules) -> list[str]:
    if petition.extended_days:
        raise ServiceError(f"该信访已延期{petition.extended_days}日，按信访工作条例第三十四条只能延期一次。")
    max_days = min(rules.petition_extend_max_days, LEGAL_MAX_EXTENSION_DAYS)
    days = data.get("days")
    if not isinstance(days, int) or not 1 <= days <= max_days:
        raise ServiceError(f"延期天数应为1至{max_days}日。")
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ServiceError("延期须说明理由。")
    if petition.handle_due and timezone.localdate() > petition.handle_due:
        raise ServiceError(f"办结期限（{petition.handle_due:%Y-%m-%d}）已过，不能再申请延期，请尽快办结。")
    petition.extended_days = days
    petition.extension_reason = reason
    if petition.handle_due is None:
        petition.handle_due = petition.deadlines(rules)["handle_due"]
    else:
        petition.handle_due += datetime.timedelta(days=days)
    return ["extended_days", "extension_reason", "handle_due"]


def reply(petition, data: dict, actor, rules) -> list[str]:
    day = data.get("replied_on")
    _not_future(day, "答复日期")
    if day < petition.received_on:
        raise ServiceError("答复日期不能早于登记日期。")
    petition.replied_on = day
    petition.reply_note = (data.get("note") or "").strip()
    return ["replied_on", "reply_note"]


def close(petition, data: dict, actor, rules) -> list[str]:
    satisfaction = data.get("satisfaction") or ""
    if satisfaction not in Satisfaction.values:
        raise ServiceError("办结须填写信访人满意度（满意、基本满意或不满意）。")
    day = data.get("closed_on")
    _not_future(day, "办结日期")
    if day < (petition.replied_on or petition.received_on):
        raise ServiceError("办结日期不能早于答复日期。")
    petition.closed_on = day
    petition.satisfaction = satisfaction
    return ["closed_on", "satisfaction"]


PETITION_WORKFLOW = Workflow(
    [
        Transition(
            "notify",
            "登记告知",
            (PetitionStatus.HANDLING,),
            None,
            EDIT_ROLES,
            NotifyForm,
            style="outline-primary",
            help="登记后15日内书面告知信访人受理情况（信访工作条例第二十三条）。",
            apply=notify,
        ),
        Transition(
            "extend",
            "延期办理",
            (PetitionStatus.HANDLING,),
            None,
            EDIT_ROLES,
            ExtendForm,
            style="outline-warning",
            help="情况复杂的，经负责人批准可延期一次，最长30日，须说明理由（第三十四条）。",
            apply=extend,
        ),
        Transition(
            "reply",
            "答复",
            (PetitionStatus.HANDLING,),
            PetitionStatus.REPLIED,
            EDIT_ROLES,
            ReplyForm,
            help="出具信访处理意见书并答复信访人。",
            apply=reply,
            import_fields={"replied_on": "replied_on"},
        ),
        Transition(
            "close",
            "办结",
            (PetitionStatus.REPLIED,),
            PetitionStatus.CLOSED,
            EDIT_ROLES,
            CloseForm,
            style="success",
            help="登记办结日期和信访人满意度。",
            apply=close,
            import_fields={"closed_on": "closed_on", "satisfaction": "satisfaction"},
        ),
    ]
)
