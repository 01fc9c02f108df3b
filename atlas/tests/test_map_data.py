"""The 一张图's data (/map/data/): what the page gets for a township clerk, the county, a department and
a grid worker: the right subjects with their verdict colours and overdue counts, the areas with their
rates and outlines, nothing outside the user's scope; the filters; a fixed number of queries."""

from __future__ import annotations

import pytest
import time_machine

from atlas.tests.helpers import MONTH, TODAY, build_map_world
from sanzero.testing import assert_flat_queries, queries_of

pytestmark = [pytest.mark.django_db]

URL = "/map/data/"


@pytest.fixture
def mapped(world):
    return build_map_world(world)


def _get(client, query=""):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(f"{URL}?{query}")
    return response


def _points(data) -> dict[str, dict]:
    fields = data["point_fields"]
    return {p[fields.index("name")]: dict(zip(fields, p, strict=True)) for p in data["points"]}


def test_a_township_clerk_gets_its_subjects_coloured_by_the_verdict_with_their_overdue_items(world, mapped, client_as):
    response = _get(client_as("clerk_a"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["region"]["code"] == world.town_a.code and data["month"] == "2026-03"
    points = _points(data)
    # 甲镇's located subjects; 甲城社区 has no coordinates; nothing of 乙镇
    assert set(points) == {"甲一村超市", "甲镇中心学校", "甲一村"}
    assert points["甲一村超市"]["verdict"] == 0 and points["甲一村超市"]["overdue"] == 1
    assert points["甲镇中心学校"]["verdict"] == 1 and points["甲镇中心学校"]["overdue"] == 2
    assert points["甲一村"]["verdict"] == 1 and points["甲一村"]["overdue"] == 0
    assert (points["甲一村超市"]["lon"], points["甲一村超市"]["lat"]) == (113.11, 36.11)
    assert data["counts"] == {
        "subjects": 4,
        "computed": 4,
        "passed": 3,
        "failed": 1,
        "uncomputed": 0,
        "overdue_subjects": 2,
        "overdue_items": 3,
        "points": 3,
        "unlocated": 1,
    }
    # beside the map: the failing and the overdue, most overdue first, the unlocated ones too
    assert [(a["name"], a["verdict"], a["overdue"]) for a in data["attention"]] == [
        ("甲镇中心学校", 1, 2),
        ("甲一村超市", 0, 1),
    ]
    # the areas are 甲镇's villages, drawn from their outlines, with March's rates
    areas = {a["name"]: a for a in data["areas"]}
    assert set(areas) == {"甲一村", "甲城社区"}
    assert areas["甲一村"]["rate_text"] == "50.0%" and areas["甲一村"]["overdue"] == 1
    assert {f["properties"]["name"] for f in data["map"]["features"]} == {world.village_a.code, world.village_a2.code}
    body = response.content.decode()
    assert "乙镇" not in body and "乙一村商店" not in body and world.town_b.code not in body


def test_another_townships_clerk_gets_404_for_township_a_and_sees_only_its_own(world, mapped, client_as):
    client = client_as("clerk_b")
    assert _get(client, f"region={world.town_a.code}").status_code == 404
    assert client.get(f"/map/?region={world.town_a.code}").status_code == 404
    data = _get(client).json()
    assert set(_points(data)) == {"乙镇中学", "乙一村商店"}
    assert "甲" not in response_text(_get(client))


def response_text(response) -> str:
    return response.content.decode()


def test_the_county_map_shows_the_townships_with_their_rates_and_every_subject(world, mapped, client_as):
    data = _get(client_as("county")).json()
    areas = {a["name"]: a for a in data["areas"]}
    assert set(areas) == {"甲镇", "乙镇"}
    assert areas["甲镇"]["total"] == 4 and areas["甲镇"]["failed"] == 1 and areas["甲镇"]["rate_text"] == "75.0%"
    assert areas["甲镇"]["overdue"] == 3 and areas["乙镇"]["overdue"] == 0 and areas["乙镇"]["rate_text"] == "100.0%"
    assert all(a["drill"] for a in data["areas"])
    assert set(_points(data)) == {"甲一村超市", "甲镇中心学校", "甲一村", "乙镇中学", "乙一村商店"}
    assert data["counts"]["subjects"] == 7 and data["counts"]["failed"] == 1


def test_a_department_user_sees_only_the_subjects_it_supervises(world, mapped, client_as):
    data = _get(client_as("dept_edu")).json()
    assert set(_points(data)) == {"甲镇中心学校", "乙镇中学"}
    assert data["counts"]["subjects"] == 2 and data["counts"]["overdue_items"] == 2


def test_a_grid_worker_sees_its_village_only(world, mapped, client_as):
    data = _get(client_as("grid_a")).json()
    assert data["region"]["code"] == world.village_a.code
    assert set(_points(data)) == {"甲一村超市", "甲一村"}
    # a village has no children: it is its own area, not a link further down
    assert [(a["code"], a["drill"]) for a in data["areas"]] == [(world.village_a.code, False)]
    assert _get(client_as("grid_a"), f"region={world.town_a.code}").status_code == 404


def test_filters_by_zero_group_and_period(world, mapped, client_as):
    client = client_as("clerk_a")
    by_case = _points(_get(client, "zero=case").json())
    assert by_case["甲一村超市"]["verdict"] == 1  # the injury fails 零事故, not 零案件
    by_accident = _get(client, "zero=accident").json()
    assert _points(by_accident)["甲一村超市"]["verdict"] == 0 and by_accident["zero_label"] == "零事故"
    villages = _get(client, "group=village").json()
    assert set(_points(villages)) == {"甲一村"} and villages["counts"]["subjects"] == 2
    units = _get(client, "group=unit").json()
    assert set(_points(units)) == {"甲一村超市", "甲镇中心学校"}
    ytd = _get(client, "period=ytd").json()
    assert ytd["period"] == "ytd" and _points(ytd)["甲一村超市"]["verdict"] == 0
    # a month not computed: every subject uncomputed (grey), the overdue items still shown
    april = _get(client, "month=2026-04").json()
    assert april["counts"]["uncomputed"] == 4 and {p["verdict"] for p in _points(april).values()} == {None}
    assert april["counts"]["overdue_items"] == 3
    # unknown filter values are the defaults, never an error
    odd = _get(client, "zero=%3Cscript%3E&group=x&period=1&subject=abc")
    assert odd.status_code == 200 and odd.json()["zero"] == ""


def test_above_the_point_limit_only_subjects_needing_attention_are_points(world, mapped, client_as, settings):
    settings.ATLAS_POINT_LIMIT = 3
    data = _get(client_as("county")).json()
    assert data["limited"] is True
    assert set(_points(data)) == {"甲一村超市", "甲镇中心学校"}
    assert data["counts"]["subjects"] == 7 and data["counts"]["unlocated"] is None
    # a focused subject is shown even when it needs no attention
    focused = _get(client_as("county"), f"subject={world.shop_b.pk}").json()
    assert "乙一村商店" in _points(focused) and focused["focus"] == world.shop_b.pk
    assert _points(focused)["乙一村商店"]["verdict"] == 1


def test_a_focus_outside_the_scope_is_ignored(world, mapped, client_as):
    data = _get(client_as("clerk_b"), f"subject={world.shop_a.pk}").json()
    assert data["focus"] is None and "甲一村超市" not in response_text(_get(client_as("clerk_b")))


def test_the_page_carries_the_data_url_and_the_filters(world, mapped, client_as):
    with time_machine.travel(TODAY, tick=False):
        page = client_as("clerk_a").get(f"/map/?zero=petition&subject={world.shop_a.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        f'data-url="/map/data/?region={world.town_a.code}&amp;month=2026-03&amp;zero=petition&amp;subject={world.shop_a.pk}"'
        in html
    )
    assert '<script src="/static/js/atlas-map.js"></script>' in html
    assert "<script>" not in html  # no inline script (CSP)


def test_the_data_costs_the_same_queries_for_3_and_30_subjects(world, mapped, client_as):
    from units.models import Category, Subject

    category = Category.objects.get(name="企业")

    def add(numbers):
        for n in numbers:
            Subject.objects.create(
                name=f"甲一村商户{n}", category=category, region=world.village_a, longitude=113.05, latitude=36.05
            )

    client = client_as("clerk_a")
    with time_machine.travel(TODAY, tick=False):
        flat = assert_flat_queries(lambda: queries_of(client, URL), add=add)
    assert flat.count <= 20
    assert MONTH.month == 3
