"""The petition list (/petitions/): its query count for varied rows and a department's list."""

import pytest

from agency.tests.helpers import agency
from petitions.tests.helpers import petition
from sanzero.testing import assert_flat_queries, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
# Every list request: session, user, the user's scope regions, DeadlineSettings (deadline colours), COUNT,
# the page of rows (subject, region, its township and 集体访 in the same
# query), the user's remembered filters of this list.
# The region filter is a search-as-you-type picker: it loads no region list.
LIST_QUERIES = 7


def test_the_list_costs_the_same_queries_for_3_and_30_petitions(world, client_as):
    """TestPetitionViews (test_views.py) measures alike rows; these are 集体访, 越级, 检举控告, and a department's
    list, which hides 检举控告 from the accused."""
    client = client_as("clerk_a")
    url = "/petitions/?per_page=50"

    def add(rows):
        for i in rows:
            if i < 3:  # 集体访 with a 代办 secretary
                agency(world, petition(world, headcount=6), level="村", secretary="赵书记")
                continue
            j = i - 3  # then, alternately, a shop's 检举控告 and a school's 建议意见, most of them 越级
            petition(
                world,
                subject=[world.shop_a, world.school_a][j % 2],
                type=["检举控告", "建议意见"][j % 2],
                is_skip_level=bool(j % 3),
                level_reached="市",
            )

    flat = assert_flat_queries(lambda: queries_of(client, url), add=add, expected=LIST_QUERIES)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 30]
    # the 检举控告 check reads the subject already joined: no query per row
    response, sqls = queries_of(client_as("dept_edu"), url)
    assert (len(sqls), len(response.context["table"].page.object_list)) == (LIST_QUERIES, 13)
