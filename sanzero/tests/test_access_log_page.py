"""个人信息访问记录 (/settings/access-log/): county staff and administrators read who revealed or
exported personal data; clerks and the rest get 403; a county user sees its county's users only."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine

from sanzero.models import AccessLog
from sanzero.privacy import access_log_create
from sanzero.testing import PASSWORD, assert_flat_queries, check_role_matrix, queries_of
from units import services as unit_services
from units.models import RegionLevel

pytestmark = pytest.mark.django_db
URL = "/settings/access-log/"


def log(user, action="reveal", object_id="7", fields=("id_number",), detail=""):
    return access_log_create(
        actor=user, action=action, object_label="petitions.petition", object_id=object_id, fields=fields, detail=detail
    )


def other_county_clerk():
    county = unit_services.region_create(
        actor=None, code="990122000000", name="邻县", level=RegionLevel.COUNTY, parent=None
    )
    town = unit_services.region_create(
        actor=None, code="990122100000", name="丙镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    return unit_services.user_create(
        actor=None,
        username="clerk_c",
        role="clerk",
        region_codes=[town.code],
        password=PASSWORD,
        check_password_strength=False,
    )


def listed(response) -> list[AccessLog]:
    return [row.record for row in response.context["table"].page.object_list]


def test_only_county_staff_and_administrators_may_read_it(world, client_as):
    log(world.users["clerk_a"])
    check_role_matrix(
        client_as,
        URL,
        {"admin": 200, "county": 200, "clerk_a": 403, "clerk_b": 403, "grid_a": 403, "dept_edu": 403, "anonymous": 302},
    )
    check_role_matrix(client_as, URL + "?export=xlsx", {"clerk_a": 403, "dept_edu": 403, "anonymous": 302})
    assert "个人信息访问记录" in client_as("county").get("/").content.decode()  # in the 设置 menu
    assert "/settings/access-log/" not in client_as("clerk_a").get("/").content.decode()


def test_a_county_user_sees_its_countys_users_and_an_administrator_everyone(world, client_as):
    mine = log(world.users["clerk_a"])
    own = log(world.users["county"], object_id="8")
    foreign = log(other_county_clerk(), object_id="9")
    admins = log(world.users["admin"], object_id="10")
    assert set(listed(client_as("county").get(URL))) == {mine, own}
    assert set(listed(client_as("admin").get(URL))) == {mine, own, foreign, admins}
    # the user filter offers only users in scope; a foreign user's id is not a valid choice
    page = client_as("county").get(URL, {"user": foreign.user_id})
    assert page.status_code == 200 and listed(page) == []
    assert "clerk_c" not in client_as("county").get(URL).content.decode()


def test_the_page_says_who_when_what_which_record_and_which_fields(world, client_as):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 30, tzinfo=datetime.UTC), tick=False):
        log(world.users["clerk_a"], fields=("id_number", "phone"))
    text = client_as("county").get(URL).content.decode()
    assert "2026-03-16 18:30:00" in text  # Asia/Shanghai
    assert "clerk_a" in text and "查看完整个人信息" in text
    assert 'href="/petitions/7/"' in text and "信访 #7" in text
    assert "身份证号、联系电话" in text


def test_filters_by_user_action_and_date(world, client_as):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC), tick=False):
        early = log(world.users["clerk_a"])
    with time_machine.travel(datetime.datetime(2026, 3, 20, 2, 0, tzinfo=datetime.UTC), tick=False):
        export = log(
            world.users["clerk_b"], action="export", object_id="", fields=("身份证号",), detail="信访台账，3行"
        )
    client = client_as("county")
    assert listed(client.get(URL, {"user": world.users["clerk_a"].pk})) == [early]
    assert listed(client.get(URL, {"action": "export"})) == [export]
    assert listed(client.get(URL, {"date_from": "2026-03-10"})) == [export]
    assert listed(client.get(URL, {"date_to": "2026-03-10"})) == [early]
    assert listed(client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-19"})) == []


@pytest.mark.parametrize(
    "params",
    [
        {"user": "abc"},
        {"user": "-1"},
        {"user": "99999999999999999999999"},
        {"action": "\x00"},
        {"date_from": "2026-13-45"},
        {"date_to": "' OR 1=1 --"},
        {"page": "-1"},
        {"page": "99999"},
        {"per_page": "-1"},
        {"sort": "password"},
        {"user": "<script>alert(1)</script>"},
        {"export": "csv"},
    ],
)
def test_hostile_parameters_never_give_a_500(world, client_as, params):
    log(world.users["clerk_a"])
    assert client_as("county").get(URL, params).status_code in (200, 404)


def test_paginated_with_the_same_queries_for_3_and_30_entries(world, client_as):
    client = client_as("county")

    def add(rows):
        for i in rows:
            log(world.users["clerk_a" if i % 2 else "clerk_b"], object_id=str(i + 1))

    flat = assert_flat_queries(lambda: queries_of(client, URL), add=add)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 25]
    assert "共 <strong>30</strong> 条" in flat.responses[-1].content.decode()


def test_the_export_holds_the_rows_of_the_filter(world, client_as):
    log(world.users["clerk_a"], object_id="7")
    log(world.users["clerk_b"], object_id="8")
    log(other_county_clerk(), object_id="9")
    response = client_as("county").get(URL, {"user": world.users["clerk_a"].pk, "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    text = "\n".join(str(v) for row in values for v in row if v is not None)
    assert "信访 #7" in text and "信访 #8" not in text and "信访 #9" not in text
    assert "身份证号" in text


def test_every_reveal_and_every_export_with_personal_data_leaves_a_row_here(world, client_as):
    from petitions import services as petition_services

    entry = petition_services.petition_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "received_on": datetime.date(2026, 1, 30),
            "channel": "来访",
            "type": "申诉求决",
            "id_number": "11010519491231002X",
            "phone": "13812341234",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "要求公开村务账目",
        },
    )
    clerk = client_as("clerk_a")
    clerk.post(f"/petitions/{entry.pk}/")
    assert clerk.get("/petitions/", {"export": "xlsx"}).status_code == 200
    clerk.post(f"/subjects/{world.shop_a.pk}/")
    actions = sorted((r.action, r.object_label) for r in listed(client_as("county").get(URL)))
    assert actions == [("export", "petitions.petition"), ("reveal", "petitions.petition"), ("reveal", "units.subject")]
