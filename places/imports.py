"""The 重点场所 import sheet: the places as registered (inspections are entered on the web)."""

from __future__ import annotations

from ledger.imports import LedgerSheet
from sanzero.xlsx import Column

from .choices import PlaceCategory, RiskLevel
from .forms import KeyPlaceForm
from .models import KeyPlace
from .services import key_place_create, key_place_update


class KeyPlaceSheet(LedgerSheet):
    name = "places"
    position = 75
    label = "重点场所"
    sheet_name = "重点场所"
    model = KeyPlace
    form_class = KeyPlaceForm
    create_service = key_place_create
    update_service = key_place_update
    date_field = "registered_on"
    date_header = "登记日期"
    key_fields = ("name",)
    service_fields = (
        "subject",
        "registered_on",
        "name",
        "category",
        "address",
        "responsible_person",
        "phone",
        "risk_level",
        "inspect_every_days",
    )
    key_description = "所属区划代码 + 主体名称 + 登记日期 + 场所名称"
    duplicate_header = "场所名称"
    notes = (
        "检查周期不填按风险等级：高7天、中30天、低90天（已登记的场所保持原周期）；逾期未检查的场所列入督办。",
        "联系电话属个人信息，导入后在列表中脱敏显示。",
    )

    def columns(self):
        return [
            Column("登记日期", "registered_on", required=True, kind="date"),
            Column("场所名称", "name", required=True, max_length=100),
            Column("场所类别", "category", required=True, kind="choice", choices=PlaceCategory.values),
            Column("地址", "address", max_length=200),
            Column("负责人", "responsible_person", max_length=50),
            Column("联系电话", "phone", max_length=20),
            Column("风险等级", "risk_level", kind="choice", choices=RiskLevel.values, help="不填为“中”。"),
            Column("检查周期(天)", "inspect_every_days", kind="int", help="1–365天，不填按风险等级。"),
        ]

    def base_data(self, instance) -> dict:
        data = super().base_data(instance)
        if instance is None:
            data["inspect_every_days"] = None  # blank on a new place: the risk level's period (the form's)
        return data
