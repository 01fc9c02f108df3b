"""Issue 14: 重复访. The flag is the clerk's; the system suggests it from the keyed hash of the ID number
(never the plaintext): the same petitioner's earlier petitions this year, in the user's scope, on the
form (htmx, a POST), on the page, as a list filter (疑似重复访) and as an import warning."""

import datetime

import pytest

from ledger.testing import xlsx_of
from petitions.models import Petition
from petitions.tests.helpers import ID, petition
from sanzero.importing.engine import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
OTHER_ID = "110105198001010040"


def test_the_suggestion_matches_by_hash_in_the_same_year_and_the_users_scope(
    world, client_as, django_assert_max_num_queries
):
    earlier = petition(world, received_on=datetime.date(2026, 1, 10))
    petition(world, received_on=datetime.date(2025, 11, 3))  # last year: not this year's 重复访
    petition(world, id_number=OTHER_ID, received_on=datetime.date(2026, 1, 12))  # someone else
    petition(world, user="clerk_b", subject=world.shop_b, received_on=datetime.date(2026, 1, 11))  # 乙镇's
    # the matching is by the keyed hash: the stored column is ciphertext, never compared
    assert Petition.objects.filter(id_number_hash=earlier.id_number_hash).count() == 3
    client = client_as("clerk_a")
    html = client.post(
        "/petitions/repeat-check/", {"id_number": ID.lower(), "received_on": "2026-03-02"}
    ).content.decode()
    assert "2026年已登记1件信访" in html and earlier.case_number in html and "是否重复访" in html
    # 乙镇's clerk sees its own one only; the county sees both townships'
    html_b = client_as("clerk_b").post("/petitions/repeat-check/", {"id_number": ID, "received_on": "2026-03-02"})
    assert "已登记1件信访" in html_b.content.decode() and earlier.case_number not in html_b.content.decode()
    county = client_as("county")
    assert county.post("/petitions/repeat-check/", {"id_number": ID, "received_on": "2026-03-02"}).status_code == 403
    assert (
        client_as("admin")
        .post("/petitions/repeat-check/", {"id_number": ID, "received_on": "2026-03-02"})
        .content.decode()
        .count("<li>")
        == 2
    )
    # an incomplete number says so; no number, nothing
    assert (
        "校验无误后"
        in client.post("/petitions/repeat-check/", {"id_number": "1101", "received_on": "2026-03-02"}).content.decode()
    )
    assert client.post("/petitions/repeat-check/", {"received_on": "2026-03-02"}).content.decode().strip() == ""
    assert client.get("/petitions/repeat-check/").status_code == 405


def test_an_edit_left_blank_uses_the_stored_number_and_the_page_lists_the_earlier_ones(world, client_as):
    earlier = petition(world, received_on=datetime.date(2026, 1, 10))
    again = petition(world, received_on=datetime.date(2026, 2, 20))
    client = client_as("clerk_a")
    html = client.post(
        "/petitions/repeat-check/", {"petition": again.pk, "id_number": "", "received_on": ""}
    ).content.decode()
    assert earlier.case_number in html and again.case_number not in html
    form = client.get(f"/petitions/{again.pk}/edit/").content.decode()
    assert 'id="repeat-hint"' in form and 'hx-post="/petitions/repeat-check/"' in form
    page = client.get(f"/petitions/{again.pk}/").content.decode()
    assert "同一信访人本年度的其他信访" in page and earlier.case_number in page and "本件未标记为重复访" in page
    # the earlier one has none before it
    assert "同一信访人本年度的其他信访" not in client.get(f"/petitions/{earlier.pk}/").content.decode()


def test_the_list_filters_flagged_and_suspected_repeats(world, client_as):
    first = petition(world, received_on=datetime.date(2026, 1, 10))
    flagged = petition(world, received_on=datetime.date(2026, 2, 10), is_repeat=True)
    suspected = petition(world, received_on=datetime.date(2026, 3, 1))
    petition(world, id_number=OTHER_ID, received_on=datetime.date(2026, 3, 2))
    client = client_as("clerk_a")

    def rows(value):
        response = client.get("/petitions/", {"repeat": value})
        return {row.record for row in response.context["table"].page.object_list}

    assert rows("yes") == {flagged}
    assert rows("suspected") == {suspected}
    assert first not in rows("suspected") and flagged in rows("yes")
    assert "重复访</span>" in client.get("/petitions/", {"repeat": "yes"}).content.decode()


def test_an_import_row_of_a_known_petitioner_gets_a_warning_not_an_error(world):
    petition(world, received_on=datetime.date(2026, 1, 10))
    headers = ["所属区划代码", "主体名称", "登记日期", "信访形式", "诉求内容", "身份证号", "是否重复访"]
    rows = [
        ["990121100200", "甲一村超市", "2026-03-02", "来访", "再次反映账目问题", ID, None],
        ["990121100200", "甲一村超市", "2026-03-03", "来访", "反映道路积水", OTHER_ID, None],
        ["990121100200", "甲一村超市", "2026-03-04", "来访", "第三次反映账目问题", ID, "是"],
    ]
    result = import_file(actor=world.users["clerk_a"], kind="petitions", file=xlsx_of([headers, *rows]), dry_run=True)
    assert result.ok, result.errors
    assert [str(w) for w in result.warnings] == [
        "第2行 是否重复访: 该身份证号2026年已登记1件信访（最近一次2026-01-10），如为同一事项再次信访，请填“是”"
    ]
