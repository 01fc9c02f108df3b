"""The dispute list (/disputes/): its query count for entries at every level and status."""

import datetime

import pytest

from disputes.tests.helpers import ALL_DATA, dispute, ladder, run
from sanzero.testing import assert_flat_queries, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
# GET /disputes/?per_page=50: session, user, the user's scope regions, COUNT, the page of rows
# (subject, region and level joined in), the ladder (for 建议升级), the deadline settings (临期 days),
# the user's remembered filters of this list. The same for 3 rows
# and for 30.
# The region filter is a search-as-you-type picker: it loads no region list.
LIST_QUERIES = 8


def test_a_list_of_every_level_and_status_costs_the_same_queries_for_3_and_for_30_entries(world, client_as):
    """TestDisputeViews (test_views.py) measures alike rows; these are at all four levels, some resolved, in
    three risk colours: what the 建议升级 and deadline columns read per row."""
    client = client_as("clerk_a")
    levels = ladder()

    def add(rows):
        for i in rows:
            d = dispute(
                world,
                subject=world.school_a if i % 2 else world.shop_a,
                level=levels[i % 4],
                found_on=datetime.date(2026, 1, 5) + datetime.timedelta(days=i),
                risk_colour="红蓝黄"[i % 3],
            )
            if i % 5 == 0:
                run(world, d, "resolve", **ALL_DATA)

    flat = assert_flat_queries(lambda: queries_of(client, "/disputes/?per_page=50"), add=add, expected=LIST_QUERIES)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 30]
