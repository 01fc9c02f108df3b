"""The person pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests) — the register is a
copy of the ledger shape — with the role matrix of its own role table: no 行业主管部门, and a grid worker
sees only the persons it keeps (包户)."""

import itertools

import pytest

from ledger.testing import ANON, LedgerViewTests
from persons import services
from persons.models import KeyPerson
from persons.workflow import PERSON_WORKFLOW
from sanzero.testing import check_role_matrix

from .helpers import D, nth_id

pytestmark = pytest.mark.django_db
SEQ = itertools.count(1)


class TestKeyPersonViews(LedgerViewTests):
    model = KeyPerson
    workflow = PERSON_WORKFLOW
    sheet = "persons"
    list_queries = 7

    def make(self, world, subject, user="clerk_a"):
        region = subject.region if subject.region.is_village_level else world.village_a2
        return services.key_person_create(
            actor=world.users[user],
            data={
                "subject": region.village_subject,
                "registered_on": D(2026, 3, 1),
                "name": "李四海",
                "id_number": nth_id(next(SEQ)),
                "category": "刑满释放",
                "risk_level": "中",
                "grid_worker": world.users["grid_a"] if region == world.village_a else None,
                "visit_every_days": 15,
            },
        )

    def form_data(self, world, subject):
        return {
            "village": world.village_a.pk,
            "registered_on": "2026-03-01",
            "name": "王小明",
            "id_number": nth_id(next(SEQ)),
            "phone": "",
            "address": "",
            "category": "吸毒",
            "risk_level": "高",
            "grid_worker": "grid_a",
            "visit_every_days": "",
            "note": "",
        }

    def sheet_row(self, world):
        return {
            "所属区划代码": "990121100200",
            "列管日期": "2026-03-01",
            "姓名": "赵六",
            "身份证号": nth_id(next(SEQ)),
            "人员类别": "严重精神障碍",
            "风险等级": "低",
            "包户网格员": "grid_a",
        }

    def test_every_role_sees_its_scope_on_the_five_pages(self, world, client_as):
        """Overrides the ledgers' matrix: the 教育局 user has no view of persons (403 on the list, 404 on a
        person, no menu entry); the grid worker sees the persons it keeps, in its village."""
        mine = self.make(world, world.shop_a)
        theirs = self.make(world, world.shop_b, user="clerk_b")
        unkept = self.make(world, world.school_a)  # 甲城社区: no 包户
        responses = check_role_matrix(
            client_as,
            f"{self.prefix}/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 403},
        )
        listed = {
            role: {row.record.pk for row in r.context["table"].rows}
            for role, r in responses.items()
            if role not in ("anonymous", "dept_edu")
        }
        assert listed == {
            "admin": {mine.pk, theirs.pk, unkept.pk},
            "county": {mine.pk, theirs.pk, unkept.pk},
            "clerk_a": {mine.pk, unkept.pk},
            "clerk_b": {theirs.pk},
            "grid_a": {mine.pk},
        }
        assert "/persons/" not in client_as("dept_edu").get("/").content.decode()  # no menu entry
        assert 'href="/persons/"' in client_as("grid_a").get("/").content.decode()
        detail = {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404}
        check_role_matrix(client_as, f"{self.prefix}/{mine.pk}/", detail)
        check_role_matrix(client_as, f"{self.prefix}/{unkept.pk}/", {**detail, "grid_a": 404})
        check_role_matrix(
            client_as,
            f"{self.prefix}/{mine.pk}/edit/",
            {**ANON, "admin": 200, "county": 403, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
        )
        check_role_matrix(
            client_as,
            f"{self.prefix}/new/",
            {**ANON, "admin": 200, "county": 403, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 403},
        )
