"""The petition pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests)."""

import datetime

import pytest

from ledger.testing import LedgerViewTests, PersonalDataViewTests
from petitions import services
from petitions.models import Petition
from petitions.workflow import PETITION_WORKFLOW

pytestmark = pytest.mark.django_db


class TestPetitionViews(LedgerViewTests, PersonalDataViewTests):
    model = Petition
    workflow = PETITION_WORKFLOW
    sheet = "petitions"
    list_queries = 7
    personal = (("id_number", "11010519491231002X", "110105********002X"), ("phone", "13812341234", "138****1234"))

    def make(self, world, subject, user="clerk_a"):
        return services.petition_create(
            actor=world.users[user],
            data={
                "subject": subject,
                "received_on": datetime.date(2026, 1, 30),
                "channel": "来访",
                "type": "申诉求决",
                "petitioner_name": "张伟",
                "id_number": "11010519491231002X",
                "phone": "13812341234",
                "headcount": 1,
                "level_reached": "乡镇",
                "content": "要求公开村务账目",
            },
        )

    def form_data(self, world, subject):
        return {
            "subject": subject.pk,
            "received_on": "2026-01-30",
            "channel": "来访",
            "type": "申诉求决",
            "petitioner_name": "",
            "id_number": "",
            "phone": "",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "反映道路积水",
            "source": "本级受理",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "登记日期": "2026-03-02",
            "信访形式": "来信",
            "诉求内容": "反映道路积水",
            "状态": "已答复",
            "答复日期": "2026-03-10",
        }
