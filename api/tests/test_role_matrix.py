"""Every API endpoint as every role (a token of each user of the fixture county; anonymous: no token):
the statuses of a GET and of a POST, with township A's objects (the url matrix's probe objects) in the
URLs and as ?region=. The scope is the web's: 乙镇's clerk gets 404 for 甲镇's subject and entries, the
grid worker of 甲一村 404 for the school at the township, 教育局 404 for the shop it does not supervise.
A list never holds what the role's web list would not (乙镇's clerk reads nothing of 甲镇)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.tests.helpers import ROLES, clients
from sanzero.testing import walk_urls
from sanzero.tests.url_matrix import probe_objects

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ALL = "401 200 200 200 200 200 200"
#: (URL name, kwargs from the probe objects or None, query, GET statuses per ROLES)
LEDGER_KEYS = ("disputes", "hazards", "accidents", "petitions", "cases", "places")
SHOP = "401 200 404 200 404 200 200"  # 甲一村超市: 市场监督管理局's, in 甲一村
SCHOOL = "401 200 404 404 200 200 200"  # 甲镇中心学校: 教育局's, at the township
FOREIGN = "401 200 404 404 200 200 200"  # ?region=甲镇


def _matrix(world, objects) -> list[tuple[str, dict, dict, str]]:
    town_a = world.town_a.code
    rows = [
        ("api:region_list", {}, {}, ALL),
        ("api:region_list", {}, {"region": town_a}, FOREIGN),
        ("api:region_detail", {"code": town_a}, {}, "401 200 404 404 200 200 200"),
        ("api:region_detail", {"code": world.village_a.code}, {}, "401 200 404 200 200 200 200"),
        ("api:subject_list", {}, {}, ALL),
        ("api:subject_list", {}, {"region": town_a}, FOREIGN),
        ("api:subject_detail", {"pk": world.shop_a.pk}, {}, SHOP),
        ("api:subject_detail", {"pk": world.school_a.pk}, {}, SCHOOL),
        ("api:snapshot_list", {}, {}, ALL),
        ("api:snapshot_list", {}, {"region": town_a, "month": "2026-03"}, FOREIGN),
        ("api:subject_verdict_list", {}, {}, ALL),
        ("api:subject_verdict_list", {}, {"region": town_a}, FOREIGN),
        ("api:ledger_statistics", {}, {}, ALL),
        ("api:ledger_statistics", {}, {"region": town_a}, FOREIGN),
        ("api:ledger_list", {}, {}, ALL),
        ("api:schema", {}, {}, ALL),
    ]
    entries = {
        "disputes": objects.dispute_entry,
        "hazards": objects.hazard_entry,
        "accidents": objects.accident_entry,
        "petitions": objects.petition_entry,
        "cases": objects.case_entry,
        "places": objects.place_entry,
    }
    school_entries = {
        "disputes": objects.school_dispute,
        "hazards": objects.school_hazard,
        "petitions": objects.school_petition,
    }
    for key in LEDGER_KEYS:
        rows.append(("api:ledger_entry_list", {"ledger": key}, {}, ALL))
        rows.append(("api:ledger_entry_list", {"ledger": key}, {"region": town_a}, FOREIGN))
        rows.append(("api:ledger_entry_detail", {"ledger": key, "pk": entries[key]["pk"]}, {}, SHOP))
        if key in school_entries:
            rows.append(("api:ledger_entry_detail", {"ledger": key, "pk": school_entries[key]["pk"]}, {}, SCHOOL))
    rows.append(("api:ledger_entry_list", {"ledger": "nothing"}, {}, "401 404 404 404 404 404 404"))
    rows.append(("api:ledger_entry_detail", {"ledger": "disputes", "pk": 10**12}, {}, "401 404 404 404 404 404 404"))
    # any other /api/ path: a JSON 404 for everyone (no data behind it)
    rows.append(("api_not_found", {}, {}, "404 404 404 404 404 404 404"))
    return rows


#: what of township A a response for 乙镇's clerk must not hold
LEAKS = ("甲一村超市", "甲镇中心学校", "甲一村", "990121100")


def test_every_api_endpoint_answers_every_role_as_its_scope_says(world):
    objects = probe_objects(world)
    api = clients(world)
    rows = _matrix(world, objects)
    probed_names = {name for name, *_ in rows}
    # every API URL is in the matrix (a new endpoint needs its row)
    api_names = {p.name for p in walk_urls() if p.name.startswith(("api:", "api_not_found"))}
    assert api_names == probed_names, api_names ^ probed_names

    failures, probes = [], 0
    for name, kwargs, query, statuses in rows:
        url = reverse(name, kwargs=kwargs)
        for role, expected in zip(ROLES, statuses.split(), strict=True):
            response = api[role].get(url, query)
            probes += 1
            if str(response.status_code) != expected:
                failures.append(f"GET {url} {query} as {role}: {response.status_code}, expected {expected}")
                continue
            body = response.content.decode()
            if role == "clerk_b" and expected == "200" and name != "api:schema":
                leaked = [word for word in LEAKS if word in body]
                if leaked:
                    failures.append(f"GET {url} {query} as clerk_b leaks {leaked}")
            if response.status_code in (401, 404):
                assert "json" in response["Content-Type"], url
                assert response.json()["detail"], url
            # a POST: no token is 401, with one 405 (read-only), nothing written
            post = api[role].post(url)
            probes += 1
            wanted = "404" if name == "api_not_found" else "401" if role == "anonymous" else "405"
            if str(post.status_code) != wanted:
                failures.append(f"POST {url} as {role}: {post.status_code}, expected {wanted}")
    assert not failures, "\n".join(failures)
    assert probes > 500


def test_lists_hold_what_the_roles_web_lists_hold(world):
    from api.tests.helpers import collect
    from units.models import Subject

    probe_objects(world)
    api = clients(world)
    for role in ("clerk_a", "clerk_b", "grid_a", "dept_edu", "county", "admin"):
        user = world.users[role]
        expected = set(Subject.objects.for_user(user).values_list("pk", flat=True))
        got = {row["id"] for row in collect(api[role], "/api/v1/subjects/", page_size=2)}
        assert got == expected, role
    names = {row["subject_name"] for row in collect(api["dept_edu"], "/api/v1/ledgers/disputes/")}
    assert names == {"甲镇中心学校"}  # 教育局: its school's dispute, not the shop's
    assert collect(api["clerk_b"], "/api/v1/ledgers/disputes/") == []
