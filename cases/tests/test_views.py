"""The case pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests)."""

import datetime

import pytest

from cases import services
from cases.models import PoliceCase
from cases.workflow import CASE_WORKFLOW
from ledger.testing import LedgerViewTests

pytestmark = pytest.mark.django_db


class TestCaseViews(LedgerViewTests):
    model = PoliceCase
    workflow = CASE_WORKFLOW
    sheet = "cases"
    list_queries = 6

    def make(self, world, subject, user="clerk_a"):
        return services.police_case_create(
            actor=world.users[user],
            data={"subject": subject, "occurred_on": datetime.date(2026, 3, 2), "kind": "治安", "cause": "殴打他人"},
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "occurred_on": "2026-03-02",
            "kind": "治安",
            "cause": "寻衅滋事",
            "summary": "",
            "unit": "",
            "case_no": "",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "发案日期": "2026-03-02",
            "案件类别": "治安",
            "案由": "赌博",
        }
