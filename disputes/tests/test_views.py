"""The dispute pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests)."""

import datetime

import pytest

from disputes import services
from disputes.models import Dispute
from disputes.workflow import DISPUTE_WORKFLOW
from ledger.testing import LedgerViewTests, PersonalDataViewTests

pytestmark = pytest.mark.django_db


class TestDisputeViews(LedgerViewTests, PersonalDataViewTests):
    model = Dispute
    workflow = DISPUTE_WORKFLOW
    sheet = "disputes"
    list_queries = 8
    personal = (("parties", "张三、李小四", "张*、李**"),)

    def make(self, world, subject, user="clerk_a"):
        return services.dispute_create(
            actor=world.users[user],
            data={
                "subject": subject,
                "found_on": datetime.date(2026, 3, 2),
                "category": "邻里纠纷",
                "summary": "邻居间因排水沟堵塞发生争执",
                "parties": "张三、李小四",
            },
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "found_on": "2026-03-02",
            "category": "邻里纠纷",
            "source": "网格排查",
            "risk_colour": "蓝",
            "people_count": 2,
            "parties": "",
            "summary": "排水沟堵塞",
            "remarks": "",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "登记日期": "2026-03-02",
            "纠纷类别": "邻里纠纷",
            "简要情况": "排水沟堵塞",
            "状态": "已化解",
            "化解日期": "2026-03-04",
            "协议内容": "双方共同疏通",
        }
