"""The tests every ledger inherits (NetBox's ViewTestCases, for this product).

A ledger's tests/test_views.py declares one class::

    class TestCaseViews(LedgerViewTests):
        model = PoliceCase
        sheet = "cases"
        list_queries = 6

        def make(self, world, subject, user="clerk_a"):   # an entry of `subject`, created by `user`
            return services.police_case_create(actor=world.users[user], data={...})

        def form_data(self, world, subject):              # what the web form posts for a new entry
            return {"subject": subject.pk, "occurred_on": "2026-03-02", ...}

        def sheet_row(self, world):                       # {header: value} of one valid import row
            return {"所属区划代码": ..., "主体名称": ..., ...}

and gets, with the fixture county of units.testing (entries at 甲一村超市: 甲镇, 甲一村, 市场监督管理局):
the role matrix of its five URLs, 404 out of scope for another township's clerk, a stale edit refused,
a list whose query count does not grow with its rows, and an import round trip (a valid row imports;
importing it again changes nothing). A ledger with personal data also mixes in PersonalDataViewTests:
its fields masked on the list and page until a permitted user's logged reveal.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine

from sanzero.models import AccessLog
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of

ANON = {"anonymous": 302}
TODAY = datetime.datetime(2026, 3, 16, 10, 0)


def xlsx_of(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class LedgerViewTests:
    model: type
    #: the ledger's Workflow (its steps' URLs are checked for scope too)
    workflow = None
    sheet: str = ""
    #: queries of one list page, whatever its number of rows (pinned)
    list_queries: int | None = None

    @pytest.fixture(autouse=True)
    def _fixed_clock(self):
        with time_machine.travel(TODAY, tick=False):
            yield

    # --- what a ledger's test class provides --------------------------------------------------
    def make(self, world, subject, user: str = "clerk_a"):
        raise NotImplementedError

    def form_data(self, world, subject) -> dict:
        raise NotImplementedError

    def sheet_row(self, world) -> dict:
        raise NotImplementedError

    # --- helpers ----------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return f"/{self.model.URL_PREFIX}"

    # --- the tests ----------------------------------------------------------------------------------
    def test_every_role_sees_its_scope_on_the_five_pages(self, world, client_as):
        mine = self.make(world, world.shop_a)
        theirs = self.make(world, world.shop_b, user="clerk_b")
        responses = check_role_matrix(
            client_as,
            f"{self.prefix}/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 200},
        )
        listed = {
            role: {row.record.pk for row in r.context["table"].rows}
            for role, r in responses.items()
            if role != "anonymous"
        }
        assert listed == {
            "admin": {mine.pk, theirs.pk},
            "county": {mine.pk, theirs.pk},
            "clerk_a": {mine.pk},
            "clerk_b": {theirs.pk},
            "grid_a": {mine.pk},
            "dept_edu": set(),
        }
        check_role_matrix(
            client_as,
            f"{self.prefix}/{mine.pk}/",
            {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
        )
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

    def test_another_townships_clerk_gets_404_and_changes_nothing(self, world, client_as):
        entry = self.make(world, world.shop_a)
        client = client_as("clerk_b")
        urls = [f"{self.prefix}/{entry.pk}/", f"{self.prefix}/{entry.pk}/edit/"]
        urls += [f"{self.prefix}/{entry.pk}/do/{t.name}/" for t in (self.workflow.transitions if self.workflow else ())]
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"version": entry.version}).status_code == 404, url
        fresh = type(entry).objects.get(pk=entry.pk)
        assert (fresh.version, fresh.status) == (entry.version, entry.status)

    def test_a_new_entry_from_the_form_is_audited_by_its_clerk(self, world, client_as):
        response = client_as("clerk_a").post(f"{self.prefix}/new/", self.form_data(world, world.shop_a))
        assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
        entry = self.model.objects.get()
        assert entry.created_by == world.users["clerk_a"]
        assert entry.history.get().history_user == world.users["clerk_a"]

    def test_a_stale_edit_is_refused_and_changes_nothing(self, world, client_as):
        entry = self.make(world, world.shop_a)
        data = {**self.form_data(world, world.shop_a), "version": entry.version}
        assert client_as("grid_a").post(f"{self.prefix}/{entry.pk}/edit/", data).status_code == 302
        stale = client_as("clerk_a").post(f"{self.prefix}/{entry.pk}/edit/", data)  # the version it loaded
        assert stale.status_code == 400
        assert "其他用户修改" in " ".join(stale.context["form"].non_field_errors())
        assert type(entry).objects.get(pk=entry.pk).version == entry.version + 1

    def test_the_list_costs_the_same_queries_for_3_and_30_entries(self, world, client_as):
        client = client_as("county")
        subjects = (world.shop_a, world.school_a, world.shop_b)

        def add(rows):
            for i in rows:
                self.make(world, subjects[i % 3], user="clerk_b" if i % 3 == 2 else "clerk_a")

        flat = assert_flat_queries(lambda: queries_of(client, f"{self.prefix}/"), add=add, expected=self.list_queries)
        assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 25]

    def test_a_valid_sheet_row_imports_and_importing_it_again_changes_nothing(self, world):
        from sanzero.importing.base import get_kind
        from sanzero.importing.engine import import_file

        row = self.sheet_row(world)
        data = xlsx_of([list(row), list(row.values())])
        assert set(row) <= set(get_kind(self.sheet).spec().headers)
        first = import_file(actor=world.users["clerk_a"], kind=self.sheet, file=data, dry_run=False)
        assert first.ok and first.new == 1, first.errors
        again = import_file(actor=world.users["clerk_a"], kind=self.sheet, file=data, dry_run=False)
        assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 1), again.errors
        entry = self.model.objects.get()
        assert entry.history.count() == 1 and entry.created_by == world.users["clerk_a"]

    def test_an_attachment_is_uploaded_listed_downloaded_and_scoped(self, world, client_as, settings, tmp_path):
        from ledger.models import Attachment, AttachmentKind
        from ledger.tests.attachment_files import PDF, upload

        settings.MEDIA_ROOT = tmp_path
        entry = self.make(world, world.shop_a)
        kind = self.model.ATTACHMENT_KINDS[0]
        base = f"{self.prefix}/{entry.pk}/attachments/"
        for role, status in (("clerk_b", 404), ("dept_edu", 404), ("county", 403)):
            refused = client_as(role).post(base, {"kind": kind, "file": upload("扫描件.pdf", PDF)})
            assert refused.status_code == status, role
        response = client_as("clerk_a").post(base, {"kind": kind, "file": upload("扫描件.pdf", PDF)}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["已上传附件“扫描件.pdf”。"]
        attachment = Attachment.objects.get()
        assert attachment.entry == entry and attachment.mime_type == "application/pdf"
        page = response.content.decode()
        assert "扫描件.pdf" in page and AttachmentKind(kind).label in page and "上传附件" in page
        download = f"{base}{attachment.pk}/"
        assert client_as("county").get(download)["Content-Type"] == "application/pdf"
        assert client_as("clerk_b").get(download).status_code == 404

    def test_the_new_entry_form_takes_a_photo_when_the_ledger_offers_one(self, world, client_as, settings, tmp_path):
        from ledger.models import Attachment
        from ledger.tests.attachment_files import PDF, jpeg, upload

        settings.MEDIA_ROOT = tmp_path
        client = client_as("grid_a")
        form_page = client.get(f"{self.prefix}/new/").content.decode()
        if self.model.PHOTO_KIND is None:
            assert 'name="photo"' not in form_page
            return
        assert 'accept="image/*" capture="environment"' in form_page and 'enctype="multipart/form-data"' in form_page
        data = self.form_data(world, world.shop_a)
        refused = client.post(f"{self.prefix}/new/", {**data, "photo": upload("现场.jpg", PDF)})
        assert refused.status_code == 400 and not self.model.objects.exists()
        assert "文件“现场.jpg”的扩展名是 .jpg，但内容是PDF 文件" in " ".join(refused.context["form"].errors["photo"])
        not_a_photo = client.post(f"{self.prefix}/new/", {**data, "photo": upload("协议.pdf", PDF)})
        assert "文件“协议.pdf”不是照片" in " ".join(not_a_photo.context["form"].errors["photo"])
        assert client.post(f"{self.prefix}/new/", {**data, "photo": jpeg("现场.jpg")}).status_code == 302
        entry = self.model.objects.get()
        attachment = Attachment.objects.get()
        assert (attachment.entry, attachment.kind, attachment.uploaded_by) == (
            entry,
            self.model.PHOTO_KIND,
            world.users["grid_a"],
        )
        assert client.post(f"{self.prefix}/new/", data).status_code == 302  # the photo stays optional
        assert Attachment.objects.count() == 1


class PersonalDataViewTests:
    """For a ledger that keeps personal data: mix in beside LedgerViewTests and set ``personal``."""

    #: personal fields as (field, stored value, what the list and page show instead)
    personal: tuple[tuple[str, str, str], ...] = ()

    def test_personal_data_is_masked_until_a_logged_reveal(self, world, client_as):
        entry = self.make(world, world.shop_a)
        client = client_as("clerk_a")
        listing = client.get(f"{self.prefix}/").content.decode()
        page = client.get(f"{self.prefix}/{entry.pk}/").content.decode()
        for _, raw, masked in self.personal:
            assert raw not in listing and raw not in page, raw
            assert masked in page, masked
        revealed = client.post(f"{self.prefix}/{entry.pk}/").content.decode()
        assert all(raw in revealed for _, raw, _ in self.personal)
        log = AccessLog.objects.get()
        assert (log.user, log.object_id) == (world.users["clerk_a"], str(entry.pk))
        assert client_as("grid_a").post(f"{self.prefix}/{entry.pk}/").status_code == 403
