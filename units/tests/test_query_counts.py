"""Pages of the demo county (8,000 subjects) cost a fixed number of queries, whatever the page size.

The counts are pinned with `==`: a change that adds a query per row (or per page) shows here first.
When a deliberate change moves a count (a new section on the subject page, say), update the pin and
say why in the commit. Run with `pytest -s` to see the measured server time of the subject list.
"""

import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from sanzero.testing import queries_of
from units.models import Category, Subject

# Every list request: session, user, the user's scope regions, COUNT, the filter form's category and
# department choices, the page of rows (select_related: one query for any page size). The region
# filter is a search-as-you-type picker: it no longer loads every region of the scope.
LIST_QUERIES = 7
# Choosing a region and a category in the filter: one lookup each to validate the choice, and the
# chosen region's path (县/乡镇/村) for the picker to show it.
LIST_QUERIES_WITH_REGION_AND_CATEGORY = LIST_QUERIES + 3
# Nothing matches: COUNT is 0, so there is no page of rows to fetch.
LIST_QUERIES_EMPTY = LIST_QUERIES - 1
# Subject page: session, user, scope, the subject, audit (history + one per FK kind), ledger sections
# (hazards, accidents: rows + counts each). A clerk also asks whether they may change it.
# + two per ledger section: 8 on a unit's page (矛盾纠纷, 安全隐患, 挂牌督办, 事故, 信访, 案件, 重点场所,
# 治安问题); 重点人员 only on a village's or community's own page
DETAIL_QUERIES = {"county": 24, "clerk_a": 25}
# Region browser at the county: session, user, scope, the region, its ancestors, the children,
# one grouped count for all children, the totals.
REGION_BROWSER_QUERIES = 8
# One level down, each ancestor inside the scope is checked (one query per ancestor in scope).
REGION_BROWSER_TOWNSHIP_QUERIES = REGION_BROWSER_QUERIES + 1


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker):
    """The demo county, seeded once for this module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--year", "2026", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def login(demo_county, db):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


def count_queries(client: Client, url: str) -> tuple[int, object]:
    """(queries, response) of one GET; each test warms up once itself, so no warm-up per URL."""
    response, sqls = queries_of(client, url, warm_up=False)
    return len(sqls), response


LIST_URLS = [
    "/subjects/",
    "/subjects/?per_page=25",
    "/subjects/?per_page=50",
    "/subjects/?per_page=100",
    "/subjects/?per_page=100&page=3",
    "/subjects/?group=unit&status=active&q=公司",
    "/subjects/?group=unit&status=active&q=公司&per_page=100",
    "/subjects/?group=unit&status=left&sort=-region&per_page=50",
]


@pytest.mark.parametrize("username", ["county", "clerk_a"])
def test_subject_list_costs_the_same_queries_for_every_page_size_and_filter(login, username):
    client = login(username)
    client.get("/subjects/")  # warm-up: per-process caches (content types, templates) are not per-request costs
    counts = {}
    for url in LIST_URLS:
        counts[url], response = count_queries(client, url)
        assert len(response.context["table"].page.object_list) > 0, url
    assert counts == dict.fromkeys(LIST_URLS, LIST_QUERIES)

    enterprise = Category.objects.get(name="企业").pk
    n, _ = count_queries(client, f"/subjects/?region=990121100000&category={enterprise}&per_page=100")
    assert n == LIST_QUERIES_WITH_REGION_AND_CATEGORY


def test_department_staff_list_costs_the_same_and_an_empty_result_one_less(login):
    client = login("edu")
    client.get("/subjects/")
    for url in ["/subjects/", "/subjects/?per_page=100", "/subjects/?group=unit&status=active&q=学校&per_page=50"]:
        n, response = count_queries(client, url)
        assert n == LIST_QUERIES, url
        assert {row.record.category.name for row in response.context["table"].page.object_list} <= {"学校", "幼儿园"}
    n, response = count_queries(client, "/subjects/?group=unit&status=active&q=公司")
    assert response.context["table"].paginator.count == 0
    assert n == LIST_QUERIES_EMPTY


def test_page_sizes_and_filters_really_show_rows(login):
    client = login("county")
    for size in (25, 50, 100):
        _, response = count_queries(client, f"/subjects/?per_page={size}")
        assert len(response.context["table"].page.object_list) == size
        assert response.context["table"].paginator.count == 8000
    _, response = count_queries(client, "/subjects/?group=unit&status=active&q=公司&per_page=100")
    rows = [row.record for row in response.context["table"].page.object_list]
    assert len(rows) == 100
    assert all("公司" in s.name and s.category.group == "unit" and s.is_active for s in rows)


def test_subject_list_of_8000_answers_in_under_a_second(login):
    client = login("county")
    client.get("/subjects/")
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        response = client.get("/subjects/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    best = min(timings)
    print(
        f"\nGET /subjects/ (county user, 8000 subjects, 25 per page): best of 5 = {best * 1000:.0f} ms "
        f"(all: {', '.join(f'{t * 1000:.0f}' for t in timings)} ms)"
    )
    assert best < 1.0


@pytest.mark.parametrize("username", ["county", "clerk_a"])
def test_subject_detail_costs_a_fixed_number_of_queries(login, username):
    client = login(username)
    subject = Subject.objects.filter(region__code__startswith="990121100", village_region__isnull=True).first()
    url = f"/subjects/{subject.pk}/"
    client.get(url)
    n, response = count_queries(client, url)
    assert n == DETAIL_QUERIES[username]
    assert len(response.context["audit"]) == 1


def test_region_browser_costs_a_fixed_number_of_queries(login):
    client = login("county")
    client.get("/regions/990121000000/")
    n, response = count_queries(client, "/regions/990121000000/")
    assert n == REGION_BROWSER_QUERIES
    assert len(response.context["children"]) == 10
    assert sum(row["total"] for row in response.context["children"]) == response.context["totals"]["active_total"]

    n, response = count_queries(client, "/regions/990121100000/")
    assert n == REGION_BROWSER_TOWNSHIP_QUERIES
    assert len(response.context["children"]) == 15
