"""The 治安问题 transition table: 整治中 → 已解决 | 已移交; 已解决 → 整治中 (问题反弹).

| name     | label    | from   | to     | roles      | rule (apply)                                        |
|----------|----------|--------|--------|------------|-----------------------------------------------------|
| resolve  | 登记解决 | 整治中 | 已解决 | EDIT_ROLES | 解决日期 ≥ 排查日期, not in the future; 整治结果      |
| transfer | 移交处理 | 整治中 | 已移交 | EDIT_ROLES | 移交日期 and 移交单位 (e.g. to the police to open a case) |
| reopen   | 问题反弹 | 已解决 | 整治中 | EDIT_ROLES | what came back and a new 整治期限                     |

A solved problem counts in 台账数据's 治安问题解决数 (dashboards.compute); a transferred one does not.
"""

from __future__ import annotations

from django.utils import timezone

from ledger.workflow import Transition, Workflow
from sanzero.roles import EDIT_ROLES
from sanzero.services import ServiceError

from .choices import ProblemStatus
from .forms import ReopenForm, ResolveForm, TransferForm


def _day(data: dict, key: str, label: str, problem):
    day = data.get(key)
    if day is None:
        raise ServiceError(f"请填写{label}。")
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天。")
    if day < problem.found_on:
        raise ServiceError(f"{label}不能早于排查日期（{problem.found_on:%Y-%m-%d}）。")
    return day


def resolve(problem, data: dict, actor, rules) -> list[str]:
    result = (data.get("result") or "").strip()
    if not result:
        raise ServiceError("请填写整治结果。")
    problem.resolved_on = _day(data, "resolved_on", "解决日期", problem)
    problem.result = result
    return ["resolved_on", "result"]


def transfer(problem, data: dict, actor, rules) -> list[str]:
    unit = (data.get("transferred_to") or "").strip()
    if not unit:
        raise ServiceError("请填写移交单位。")
    problem.transferred_on = _day(data, "transferred_on", "移交日期", problem)
    problem.transferred_to = unit
    return ["transferred_on", "transferred_to"]


def reopen(problem, data: dict, actor, rules) -> list[str]:
    if not (data.get("note") or "").strip():
        raise ServiceError("请说明问题反弹的情况。")
    due = data.get("rectify_due")
    if due is None or due < problem.found_on:
        raise ServiceError("请填写新的整治期限（不早于排查日期）。")
    problem.resolved_on, problem.result = None, ""
    problem.rectify_due = due
    problem.reopened_count += 1
    return ["resolved_on", "result", "rectify_due", "reopened_count"]


PROBLEM_WORKFLOW = Workflow(
    [
        Transition(
            "resolve",
            "登记解决",
            (ProblemStatus.RECTIFYING,),
            ProblemStatus.SOLVED,
            EDIT_ROLES,
            ResolveForm,
            style="success",
            help="问题已整治到位：登记解决日期和整治结果（整治后照片可一并上传）。",
            apply=resolve,
            attachment_kind="after",
            import_fields={"resolved_on": "resolved_on", "result": "result"},
            import_defaults={"result": "（导入）已解决"},
        ),
        Transition(
            "transfer",
            "移交处理",
            (ProblemStatus.RECTIFYING,),
            ProblemStatus.TRANSFERRED,
            EDIT_ROLES,
            TransferForm,
            style="outline-secondary",
            help="超出本级整治能力或涉嫌违法犯罪的，移交公安机关或行业部门处理。",
            apply=transfer,
            import_fields={"transferred_on": "transferred_on", "transferred_to": "transferred_to"},
        ),
        Transition(
            "reopen",
            "问题反弹",
            (ProblemStatus.SOLVED,),
            ProblemStatus.RECTIFYING,
            EDIT_ROLES,
            ReopenForm,
            style="outline-danger",
            help="已解决的问题再次出现：重新整治，须说明情况并定新的期限。",
            apply=reopen,
        ),
    ]
)
