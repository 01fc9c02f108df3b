"""The dispute transition table (DESIGN §4, §6): 调解中 → 已化解 | 调解不成 → 已移交; escalation up the ladder.

| name      | label    | from   | to     | rule (apply)                                                  |
|-----------|----------|--------|--------|---------------------------------------------------------------|
| mediate   | 登记调处 | 调解中 | 调解中 | 调处日期 ≥ 登记日期, not in the future; once (guard)         |
| resolve   | 登记化解 | 调解中 | 已化解 | 化解日期 ≥ 登记日期, not in the future; 协议形式 and 协议内容; |
|           |          |        |        | 调处日期 ≤ 化解日期 (an unrecorded one becomes the 化解日期)  |
| escalate  | 升级调解 | 调解中 | 调解中 | a reason; the next level of the ladder, its limit restarts;  |
|           |          |        |        | 调处层级 follows the new level (县/乡镇/村居)                  |
| fail      | 调解不成 | 调解中 | 调解不成 | a reason; a 调处日期 (the form's, or the one recorded; an    |
|           |          |        |        | imported row without one: the day its level started)          |
| transfer  | 移交     | 调解不成 | 已移交 | 移交去向 and 移交说明                                       |
| follow_up | 登记回访 | 已化解 | 已化解 | 回访日期 ≥ 化解日期, not in the future                      |

These functions are the only place the rules live: the web's step forms show them to the clerk, and
the Excel import reaches a row's status through the same steps (ledger.imports).

调处 (a mediation was carried out) and 成功 (已化解) are apart: the 排查情况表 counts 调处数 by 调处日期 and
调处成功数 by 化解日期 (reports/paicha.py). A dispute that is resolved or fails was mediated, so both
steps make sure it has a 调处日期.
"""

from __future__ import annotations

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES
from sanzero.services import ServiceError

from .choices import AgreementType, DisputeStatus, TransferTarget
from .forms import EscalateForm, FailForm, FollowUpForm, MediateForm, ResolveForm, TransferForm
from .models import DisputeEscalation, FollowUpVisit


def _note(data: dict) -> str:
    return str(data.get("_full_note", data.get("note")) or "").strip()


def already_mediated(dispute, user) -> str | None:
    """登记调处 is recorded once: the first mediation's date is what the 排查情况表 counts."""
    if dispute.mediated_on is not None:
        return f"已于{dispute.mediated_on:%Y-%m-%d}登记调处；如需更正调处日期，请修改纠纷信息。"
    return None


def _mediation_day(dispute, day, label: str = "调处日期"):
    if day < dispute.found_on:
        raise ServiceError(f"{label}不能早于登记日期（{dispute.found_on:%Y-%m-%d}）。")
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。")
    return day


def mediate(dispute, data: dict, actor, rules) -> list[str]:
    day = data.get("mediated_on")
    if day is None:
        raise ServiceError("请填写调处日期。")
    dispute.mediated_on = _mediation_day(dispute, day)
    dispute.handling_tier = dispute.handling_tier or dispute.level.tier
    return ["mediated_on", "handling_tier"]


def resolve(dispute, data: dict, actor, rules) -> list[str]:
    resolved_on, agreement = data.get("resolved_on"), (data.get("agreement") or "").strip()
    if resolved_on is None:
        raise ServiceError("请填写化解日期。")
    if resolved_on < dispute.found_on:
        raise ServiceError(f"化解日期不能早于登记日期（{dispute.found_on:%Y-%m-%d}）。")
    if resolved_on > timezone.localdate():
        raise ServiceError("化解日期不能晚于今天。")
    if not agreement:
        raise ServiceError("登记化解须填写协议内容。")
    if data.get("agreement_type") not in AgreementType.values:
        raise ServiceError("请选择协议形式（书面或口头）。")
    if dispute.mediated_on is not None and dispute.mediated_on > resolved_on:
        raise ServiceError(f"化解日期不能早于调处日期（{dispute.mediated_on:%Y-%m-%d}）。")
    dispute.resolved_on, dispute.agreement_type, dispute.agreement = resolved_on, data["agreement_type"], agreement
    dispute.mediated_on = dispute.mediated_on or resolved_on  # settled by a mediation that day
    return ["resolved_on", "agreement_type", "agreement", "mediated_on"]


