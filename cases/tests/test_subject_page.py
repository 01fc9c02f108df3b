"""Cases elsewhere on the site: the 案件 section of a subject's page and the nav link to the list."""

import datetime

import pytest

from cases.tests.helpers import case, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_the_subject_page_shows_the_case_section(world, client_as):
    case(world)
    case(world, kind="刑事")
    closed = run(world, case(world), "close", closed_on=datetime.date(2026, 3, 9))
    case(world, subject=world.school_a)
    response = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/")
    assert response.status_code == 200
    section = next(s for s in response.context["sections"] if s["title"] == "案件")
    assert section["count"] == 3 and section["open"] == 2 and section["overdue"] == 0
    assert closed in section["entries"]
    assert section["url"] == f"/cases/?subject={world.shop_a.pk}"
    assert f'href="/cases/new/?subject={world.shop_a.pk}"' in response.content.decode()


def test_the_nav_links_to_the_case_list(world, client_as):
    html = client_as("grid_a").get("/").content.decode()
    assert 'href="/cases/"' in html and "bi-shield-exclamation" in html
