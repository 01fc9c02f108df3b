"""The 治安问题 import sheet: the problems found in 排查, with their status reached through the ledger's own
steps (已解决 runs 登记解决 with the row's 解决日期 and 整治结果; 已移交 runs 移交处理)."""

from __future__ import annotations

from ledger.imports import LedgerSheet
from sanzero.xlsx import Column

from .choices import ProblemCategory, ProblemSource, ProblemStatus, RiskLevel
from .forms import PublicOrderProblemForm
from .models import PublicOrderProblem
from .services import (
    public_order_problem_create,
    public_order_problem_transition,
    public_order_problem_update,
)
from .workflow import PROBLEM_WORKFLOW


class PublicOrderProblemSheet(LedgerSheet):
    name = "public_order"
    position = 72
    label = "治安问题"
    sheet_name = "治安问题"
    model = PublicOrderProblem
    form_class = PublicOrderProblemForm
    create_service = public_order_problem_create
    update_service = public_order_problem_update
    transition_service = public_order_problem_transition
    workflow = PROBLEM_WORKFLOW
    date_field = "found_on"
    date_header = "排查日期"
    key_fields = ("category", "description")
    service_fields = (
        "subject",
        "found_on",
        "category",
        "source",
        "risk_level",
        "location",
        "description",
        "people_count",
        "lead_unit",
        "responsible_person",
        "measures",
        "rectify_due",
    )
    key_description = "所属区划代码 + 主体名称 + 排查日期 + 问题类别 + 问题描述"
    duplicate_header = "问题描述"
    notes = (
        "治安问题是排查中发现、需要整治的社会治安问题（不是已立案的案件；案件请用“刑事/治安案件”）。",
        "整治期限不填时按风险等级自动计算：高15日、中30日、低60日；风险等级不填为“中”。",
        "状态可填：整治中、已解决、已移交；已解决须填写解决日期（整治结果可不填），已移交须填写移交日期和移交单位。",
    )

    def columns(self):
        return [
            Column("排查日期", "found_on", required=True, kind="date"),
            Column("问题类别", "category", required=True, kind="choice", choices=ProblemCategory.values),
            Column("问题描述", "description", required=True, max_length=2000),
            Column("发现来源", "source", kind="choice", choices=ProblemSource.values, help="不填为“网格排查”。"),
            Column("风险等级", "risk_level", kind="choice", choices=RiskLevel.values, help="不填为“中”。"),
            Column("地点（部位）", "location", max_length=200),
            Column("涉及人数", "people_count", kind="int", help="不填为0。"),
            Column("牵头整治单位", "lead_unit", max_length=100),
            Column("整治责任人", "responsible_person", max_length=50),
            Column("整治措施", "measures", max_length=500),
            Column("整治期限", "rectify_due", kind="date", help="不填则按风险等级自动计算。"),
            Column("状态", "status", kind="choice", choices=ProblemStatus.values),
            Column("解决日期", "resolved_on", kind="date"),
            Column("整治结果", "result", max_length=500),
            Column("移交日期", "transferred_on", kind="date"),
            Column("移交单位", "transferred_to", max_length=100),
        ]

    def target_status(self, values, instance):
        if values.get("status"):
            return values["status"]
        if values.get("resolved_on") is not None:
            return ProblemStatus.SOLVED
        if values.get("transferred_on") is not None:
            return ProblemStatus.TRANSFERRED
        return None

    def effective(self, ctx, payload, instance):
        if payload.get("rectify_due") is None and payload.get("found_on"):
            probe = PublicOrderProblem(
                found_on=payload["found_on"], risk_level=payload.get("risk_level") or instance.risk_level
            )
            return {**payload, "rectify_due": probe.default_rectify_due()}
        return payload
