"""What the API serves: personal data masked (ID number, phone, names, also inside free text), cursor
pagination, the rate limit (429), every call logged, the OpenAPI schema served and valid, the
snapshots and ledger statistics equal to the month's stored figures, flat query counts."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from api.models import ApiCallLog
from api.tests.helpers import ApiClient, collect, token_for
from dashboards.models import DepartmentMonth, Period, RegionMonth
from sanzero.testing import assert_flat_queries, captured_sql

pytestmark = [pytest.mark.django_db]

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def _petition(world):
    from petitions import services as petition_services

    return petition_services.petition_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "received_on": datetime.date(2026, 3, 2),
            "channel": "来访",
            "type": "申诉求决",
            "petitioner_name": "张伟",
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "headcount": 1,
            "level_reached": "乡镇",
            "content": f"张伟（身份证{ID_NUMBER}，电话{PHONE}）要求公开账目",
        },
    )


def test_personal_data_is_masked_in_the_api_also_for_roles_that_may_reveal_it(world):
    petition = _petition(world)
    for role in ("clerk_a", "county", "admin"):  # REVEAL_ROLES: the API never reveals
        client = ApiClient(token_for(world, role))
        response = client.get(f"/api/v1/ledgers/petitions/{petition.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert ID_NUMBER not in body and PHONE not in body and "张伟" not in body, role
        columns = response.json()["columns"]
        assert columns["身份证号"] == "110105********002X"
        assert columns["联系电话"] == "138****5678"
        assert columns["信访人"] == "张*"
        assert columns["诉求内容"] == "张*（身份证110105********002X，电话138****5678）要求公开账目"
        listed = client.get("/api/v1/ledgers/petitions/").content.decode()
        assert ID_NUMBER not in listed and PHONE not in listed
    # a subject's phone too
    from units.models import Subject

    Subject.objects.filter(pk=world.shop_a.pk).update(phone=PHONE)
    subject = ApiClient(token_for(world, "county")).get(f"/api/v1/subjects/{world.shop_a.pk}/").json()
    assert subject["phone"] == "138****5678"


def test_an_entry_carries_its_common_fields_and_its_ledgers_columns(world):
    petition = _petition(world)
    row = ApiClient(token_for(world, "clerk_a")).get(f"/api/v1/ledgers/petitions/{petition.pk}/").json()
    assert row["ledger"] == "petitions" and row["subject_id"] == world.shop_a.pk
    assert row["region_code"] == world.village_a.code and row["date"] == "2026-03-02"
    assert row["status"] == "办理中" and row["is_open"] is True and row["due_on"] == petition.due_on.isoformat()
    assert row["columns"]["登记日期"] == "2026-03-02" and row["columns"]["形式"] == "来访"


def test_cursor_pagination_walks_every_row_once(world):
    from units.models import Category, Subject

    category = Category.objects.get(name="企业")
    for n in range(7):
        Subject.objects.create(name=f"甲一村商户{n}", category=category, region=world.village_a)
    client = ApiClient(token_for(world, "clerk_a"))
    first = client.get("/api/v1/subjects/", {"page_size": 3}).json()
    assert len(first["results"]) == 3 and first["previous"] is None and "cursor=" in first["next"]
    rows = collect(client, "/api/v1/subjects/", page_size=3)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)) == Subject.objects.for_user(world.users["clerk_a"]).count() == 11
    assert ids == sorted(ids)
    # a new subject while reading does not shift the pages already read
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert [r["id"] for r in second["results"]] == ids[3:6]
    bad = client.get("/api/v1/subjects/", {"cursor": "not-a-cursor"})
    assert bad.status_code == 404 and bad.json()["detail"].startswith("游标无效")
    for size in ("0", "-1", "abc", "10000000"):
        assert client.get("/api/v1/subjects/", {"page_size": size}).status_code == 400, size
    assert len(client.get("/api/v1/subjects/", {"page_size": "5000"}).json()["results"]) == 11  # capped at 1000


def test_the_rate_limit_answers_429_with_retry_after(world, settings):
    settings.API_THROTTLE_RATE = "3/min"
    client = ApiClient(token_for(world, "county"))
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/regions/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()["detail"].startswith("请求过于频繁，请在")
    # another token has its own budget
    assert ApiClient(token_for(world, "clerk_a")).get("/api/v1/regions/").status_code == 200


def test_every_call_is_logged_who_when_path_status(world, settings):
    settings.API_THROTTLE_RATE = "2/min"
    key = token_for(world, "clerk_b")
    client = ApiClient(key)
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 30, tzinfo=datetime.UTC), tick=False):
        client.get("/api/v1/subjects/", {"group": "unit"})
        client.get(f"/api/v1/subjects/{world.shop_a.pk}/")  # another township's: 404
        client.get("/api/v1/regions/")  # over the rate: 429
        ApiClient(None).get("/api/v1/regions/")  # no token: 401
        ApiClient(None).get("/api/v1/no-such-thing/")  # no such endpoint: 404
    logs = list(ApiCallLog.objects.order_by("id"))
    assert [(log.path, log.status) for log in logs] == [
        ("/api/v1/subjects/", 200),
        (f"/api/v1/subjects/{world.shop_a.pk}/", 404),
        ("/api/v1/regions/", 429),
        ("/api/v1/regions/", 401),
        ("/api/v1/no-such-thing/", 404),
    ]
    clerk = world.users["clerk_b"]
    assert [log.user for log in logs] == [clerk, clerk, clerk, None, None]
    assert logs[0].token.prefix == key[:10] and logs[0].query == "group=unit" and logs[0].method == "GET"
    assert all(log.at == datetime.datetime(2026, 4, 10, 9, 30, tzinfo=datetime.UTC) for log in logs)
    assert logs[0].ip == "127.0.0.1"
    # the web pages are not logged here
    from django.test import Client

    Client().get("/healthz")
    assert ApiCallLog.objects.count() == 5


def test_old_call_records_are_purged(world, settings):
    from api.services import api_call_log_purge, api_call_record

    settings.API_LOG_DAYS = 30
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
        api_call_record(
            user=None, token=None, method="GET", path="/api/v1/", query="", status=401, duration_ms=1, ip=None
        )
    api_call_record(
        user=None, token=None, method="GET", path="/api/v1/x/", query="", status=401, duration_ms=1, ip=None
    )
    assert api_call_log_purge() == 1 and ApiCallLog.objects.get().path == "/api/v1/x/"


def test_the_openapi_schema_is_served_and_valid(world):
    from drf_spectacular.validation import validate_schema

    client = ApiClient(token_for(world, "clerk_a"))
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200 and "json" in response["Content-Type"]
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    operation_ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids)) and not any(i[-2:] == "_2" for i in operation_ids)
    assert schema["openapi"].startswith("3.") and schema["info"]["version"] == "1.0.0"
    paths = set(schema["paths"])
    assert {
        "/api/v1/regions/",
        "/api/v1/regions/{code}/",
        "/api/v1/subjects/",
        "/api/v1/subjects/{id}/",
        "/api/v1/snapshots/",
        "/api/v1/snapshots/subjects/",
        "/api/v1/ledger-statistics/",
        "/api/v1/ledgers/",
        "/api/v1/ledgers/{ledger}/",
        "/api/v1/ledgers/{ledger}/{id}/",
    } <= paths
    assert all(not p.startswith("/api/v1/schema") for p in paths)
    subject_list = schema["paths"]["/api/v1/subjects/"]["get"]
    assert {p["name"] for p in subject_list["parameters"]} >= {"cursor", "page_size", "region", "updated_since"}
    assert schema["components"]["securitySchemes"], "the token scheme is documented"
    yaml = client.get("/api/v1/schema/", {"format": "yaml"})
    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3.")
    assert ApiClient(None).get("/api/v1/schema/").status_code == 401


@pytest.fixture
def computed(world):
    from atlas.tests.helpers import build_map_world

    return build_map_world(world)


def test_snapshots_and_ledger_statistics_are_the_stored_figures(world, computed):
    county = ApiClient(token_for(world, "county"))
    rows = collect(county, "/api/v1/snapshots/", month="2026-03", region=world.town_a.code)
    stored = RegionMonth.objects.filter(month=datetime.date(2026, 3, 1), region_code__startswith="990121100")
    assert len(rows) == stored.count() == 3 * 3 * 2  # 甲镇 and its two villages × 3 groups × 2 periods
    town = next(
        r for r in rows if r["region_code"] == world.town_a.code and r["group"] == "all" and r["period"] == "month"
    )
    assert (town["total"], town["passed"], town["pass_rate"]) == (4, 3, 0.75)
    assert town["accident_ok"] == 3 and town["case_rate"] == 1.0 and town["month"] == "2026-03"
    ytd = collect(county, "/api/v1/snapshots/", month="2026-03", period="ytd", group="unit", level="township")
    assert {(r["region_name"], r["total"], r["passed"]) for r in ytd} == {("甲镇", 2, 1), ("乙镇", 2, 2)}

    stats = collect(county, "/api/v1/ledger-statistics/", month="2026-03", level="township", period=Period.MONTH)
    by_name = {r["region_name"]: r for r in stats}
    assert by_name["甲镇"]["hazards_found"] == 3 and by_name["甲镇"]["hazard_rate"] == 0.0
    assert by_name["乙镇"]["hazards_found"] == 0 and by_name["乙镇"]["hazard_rate"] is None  # empty, never 0%
    # a department's token reads its own subjects' figures (DepartmentMonth)
    edu = collect(ApiClient(token_for(world, "dept_edu")), "/api/v1/snapshots/", month="2026-03", level="county")
    stored_edu = DepartmentMonth.objects.filter(
        month=datetime.date(2026, 3, 1), region=world.county, department__name="教育局"
    )
    assert {r["id"] for r in edu} == set(stored_edu.values_list("pk", flat=True))
    assert next(r for r in edu if r["group"] == "all" and r["period"] == "month")["total"] == 2

    verdicts = collect(ApiClient(token_for(world, "clerk_a")), "/api/v1/snapshots/subjects/", passed="false")
    assert [(v["subject_name"], v["accident_ok"], v["month"]) for v in verdicts] == [("甲一村超市", False, "2026-03")]
    assert verdicts[0]["failures"]["accidents"]
    # the default month is the latest computed
    assert county.get("/api/v1/snapshots/").json()["results"][0]["month"] == "2026-03"


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/snapshots/", {"month": "2026-3x"}),
        ("/api/v1/snapshots/", {"period": "week"}),
        ("/api/v1/subjects/", {"active": "maybe"}),
        ("/api/v1/subjects/", {"updated_since": "yesterday"}),
        ("/api/v1/subjects/", {"region": "甲镇"}),
        ("/api/v1/ledgers/disputes/", {"date_from": "2026-02-30"}),
        ("/api/v1/ledgers/disputes/", {"subject": "-1"}),
        ("/api/v1/snapshots/subjects/", {"subject": "9" * 40}),
    ],
)
def test_bad_parameters_are_a_chinese_400_never_a_500(world, url, query):
    response = ApiClient(token_for(world, "county")).get(url, query)
    assert response.status_code == 400 and "参数" in response.json()["detail"]


def test_lists_cost_the_same_queries_for_3_and_30_rows(world):
    from disputes import services as dispute_services

    client = ApiClient(token_for(world, "clerk_a"))

    def add(numbers):
        for n in numbers:
            dispute_services.dispute_create(
                actor=world.users["clerk_a"],
                data={
                    "subject": world.shop_a,
                    "found_on": datetime.date(2026, 3, 2),
                    "category": "邻里纠纷",
                    "summary": f"第{n}起纠纷",
                    "source": "网格排查",
                    "parties": "张三、李四",
                    "people_count": 2,
                    "risk_colour": "黄",
                },
            )

    def measure():
        client.get("/api/v1/ledgers/disputes/")  # warm-up
        with captured_sql() as sqls:
            response = client.get("/api/v1/ledgers/disputes/")
        assert response.status_code == 200
        return response, sqls

    flat = assert_flat_queries(measure, add=add)
    assert flat.count <= 12
