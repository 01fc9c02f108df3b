"""Overdue disputes on the 督办 page and in one notification each."""

import datetime

import pytest

from disputes.tests.helpers import dispute

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_overdue_disputes_are_supervised_and_notified_once(world, client_as):
    from ledger.supervision import notify_newly_overdue
    from sanzero.models import Notification

    late = dispute(world, found_on=datetime.date(2026, 3, 9))
    soon = dispute(world, found_on=datetime.date(2026, 3, 16))  # due 3-17: yellow
    response = client_as("clerk_a").get("/supervision/")
    assert [item.entry for item in response.context["page"]] == [late, soon]
    assert response.context["red"] == 1 and response.context["yellow"] == 1
    assert client_as("clerk_b").get("/supervision/").context["red"] == 0
    assert notify_newly_overdue() == 1 and notify_newly_overdue() == 0
    note = Notification.objects.get()
    assert note.region == world.town_a and note.url == late.get_absolute_url() and "矛盾纠纷已超期" in note.message
