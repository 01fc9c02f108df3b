"""The 刑事/治安案件 import sheet (DESIGN §7): the case as registered (its 侦办 steps are done on the web)."""

from __future__ import annotations

from ledger.imports import LedgerSheet
from sanzero.xlsx import Column, RowError

from .choices import CaseKind
from .forms import PoliceCaseForm
from .models import PoliceCase
from .services import police_case_create, police_case_update


class CaseSheet(LedgerSheet):
    name = "cases"
    position = 70
    label = "刑事/治安案件"
    sheet_name = "刑事治安案件"
    model = PoliceCase
    form_class = PoliceCaseForm
    create_service = police_case_create
    update_service = police_case_update
    date_field = "occurred_on"
    date_header = "发案日期"
    key_fields = ("kind", "cause")
    service_fields = ("subject", "occurred_on", "kind", "major_influence", "cause", "summary", "unit")
    key_description = "所属区划代码 + 主体名称 + 发案日期 + 案件类别 + 案由"
    duplicate_header = "案由"
    notes = ("“是否有重大影响”仅对治安案件填写；刑事案件一律计入零案件。",)

    def columns(self):
        return [
            Column("发案日期", "occurred_on", required=True, kind="date"),
            Column("案件类别", "kind", required=True, kind="choice", choices=CaseKind.values),
            Column("是否有重大影响", "major_influence", kind="bool", help="仅治安案件填写。"),
            Column("案由", "cause", max_length=100),
            Column("简要案情", "summary", max_length=2000),
            Column("办案单位", "unit", max_length=100),
        ]

    def row_warnings(self, row, values, payload):
        if values.get("kind") == CaseKind.CRIMINAL and values.get("major_influence"):
            return [RowError(row, "是否有重大影响", "刑事案件不填写此项（一律计入零案件），已按“否”处理")]
        return []
