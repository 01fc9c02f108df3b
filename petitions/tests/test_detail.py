"""The petition page shows its flags, deadlines and steps; the subject's page links to it."""

import pytest

from agency.tests.helpers import agency
from petitions.tests.helpers import petition, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_the_detail_and_subject_pages_render(world, client_as):
    p = petition(world, headcount=7, level_reached="省", is_skip_level=True)
    agency(world, p, level="县", secretary="李书记")
    run(world, p, "extend", days=20, reason="需调取档案")
    html = client_as("clerk_a").get(f"/petitions/{p.pk}/").content.decode()
    for text in (
        "集体访（7人，标准5人）",
        "越级访·到省",
        "已延期20日",
        "超过告知期限未告知",
        "<strong>县委书记</strong> 李书记",
        "2026-04-20",
        "登记告知",
        "答复",
        "延期办理",
    ):
        assert text in html, text
    page = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/").content.decode()
    assert "信访" in page and p.get_absolute_url() in page