def fail(dispute, data: dict, actor, rules) -> list[str]:
    reason = _note(data)
    if not reason:
        raise ServiceError("登记调解不成须说明原因。")
    dispute.fail_reason = reason
    if dispute.mediated_on is None:
        day = data.get("mediated_on")
        # an imported row of long ago without a 调处日期: the day its (last) level took it up
        dispute.mediated_on = _mediation_day(dispute, day) if day is not None else dispute.level_started_on
    return ["fail_reason", "mediated_on"]


def transfer(dispute, data: dict, actor, rules) -> list[str]:
    if data.get("transfer_to") not in TransferTarget.values:
        raise ServiceError("请选择移交去向（诉讼、仲裁、信访或部门）。")
    note = _note(data)
    if not note:
        raise ServiceError("请填写移交说明。")
    dispute.transfer_to, dispute.transfer_note = data["transfer_to"], note
    return ["transfer_to", "transfer_note"]


def escalate(dispute, data: dict, actor, rules) -> list[str]:
    reason = _note(data)
    if not reason:
        raise ServiceError("升级调解须说明原因。")
    current = dispute.level
    target = current.next_level()
    if target is None:
        raise ServiceError(f"已是最高调解层级“{current.name}”，不能再升级。")
    DisputeEscalation.objects.create(
        dispute=dispute, from_level=current, to_level=target, by=actor, reason=reason, previous_due_on=dispute.due_on
    )
    dispute.level, dispute.level_started_on, dispute.level_days = target, timezone.localdate(), target.working_days
    dispute.handling_tier = target.tier  # the higher level handles it now (排查情况表: 县/乡镇/村居)
    return ["level", "level_started_on", "level_days", "handling_tier"]


def follow_up(dispute, data: dict, actor, rules) -> list[str]:
    visited_on = data.get("visited_on")
    if visited_on is None or visited_on > timezone.localdate():
        raise ServiceError("回访日期不能为空，也不能晚于今天。")
    if dispute.resolved_on and visited_on < dispute.resolved_on:
        raise ServiceError(f"回访日期不能早于化解日期（{dispute.resolved_on:%Y-%m-%d}）。")
    FollowUpVisit.objects.create(
        dispute=dispute,
        visited_on=visited_on,
        by=actor,
        performance_ok=bool(data.get("performance_ok", True)),
        note=_note(data),
    )
    return []


DISPUTE_WORKFLOW = Workflow(
    [
        Transition(
            "mediate",
            "登记调处",
            (DisputeStatus.MEDIATING,),
            None,
            EDIT_ROLES,
            MediateForm,
            style="outline-success",
            help="组织当事人调解后登记调处日期（排查情况表的“调处数”）；调处成功的请“登记化解”。",
            guard=already_mediated,
            apply=mediate,
        ),
        Transition(
            "resolve",
            "登记化解",
            (DisputeStatus.MEDIATING,),
            DisputeStatus.RESOLVED,
            EDIT_ROLES,
            ResolveForm,
            style="success",
            help="达成调解协议（书面或口头）后登记化解。",
            apply=resolve,
            attachment_kind="agreement",
            import_fields={"resolved_on": "resolved_on", "agreement_type": "agreement_type", "agreement": "agreement"},
            import_defaults={"agreement_type": AgreementType.WRITTEN},
        ),
        Transition(
            "escalate",
            "升级调解",
            (DisputeStatus.MEDIATING,),
            None,
            EDIT_ROLES,
            EscalateForm,
            style="warning",
            help="移交上一级调解；本级期限按上一级的工作日重新起算，升级经过记入办理过程。",
            apply=escalate,
        ),
        Transition(
            "fail",
            "调解不成",
            (DisputeStatus.MEDIATING,),
            DisputeStatus.FAILED,
            EDIT_ROLES,
            FailForm,
            style="outline-danger",
            help="各方无法达成协议时登记，须说明原因；之后可引导诉讼、仲裁或移交。",
            apply=fail,
            import_fields={"note": "fail_reason"},
        ),
        Transition(
            "transfer",
            "移交",
            (DisputeStatus.FAILED,),
            DisputeStatus.TRANSFERRED,
            EDIT_ROLES,
            TransferForm,
            help="调解不成的纠纷依法引导诉讼、仲裁，或转信访渠道、移交职能部门。",
            apply=transfer,
            import_fields={"transfer_to": "transfer_to", "note": "transfer_note"},
        ),
        Transition(
            "follow_up",
            "登记回访",
            (DisputeStatus.RESOLVED,),
            None,
            EDIT_ROLES,
            FollowUpForm,
            style="outline-primary",
            help="回访当事人，了解调解协议履行情况。",
            apply=follow_up,
        ),
    ]
)
