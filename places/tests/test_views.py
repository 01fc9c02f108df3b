"""The key-place pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests) — a ledger added
by copying cases/ gets them by declaring its model, its factory and one import row."""

import datetime

import pytest

from ledger.testing import LedgerViewTests, PersonalDataViewTests
from places import services
from places.models import KeyPlace
from places.workflow import PLACE_WORKFLOW

pytestmark = pytest.mark.django_db


class TestKeyPlaceViews(LedgerViewTests, PersonalDataViewTests):
    model = KeyPlace
    workflow = PLACE_WORKFLOW
    sheet = "places"
    list_queries = 7
    personal = (("phone", "13912345678", "139****5678"),)

    def make(self, world, subject, user="clerk_a"):
        return services.key_place_create(
            actor=world.users[user],
            data={
                "subject": subject,
                "registered_on": datetime.date(2026, 3, 1),
                "name": "欢乐KTV",
                "category": "娱乐场所",
                "phone": "13912345678",
            },
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "registered_on": "2026-03-01",
            "name": "便民网吧",
            "category": "网吧",
            "address": "",
            "responsible_person": "",
            "phone": "",
            "risk_level": "中",
            "inspect_every_days": 30,
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "登记日期": "2026-03-01",
            "场所名称": "快递驿站",
            "场所类别": "寄递物流",
            "风险等级": "低",
            "检查周期(天)": 90,
        }
