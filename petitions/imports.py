"""The 信访 import sheet (DESIGN §7). Its status is reached through the petition's own workflow: 已答复
runs 答复 (答复日期), 已办结 then runs 办结 (办结日期, 满意度), with the web's rules (ledger.imports)."""

from __future__ import annotations

from ledger.imports import LedgerSheet
from sanzero.xlsx import Column

from .choices import PetitionChannel, PetitionLevel, PetitionStatus, PetitionType, Satisfaction
from .forms import PetitionForm
from .models import Petition
from .services import petition_create, petition_transition, petition_update
from .workflow import PETITION_WORKFLOW


class PetitionSheet(LedgerSheet):
    name = "petitions"
    position = 60
    label = "信访"
    sheet_name = "信访"
    model = Petition
    form_class = PetitionForm
    create_service = petition_create
    update_service = petition_update
    transition_service = petition_transition
    workflow = PETITION_WORKFLOW
    date_field = "received_on"
    date_header = "登记日期"
    key_fields = ("petitioner_name", "content")
    service_fields = (
        "subject",
        "received_on",
        "channel",
        "type",
        "petitioner_name",
        "id_number",
        "phone",
        "headcount",
        "level_reached",
        "is_skip_level",
        "is_abnormal",
        "content",
    )
    key_description = "所属区划代码 + 主体名称 + 登记日期 + 信访人 + 诉求内容"
    duplicate_header = "诉求内容"
    notes = (
        "状态可填：办理中、已答复、已办结；已答复须填写答复日期，已办结还须填写办结日期和满意度。",
        "身份证号、联系电话属个人信息，导入后在列表中脱敏显示；身份证号请以文本格式填写（18位，校验位须正确）。",
        "越级访的到访层级至少为县。",
    )

    def columns(self):
        return [
            Column("登记日期", "received_on", required=True, kind="date"),
            Column("信访形式", "channel", required=True, kind="choice", choices=PetitionChannel.values),
            Column("信访类型", "type", kind="choice", choices=PetitionType.values, help="不填为“申诉求决”。"),
            Column("信访人", "petitioner_name", max_length=50, help="匿名检举可不填。"),
            Column("身份证号", "id_number", max_length=30),
            Column("联系电话", "phone", max_length=20),
            Column("人数", "headcount", kind="int", help="不填为1人；5人及以上计为集体访。"),
            Column("到访层级", "level_reached", kind="choice", choices=PetitionLevel.values, help="不填为“乡镇”。"),
            Column("是否越级", "is_skip_level", kind="bool"),
            Column("是否非正常访", "is_abnormal", kind="bool"),
            Column("诉求内容", "content", required=True, max_length=4000),
            Column("状态", "status", kind="choice", choices=PetitionStatus.values),
            Column("答复日期", "replied_on", kind="date"),
            Column("办结日期", "closed_on", kind="date"),
            Column("满意度", "satisfaction", kind="choice", choices=Satisfaction.values),
        ]

    def target_status(self, values, instance):
        if values.get("status"):
            return values["status"]
        if values.get("closed_on") is not None or values.get("satisfaction") is not None:
            return PetitionStatus.CLOSED
        if values.get("replied_on") is not None:
            return PetitionStatus.REPLIED
        return None
