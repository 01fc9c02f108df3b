"""No page carries a long <select> (issue 10.1): with more than 200 subjects and regions in scope, every
list page and form, for county staff and the administrator, renders at most 200 <option>s. Subjects
and regions are chosen with the search-as-you-type pickers instead."""

import pytest

from sanzero.testing import option_count, parameterless_urls
from sanzero.tests.helpers import LEDGERS, add_entry
from units.models import Category, Region, RegionLevel, Subject
from units.pinyin import fill_initials

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_clock")]

MAX_OPTIONS = 200
EXTRA = 250  # villages in 甲镇, each with its village subject, and as many shops: > 200 of each


@pytest.fixture
def big_township(world):
    villages = fill_initials(
        Region(code=f"990121100{300 + i:03d}", name=f"新{i}村", level=RegionLevel.VILLAGE, parent=world.town_a)
        for i in range(EXTRA)
    )
    Region.objects.bulk_create(villages)
    villages = list(Region.objects.filter(code__gte="990121100300", code__lt="990121100600"))
    village_cat, shop_cat = Category.objects.get(name="村"), Category.objects.get(name="企业")
    Subject.objects.bulk_create(
        fill_initials(
            [Subject(name=v.name, category=village_cat, region=v, village_region=v) for v in villages]
            + [Subject(name=f"{v.name}超市", category=shop_cat, region=v) for v in villages]
        )
    )
    entries = [add_entry(world, kind, world.shop_a, n) for n, kind in enumerate(LEDGERS)]
    assert Region.objects.count() > MAX_OPTIONS and Subject.objects.count() > 2 * MAX_OPTIONS
    return entries


@pytest.mark.parametrize("username", ["county", "admin", "clerk_a"])
def test_no_page_renders_more_than_200_options(world, client_as, big_township, username):
    client = client_as(username)
    edit_pages = [f"/{e.URL_PREFIX}/{e.pk}/edit/" for e in big_township]
    filtered = [f"/{prefix}/?region=990121100300" for prefix in ("subjects", *LEDGERS, "places")]
    filtered += ["/supervision/?region=990121100300", f"/reports/?region={world.town_a.code}"]
    pages = [*parameterless_urls(), *edit_pages, *filtered]
    assert "/disputes/new/" in pages and "/subjects/" in pages and "/supervision/" in pages
    counted, too_many = {}, {}
    for url in pages:
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html") or response.status_code != 200:
            continue
        counted[url] = n = option_count(response.content.decode())
        if n > MAX_OPTIONS:
            too_many[url] = n
    assert not too_many, f"pages over {MAX_OPTIONS} <option>s for {username}: {too_many}"
    # the check really looked at the forms and lists of this role
    must = {"/subjects/", "/disputes/", "/supervision/"} | (
        {"/disputes/new/", "/subjects/new/", *edit_pages} if username != "county" else set()
    )
    assert must <= set(counted), must - set(counted)
