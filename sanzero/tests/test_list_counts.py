"""The count under a list (共 N 条) never reads every row of a city's or province's list on each page:
on PostgreSQL past LIST_EXACT_COUNT_LIMIT rows it is the planner's estimate, marked 约; below it, and
on SQLite, it is exact. (docs/scale.md)"""

import re

import pytest
from django.db import connection

from sanzero.testing import queries_of
from units.models import Subject

pytestmark = pytest.mark.django_db


def shown_count(html: str) -> str:
    return re.search(r"共 <strong>([^<]*)</strong> 条", html).group(1)


def test_a_short_list_is_counted_exactly(world, client_as, settings):
    settings.LIST_EXACT_COUNT_LIMIT = 10_000
    response, sqls = queries_of(client_as("county"), "/subjects/?sort=name")
    assert shown_count(response.content.decode()) == str(Subject.objects.count())
    assert not any(sql.startswith("EXPLAIN") for sql in sqls)


def test_a_list_past_the_limit_shows_the_estimate_on_postgresql(world, client_as, settings):
    settings.LIST_EXACT_COUNT_LIMIT = 2
    total = Subject.objects.count()
    assert total > 2
    response, sqls = queries_of(client_as("county"), "/subjects/?sort=name")
    html = response.content.decode()
    if connection.vendor != "postgresql":
        assert shown_count(html) == str(total)  # SQLite: exact, as before
        return
    assert shown_count(html).startswith("约 ")
    assert int(shown_count(html).removeprefix("约 ").replace(",", "")) >= 3
    counts = [sql for sql in sqls if "COUNT(" in sql.upper()]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]  # counted no further than the limit
    assert sum(sql.startswith("EXPLAIN") for sql in sqls) == 1
    # a page past the real end is an empty page, not an error
    assert client_as("county").get("/subjects/?sort=name&page=9999").status_code in (200, 404)
