"""The Django admin shows disputes read-only and edits the ladder (how its ladder writes go through the services:
test_ladder_admin.py)."""

import pytest

from disputes.tests.helpers import dispute, ladder, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_admin_shows_disputes_read_only_and_edits_the_ladder(world, client_as):
    d = dispute(world)
    run(world, d, "escalate", note="本级期限已满")
    client = client_as("admin")
    world.users["admin"].is_staff = world.users["admin"].is_superuser = True
    world.users["admin"].save()
    assert client.get("/admin/disputes/dispute/").status_code == 200
    assert client.get(f"/admin/disputes/dispute/{d.pk}/change/").status_code == 200
    level = ladder()[0]
    url = f"/admin/disputes/mediationlevel/{level.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"order": 10, "name": "网格员", "working_days": 31}).status_code == 200  # form error
    assert client.post(url, {"order": 10, "name": "网格员", "working_days": 3}).status_code == 302
    level.refresh_from_db()
    assert level.working_days == 3 and level.version == 2
    assert level.history.order_by("-history_id").first().history_user == world.users["admin"]
