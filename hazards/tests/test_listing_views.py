"""The 挂牌督办 pages: the ledger's inherited view tests (ledger.testing.LedgerViewTests), with the role
matrix of a listing (county staff list, the township fills in the 五落实), the detail page's cards and
the 督办函 page."""

import datetime
import itertools

import pytest

from hazards import services
from hazards.models import HazardListing
from hazards.workflow import LISTING_WORKFLOW
from ledger.testing import ANON, LedgerViewTests, xlsx_of
from sanzero.testing import check_role_matrix

from .helpers import PLAN

pytestmark = pytest.mark.django_db
D = datetime.date
_numbers = itertools.count(1)


def major_hazard(world, subject, user="admin"):
    return services.hazard_create(
        actor=world.users[user],
        data={
            "subject": subject,
            "found_on": D(2026, 3, 2),
            "category": "消防",
            "level": "重大",
            "description": f"仓库堆放易燃物{next(_numbers)}",
        },
    )


class TestListingViews(LedgerViewTests):
    model = HazardListing
    workflow = LISTING_WORKFLOW
    sheet = "listings"
    list_queries = 7

    def make(self, world, subject, user="county"):
        return services.listing_create(
            actor=world.users["county"],
            data={
                "hazard": major_hazard(world, subject),
                "tier": "县安委会",
                "notice_number": f"测安委〔2026〕{next(_numbers)}号",
                "listed_on": D(2026, 3, 3),
                "deadline": D(2026, 3, 31),
            },
        )

    def form_data(self, world, subject):
        return {
            "hazard": major_hazard(world, subject).pk,
            "tier": "市安委会",
            "notice_number": f"测市安委〔2026〕{next(_numbers)}号",
            "listed_on": "2026-03-05",
            "deadline": "2026-04-30",
            "requirement": "",
            **{k: v for k, v in PLAN.items() if k != "plan_deadline"},
            "plan_deadline": "2026-03-28",
        }

    def sheet_row(self, world):
        major_hazard(world, world.shop_a)
        return {
            "所属区划代码": "990121100200",
            "主体名称": "甲一村超市",
            "隐患发现日期": "2026-03-02",
            "隐患描述": HazardListing.objects.none().model.hazard.field.related_model.objects.get().description,
            "挂牌层级": "县安委会",
            "督办通知书文号": "测安委〔2026〕99号",
            "挂牌日期": "2026-03-03",
            "整改时限": "2026-03-31",
        }

    # --- a listing's own matrix: county staff list; the township's users edit (the 五落实) ------------
    def test_every_role_sees_its_scope_on_the_five_pages(self, world, client_as):
        mine = self.make(world, world.shop_a)
        theirs = self.make(world, world.shop_b)
        school = self.make(world, world.school_a)
        responses = check_role_matrix(
            client_as,
            "/listings/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 200},
        )
        listed = {
            role: {row.record.pk for row in r.context["table"].rows}
            for role, r in responses.items()
            if role != "anonymous"
        }
        assert listed == {
            "admin": {mine.pk, theirs.pk, school.pk},
            "county": {mine.pk, theirs.pk, school.pk},
            "clerk_a": {mine.pk, school.pk},
            "clerk_b": {theirs.pk},
            "grid_a": {mine.pk},
            "dept_edu": {school.pk},
        }
        check_role_matrix(
            client_as,
            f"/listings/{mine.pk}/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
        )
        check_role_matrix(
            client_as,
            f"/listings/{mine.pk}/edit/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
        )
        check_role_matrix(
            client_as,
            "/listings/new/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 403, "clerk_b": 403, "grid_a": 403, "dept_edu": 403},
        )

    def test_a_new_entry_from_the_form_is_audited_by_its_clerk(self, world, client_as):
        """挂牌 from the form is county staff's: audited by them, the subject taken from the hazard."""
        data = self.form_data(world, world.shop_a)
        response = client_as("county").post("/listings/new/", data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        entry = HazardListing.objects.get()
        assert (entry.created_by, entry.subject, entry.tier) == (world.users["county"], world.shop_a, "市安委会")
        assert entry.history.get().history_user == world.users["county"]
        assert not entry.missing_plan()

    def test_a_valid_sheet_row_imports_and_importing_it_again_changes_nothing(self, world):
        from sanzero.importing.engine import import_file

        row = self.sheet_row(world)
        data = xlsx_of([list(row), list(row.values())])
        first = import_file(actor=world.users["county"], kind=self.sheet, file=data, dry_run=False)
        assert first.ok and first.new == 1, first.errors
        again = import_file(actor=world.users["county"], kind=self.sheet, file=data, dry_run=False)
        assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 1), again.errors
        entry = HazardListing.objects.get()
        assert entry.history.count() == 1 and entry.created_by == world.users["county"]

    def test_an_attachment_is_uploaded_listed_downloaded_and_scoped(self, world, client_as, settings, tmp_path):
        from ledger.models import Attachment
        from ledger.tests.attachment_files import PDF, upload

        settings.MEDIA_ROOT = tmp_path
        entry = self.make(world, world.shop_a)
        base = f"/listings/{entry.pk}/attachments/"
        for role, status in (("clerk_b", 404), ("dept_edu", 404)):
            assert (
                client_as(role).post(base, {"kind": "other", "file": upload("通知书.pdf", PDF)}).status_code == status
            )
        response = client_as("county").post(base, {"kind": "other", "file": upload("督办通知书.pdf", PDF)}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["已上传附件“督办通知书.pdf”。"]
        attachment = Attachment.objects.get()
        assert client_as("clerk_a").get(f"{base}{attachment.pk}/")["Content-Type"] == "application/pdf"
        assert client_as("clerk_b").get(f"{base}{attachment.pk}/").status_code == 404
