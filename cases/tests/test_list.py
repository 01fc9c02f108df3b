"""The case list (/cases/): its filters, and its query count for a clerk and a filtered URL."""

import datetime

import pytest

from cases.tests.helpers import case, run
from sanzero.testing import assert_flat_queries, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
# Every list request: session, user, the user's scope regions, COUNT, the page
# of rows (subject, region and its township joined in: one query whatever the page size or the filters), the
# user's remembered filters of this list. No deadline
# settings: cases have no deadline column.
# The region filter is a search-as-you-type picker: it loads no region list.
LIST_QUERIES = 6


def test_list_filters(world, client_as):
    minor = case(world)
    major = case(world, major_influence=True, occurred_on=datetime.date(2026, 2, 10))
    criminal = case(world, subject=world.school_a, kind="刑事", occurred_on=datetime.date(2026, 1, 5))
    other = case(world, user="clerk_b", subject=world.shop_b, kind="刑事")
    run(world, criminal, "solve", solved_on=datetime.date(2026, 1, 9))
    client = client_as("county")

    def listed(query):
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200, query
        return {row.record.pk for row in response.context["table"].rows}

    assert listed("") == {minor.pk, major.pk, criminal.pk, other.pk}
    assert listed("kind=刑事") == {criminal.pk, other.pk}
    assert listed("major=yes") == {major.pk}
    assert listed("major=no") == {minor.pk, criminal.pk, other.pk}
    assert listed("breaks_zero=yes") == {major.pk, criminal.pk, other.pk}
    assert listed("breaks_zero=no") == {minor.pk}
    assert listed("status=已破案") == {criminal.pk}
    assert listed("region=990121100000") == {minor.pk, major.pk, criminal.pk}
    assert listed("region=990121100200") == {minor.pk, major.pk}
    assert listed("q=学校") == {criminal.pk}
    assert listed("date_from=2026-02-01&date_to=2026-02-28") == {major.pk}
    assert listed(f"subject={world.shop_a.pk}") == {minor.pk, major.pk}
    response = client.get("/cases/?reset_filters=1", follow=True)  # the list remembers the last filter
    assert "deadline" not in response.context["filter"].form.fields
    html = response.content.decode()
    assert "影响零案件" in html and "重大影响" in html and "测试县公安局甲镇派出所" in html


def test_a_clerks_list_and_its_filters_cost_the_same_queries_for_3_and_30_cases(world, client_as):
    """The county's list is TestCaseViews' (test_views.py); a clerk's scope and the filters cost no more."""
    client = client_as("clerk_a")
    subjects = [world.shop_a, world.school_a]

    def add(rows):
        for i in rows:
            case(world, subject=subjects[i % 2], kind="刑事" if i % 3 == 0 else "治安", major_influence=i % 4 == 0)

    flat = assert_flat_queries(lambda: queries_of(client, "/cases/"), add=add, expected=LIST_QUERIES)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 25]
    response, sqls = queries_of(client, "/cases/?per_page=50&breaks_zero=yes&kind=治安")
    assert 0 < len(response.context["table"].page.object_list) < 30
    assert len(sqls) == LIST_QUERIES, "\n".join(sqls)
