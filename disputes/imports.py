"""The 矛盾纠纷 import sheet (DESIGN §7). Its status is reached through the dispute's own workflow: a row
of 已化解 runs 登记化解 (化解日期, 协议形式, 协议内容), 调解不成 runs 调解不成 (its reason), 已移交 runs
调解不成 then 移交 (去向, 说明) — with the web's rules and messages (ledger.imports)."""

from __future__ import annotations

from ledger.imports import LedgerSheet
from sanzero.xlsx import Column

from .choices import (
    AgreementType,
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    HandlingTier,
    RiskColour,
    TransferTarget,
)
from .forms import DisputeForm
from .models import Dispute
from .services import dispute_create, dispute_transition, dispute_update
from .workflow import DISPUTE_WORKFLOW


class DisputeSheet(LedgerSheet):
    name = "disputes"
    position = 30
    label = "矛盾纠纷"
    sheet_name = "矛盾纠纷"
    model = Dispute
    form_class = DisputeForm
    create_service = dispute_create
    update_service = dispute_update
    transition_service = dispute_transition
    workflow = DISPUTE_WORKFLOW
    date_field = "found_on"
    date_header = "登记日期"
    key_fields = ("category", "summary")
    service_fields = (
        "subject",
        "found_on",
        "category",
        "summary",
        "source",
        "parties",
        "people_count",
        "risk_colour",
        "is_major",
        "handling_tier",
        "mediated_on",
        "remarks",
    )
    key_description = "所属区划代码 + 主体名称 + 登记日期 + 纠纷类别 + 简要情况"
    duplicate_header = "简要情况"
    notes = (
        "状态可填：调解中、已化解、调解不成、已移交；不填时，有化解日期的按已化解，否则新纠纷按调解中、已有纠纷保持原状态。",
        "已化解须填写化解日期和协议内容（协议形式不填为书面）；调解不成须填写调解不成原因；已移交还须填写移交去向和移交说明。",
        "状态按办理流程向前推进（调解中 → 已化解/调解不成 → 已移交），与系统中逐步办理的要求相同，不能通过导入退回。",
        "是否重大、调处层级、调处日期为矛盾纠纷排查情况表的统计项，可不填：是否重大不填为否；调处层级不填按调解层级确定；"
        "调处日期不填的，已化解的按化解日期、调解不成或已移交的按登记日期。系统中已有的纠纷，这三列不填时保持原值。",
    )

    def columns(self):
        return [
            Column("登记日期", "found_on", required=True, kind="date"),
            Column("纠纷类别", "category", required=True, kind="choice", choices=DisputeCategory.values),
            Column("简要情况", "summary", required=True, max_length=2000),
            Column("来源", "source", kind="choice", choices=DisputeSource.values, help="不填为“网格排查”。"),
            Column("当事人", "parties", max_length=200, help="多名当事人用“、”分隔。"),
            Column("涉及人数", "people_count", kind="int", help="不填为2人。"),
            Column("风险等级", "risk_colour", kind="choice", choices=RiskColour.values, help="不填为“蓝”。"),
            Column("状态", "status", kind="choice", choices=DisputeStatus.values),
            Column("化解日期", "resolved_on", kind="date", help="状态为已化解时必填。"),
            Column(
                "协议形式",
                "agreement_type",
                kind="choice",
                choices=AgreementType.values,
                help="已化解的纠纷：书面或口头，不填为书面。",
            ),
            Column("协议内容", "agreement", max_length=1000, help="已化解的纠纷必填：双方达成的协议内容及履行方式。"),
            Column("调解不成原因", "fail_reason", max_length=500, help="调解不成或已移交的纠纷必填。"),
            Column("移交去向", "transfer_to", kind="choice", choices=TransferTarget.values, help="已移交的纠纷必填。"),
            Column("移交说明", "transfer_note", max_length=500, help="已移交的纠纷必填：移交的机关及告知当事人情况。"),
            Column("备注", "remarks", max_length=500),
            Column(
                "是否重大",
                "is_major",
                kind="bool",
                help="重大矛盾纠纷填“是”（排查情况表单独统计），不填为“否”。",
            ),
            Column(
                "调处层级",
                "handling_tier",
                kind="choice",
                choices=HandlingTier.values,
                help="调处该纠纷的层级：县、乡镇或村居。不填按调解层级确定（导入的纠纷从第一级开始，一般为村居）。",
            ),
            Column(
                "调处日期",
                "mediated_on",
                kind="date",
                help="组织调解的日期，不早于登记日期。已化解的不填按化解日期，调解不成或已移交的不填按登记日期。",
            ),
        ]

    #: blank cells of these columns keep what the system has (an earlier import, a web edit, or what a step
    #: derived: 登记化解 dates the 调处 on its 化解日期), so importing the same file again changes nothing
    KEEP_WHEN_BLANK = ("handling_tier", "mediated_on")

    def plan(self, ctx, row, values):
        return super().plan(
            ctx, row, {k: v for k, v in values.items() if v is not None or k not in self.KEEP_WHEN_BLANK}
        )

    def target_status(self, values, instance):
        if values.get("status"):
            return values["status"]
        if values.get("resolved_on") is not None:
            return DisputeStatus.RESOLVED
        return None
