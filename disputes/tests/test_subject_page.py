"""The 矛盾纠纷 section of a subject's page."""

import datetime

import pytest

from disputes.tests.helpers import dispute

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_the_subject_page_lists_its_disputes(world, client_as):
    dispute(world, found_on=datetime.date(2026, 3, 2))
    page = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/")
    section = next(s for s in page.context["sections"] if s["title"] == "矛盾纠纷")
    assert (section["count"], section["open"], section["overdue"]) == (1, 1, 1)
