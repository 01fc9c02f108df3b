"""The hazard and accident pages: the ledgers' inherited view tests (ledger.testing.LedgerViewTests)."""

import datetime

import pytest

from hazards import services
from hazards.models import Accident, Hazard
from hazards.workflow import ACCIDENT_WORKFLOW, HAZARD_WORKFLOW
from ledger.testing import LedgerViewTests

pytestmark = pytest.mark.django_db


class TestHazardViews(LedgerViewTests):
    model = Hazard
    workflow = HAZARD_WORKFLOW
    sheet = "hazards"
    list_queries = 7

    def make(self, world, subject, user="clerk_a"):
        return services.hazard_create(
            actor=world.users[user],
            data={
                "subject": subject,
                "found_on": datetime.date(2026, 3, 2),
                "category": "消防",
                "level": "一般",
                "description": "灭火器过期",
            },
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "found_on": "2026-03-02",
            "category": "用电",
            "level": "一般",
            "description": "私拉电线",
            "rectify_due": "",
            "responsible_person": "",
            "measures": "",
            "plan_responsibility": "",
            "plan_measures": "",
            "plan_funds": "",
            "plan_deadline": "",
            "plan_contingency": "",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "发现日期": "2026-03-02",
            "隐患类别": "消防",
            "隐患等级": "一般",
            "隐患描述": "灭火器过期",
            "状态": "已销号",
            "整改完成日期": "2026-03-05",
            "验收人": "county",
            "验收日期": "2026-03-06",
        }


class TestAccidentViews(LedgerViewTests):
    model = Accident
    workflow = ACCIDENT_WORKFLOW
    sheet = "accidents"
    list_queries = 7

    def make(self, world, subject, user="clerk_a"):
        return services.accident_create(
            actor=world.users[user],
            data={"subject": subject, "occurred_on": datetime.date(2026, 3, 2), "kind": "火灾", "injuries": 1},
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "occurred_on": "2026-03-02",
            "kind": "溺水",
            "deaths": 0,
            "injuries": 0,
            "serious_injuries": "",
            "direct_loss": "0",
            "summary": "",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "发生日期": "2026-03-02",
            "事故类型": "燃气",
            "受伤人数": 2,
            "重伤人数": 1,
        }
