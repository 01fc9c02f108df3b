"""The hazard form (/hazards/new/): bad input refused on its field, nothing saved until it is valid."""

import pytest

from hazards.models import Hazard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_hazard_form_rejects_bad_input(world, client_as):
    client = client_as("clerk_a")
    base = {
        "subject": world.shop_a.pk,
        "found_on": "2026-03-02",
        "category": "消防",
        "level": "一般",
        "description": "x",
    }
    for bad, field in [
        ({"found_on": "2026-04-01"}, "found_on"),
        ({"rectify_due": "2026-03-01"}, "rectify_due"),
        ({"category": "乱写"}, "category"),
        ({"description": "长" * 2001}, "description"),
        ({"subject": world.shop_b.pk}, "subject"),
        ({"found_on": "abc"}, "found_on"),
    ]:
        response = client.post("/hazards/new/", {**base, **bad})
        assert response.status_code == 400, bad
        assert field in response.context["form"].errors, bad
    assert not Hazard.objects.exists()
    response = client.post("/hazards/new/", base)
    assert response.status_code == 302
    assert Hazard.objects.get().created_by == world.users["clerk_a"]
