"""What a ledger list says about each entry (issue 10 point 4): the truncated text column with personal
data masked, the township beside the village on county-wide lists, filters and sort remembered per
user and list (across logins), and 批量导出 of the checked rows."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.test import Client

from sanzero.models import ListPreference
from sanzero.services import list_filters_remember
from sanzero.testing import PASSWORD
from sanzero.tests.helpers import ID, MASKED_ID, MASKED_PHONE, PHONE, add_entry, column, read_xlsx

pytestmark = [pytest.mark.django_db]

LONG = "村民甲与村民乙因宅基地边界划分问题多次发生争执，经网格员现场查看后登记调解，当事人情绪较为激动"
#: (list URL, ledger kind for add_entry, the text field, its column header)
TEXT_COLUMNS = [
    ("/disputes/", "disputes", "summary", "简要情况"),
    ("/hazards/", "hazards", "description", "隐患描述"),
    ("/accidents/", "accidents", "summary", "简要经过"),
    ("/petitions/", "petitions", "content", "诉求内容"),
    ("/cases/", "cases", "summary", "简要案情"),
]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def cell_of(html: str, text_start: str) -> str:
    match = re.search(r'<span title="([^"]*)">([^<]*)</span>', html[html.index(text_start) - 400 :])
    assert match, "no text cell"
    return match.group(0)


@pytest.mark.parametrize(("url", "kind", "field", "header"), TEXT_COLUMNS)
def test_the_text_column_shows_20_characters_and_the_whole_text_in_its_title(
    world, client_as, url, kind, field, header
):
    add_entry(world, kind, world.shop_a, 1, **{field: LONG})
    response = client_as("clerk_a").get(url)
    html = response.content.decode()
    assert f">{header}<" in html or f">{header}</" in html or header in html
    shown = LONG[:20] + "…"
    assert f'<span title="{LONG}">{shown}</span>' in html
    assert LONG[20:] not in html.replace(f'title="{LONG}"', "")


def test_id_and_phone_numbers_and_the_parties_are_masked_in_the_text_column(world, client_as):
    summary = f"张三、李小四因排水争执，张三电话{PHONE}，身份证{ID}，已登记"
    add_entry(world, "disputes", world.shop_a, 1, summary=summary, parties="张三、李小四")
    html = client_as("clerk_a").get("/disputes/").content.decode()
    assert PHONE not in html and ID not in html and "张三" not in html and "李小四" not in html
    assert f"张*、李**因排水争执，张*电话{MASKED_PHONE}，身份证{MASKED_ID}，已登记" in html  # the title


def test_a_petitions_content_masks_its_petitioner_and_stays_hidden_from_the_accused_department(world, client_as):
    add_entry(world, "petitions", world.school_a, 1, content="张伟反映学校食堂收费问题", type="检举控告")
    html = client_as("county").get("/petitions/").content.decode()
    assert "张*反映学校食堂收费问题" in html and "张伟" not in html
    edu = client_as("dept_edu").get("/petitions/").content.decode()  # 教育局 supervises the accused school
    assert "食堂" not in edu and "按规定对您不可见" in edu


def test_a_county_list_names_the_township_beside_the_village_a_clerks_the_village(world, client_as):
    add_entry(world, "hazards", world.shop_a, 1)
    add_entry(world, "hazards", world.shop_b, 2)
    county = client_as("county").get("/hazards/").content.decode()
    assert "甲镇 / 甲一村" in county and "乙镇 / 乙一村" in county
    clerk = client_as("clerk_a").get("/hazards/").content.decode()
    assert "甲一村" in clerk and "甲镇 / 甲一村" not in clerk


# --- remembered filters ---------------------------------------------------------------------------------


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_filters_and_sort_are_remembered_across_a_new_login_and_reset_by_clear(world):
    add_entry(world, "hazards", world.shop_a, 1)  # 重大 (odd n)
    add_entry(world, "hazards", world.shop_a, 2)  # 一般
    first = login("clerk_a")
    assert first.get("/hazards/?level=重大&sort=-found_on").status_code == 200
    first.post("/accounts/logout/")

    again = login("clerk_a")
    response = again.get("/hazards/")
    assert response.status_code == 302
    assert response["Location"] == "/hazards/?level=%E9%87%8D%E5%A4%A7&sort=-found_on"
    page = again.get(response["Location"])
    assert [r.record.level for r in page.context["table"].page.object_list] == ["重大"]
    assert "清除筛选" in page.content.decode()

    # another user and another list keep their own
    assert login("county").get("/hazards/").status_code == 200
    assert again.get("/disputes/").status_code == 200

    cleared = again.get("/hazards/?reset_filters=1")
    assert cleared.status_code == 302 and cleared["Location"] == "/hazards/"
    plain = again.get("/hazards/")
    assert plain.status_code == 200 and plain.context["table"].paginator.count == 2
    assert not ListPreference.objects.filter(user=world.users["clerk_a"], list_name="hazards:hazard_list").exists()


def test_a_link_with_a_hidden_filter_or_an_invalid_filter_is_not_remembered(world, client_as):
    client = client_as("clerk_a")
    client.get(f"/hazards/?subject={world.shop_a.pk}")
    client.get("/hazards/?level=不存在的等级")
    client.get("/hazards/?export=xlsx&level=重大")
    assert not ListPreference.objects.exists()


@pytest.mark.parametrize(
    "stored",
    [
        "region=990121101000",  # 乙镇: out of clerk_a's scope now
        "level=不存在",
        "per_page=-1",
        "per_page=99999999999999999999",
        "sort=%00",
        "unknown=1",
        "date_from=2026-13-45",
        "region=%00%27%3B--",
    ],
)
def test_a_bad_stored_value_is_dropped_and_the_list_opens_unfiltered(world, client_as, stored):
    add_entry(world, "hazards", world.shop_a, 1)
    user = world.users["clerk_a"]
    ListPreference.objects.create(user=user, list_name="hazards:hazard_list", query=stored)
    response = client_as("clerk_a").get("/hazards/")
    if response.status_code == 302:  # what validated (an unknown sort is ignored by the table) opens
        response = client_as("clerk_a").get(response["Location"])
        assert response.status_code == 200
        return
    assert response.status_code == 200
    assert "上次保存的筛选条件已失效" in response.content.decode()
    assert not ListPreference.objects.filter(user=user).exists()


def test_the_service_refuses_an_oversized_query_and_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    assert not list_filters_remember(actor=world.users["clerk_a"], list_name="x", query="q=" + "甲" * 2000)
    assert not list_filters_remember(actor=AnonymousUser(), list_name="x", query="q=1")
    assert not ListPreference.objects.exists()


# --- 批量导出 ----------------------------------------------------------------------------------------------


def test_bulk_export_holds_exactly_the_checked_rows_in_scope(world, client_as):
    entries = [add_entry(world, "disputes", world.shop_a, n) for n in range(4)]
    theirs = add_entry(world, "disputes", world.shop_b, 9)
    chosen = [entries[0].pk, entries[2].pk]
    client = client_as("clerk_a")
    html = client.get("/disputes/").content.decode()
    assert 'form="bulk-form"' in html and "批量导出" in html and "data-select-all" in html
    response = client.get("/disputes/", {"export": "xlsx", "id": [*chosen, theirs.pk]})
    headers, rows = read_xlsx(response)
    assert sorted(column(headers, rows, "简要情况")) == ["disputes记录0", "disputes记录2"]  # not 乙镇's


@pytest.mark.parametrize("ids", [["abc"], ["-1"], ["99999999999999999999"], ["１"], ["1"] * 501, ["%00"]])
def test_a_bad_selection_exports_nothing_and_never_fails(world, client_as, ids):
    add_entry(world, "disputes", world.shop_a, 1)
    response = client_as("clerk_a").get("/disputes/", {"export": "xlsx", "id": ids})
    _, rows = read_xlsx(response)
    assert rows == []
    assert client_as("clerk_a").get("/disputes/", {"id": ids}).status_code == 200


def test_only_a_page_size_the_pager_offers_is_remembered(world, client_as):
    client = client_as("clerk_a")
    for size in ("-1", "10000000000000000000", "%00", "25"):
        assert client.get(f"/hazards/?per_page={size}").status_code == 200
    assert not ListPreference.objects.exists()  # 25 is the default: nothing to remember
    client.get("/hazards/?per_page=50")
    assert ListPreference.objects.get().query == "per_page=50"


def test_emptying_the_filter_form_forgets_and_a_page_link_keeps_the_memory(world, client_as):
    client = client_as("clerk_a")
    client.get("/hazards/?level=重大")
    client.get("/hazards/?page=1")  # the pager: no filter field, the memory stays
    assert ListPreference.objects.get().query == "level=%E9%87%8D%E5%A4%A7"
    client.get("/hazards/?q=&level=&category=&per_page=25")  # the form sent with every field empty
    assert not ListPreference.objects.exists()
    assert client.get("/hazards/").status_code == 200
