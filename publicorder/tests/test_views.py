"""The 治安问题 pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests) — a ledger added by
copying cases/ gets the role matrix, another township's 404, the stale edit, flat queries, the import
round trip and attachments by declaring its model, its factory and one import row."""

import datetime

import pytest

from ledger.testing import LedgerViewTests
from publicorder import services
from publicorder.models import PublicOrderProblem
from publicorder.workflow import PROBLEM_WORKFLOW

pytestmark = pytest.mark.django_db


class TestPublicOrderViews(LedgerViewTests):
    model = PublicOrderProblem
    workflow = PROBLEM_WORKFLOW
    sheet = "public_order"
    list_queries = 7

    def make(self, world, subject, user="clerk_a"):
        return services.public_order_problem_create(
            actor=world.users[user],
            data={
                "subject": subject,
                "found_on": datetime.date(2026, 3, 2),
                "category": "出租房屋",
                "description": "出租房屋未登记承租人信息",
            },
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "found_on": "2026-03-02",
            "category": "治安乱点",
            "source": "网格排查",
            "risk_level": "高",
            "location": "村口广场",
            "description": "夜间聚集喧哗，酒后滋事",
            "people_count": "",
            "lead_unit": "甲镇派出所",
            "responsible_person": "",
            "measures": "",
            "rectify_due": "",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "排查日期": "2026-03-02",
            "问题类别": "盗抢骗多发",
            "问题描述": "电动车电瓶被盗多发",
            "风险等级": "低",
        }
