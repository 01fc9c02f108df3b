"""Hostile GET parameters never make a 500 (issue 13, point 1's fuzz test).

Which parameters a page reads is not guessed: a test middleware (RecordReads) hands every view a
QueryDict that notes each name the view, its FilterSet, its table or its template asks for. The test
first GETs every page of the URL matrix (test_url_matrix.EXPECTED, with the same probe objects) as a
role that reaches it, collects the names read, adds the page's FilterSet fields, and then sends each
name every hostile value: negative, huge (10**30), a NUL byte, unicode, emoji, SQL-ish, 10,000
characters, repeated (?x=1&x=2), and all of them at once. Every answer is 200, 204, 302, 400, 403 or
404, never a 500.
"""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import resolve

from sanzero.tests.test_url_matrix import EXPECTED
from sanzero.tests.url_matrix import kwargs_list, probe_objects, query_of, url_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]  # probe objects' files

HOSTILE = {
    "negative": "-1",
    "huge": str(10**30),
    "nul": "\x00",
    "nul-in-value": "2026-03\x00",
    "unicode": "甲镇²①",
    "emoji": "😀",
    "sql": "' OR 1=1--",
    "long": "9" * 10_000,
    "array": ["1", "2"],
}
#: the statuses a hostile parameter may get: the page, a redirect, a refusal, or not found
ALLOWED = {200, 204, 302, 400, 403, 404}
#: the roles that open each page, widest first: county staff see the whole county, a clerk and the
#: 教育局 user have the narrower scopes (their own code paths for region defaults and department filters)
ROLES = ("county", "clerk_a", "dept_edu", "admin")
READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every name read from it (into READ)."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordReads:
    """Test-only middleware: request.GET becomes a RecordingQueryDict."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        recording = RecordingQueryDict(request.META.get("QUERY_STRING", ""), mutable=True)
        recording._mutable = False
        request.GET = recording
        return self.get_response(request)


def _clients(world) -> dict[str, Client]:
    """A logged-in client per role that answers a view's exception as the 500 a user gets (not raised)."""
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(world.users[role])
    return clients


def _filterset_fields(url: str) -> set[str]:
    view = getattr(resolve(url).func, "view_class", None)
    filterset = getattr(view, "filterset_class", None)
    if filterset is None:
        return set()
    names = set()
    for name, field in filterset.base_filters.items():
        names.add(name)
        widget = getattr(field, "widget", None)
        for suffix in getattr(widget, "suffixes", ()):  # range filters read name_min / name_max
            names.add(f"{name}_{suffix}")
    return names


def _pages(objects):
    """(url, role, query) of every GET page in the matrix that one of ROLES reaches with a 200; query:
    the parameters a page needs to be itself (批量验收's ?id= selection of fixture objects), kept under
    every hostile value of the other parameters."""
    for name, expects in EXPECTED.items():
        if name in ("logout",):
            continue
        for expect in expects:
            if isinstance(expect.query, dict):
                continue  # the foreign-region and search-word probes: the same page, the same parameters
            role = next((r for r in ROLES if expect.by_role[r] == "200"), None)
            if role is None:
                continue
            for kwargs in kwargs_list(objects, expect):
                yield url_for(name, kwargs), role, query_of(objects, expect)


def test_hostile_values_of_every_parameter_a_page_reads_never_make_a_500(world, settings, capsys):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "sanzero.tests.test_fuzz_params.RecordReads"]
    objects = probe_objects(world)
    clients = _clients(world)
    failures, requests, pages = [], 0, 0
    read_by_page = {}
    base_query = {}
    for url, role, query in _pages(objects):
        READ.clear()
        first = clients[role].get(url, query)
        assert first.status_code in (200, 302), (url, role, first.status_code)
        key = (url + ("?" + "&".join(sorted(query)) if query else ""), role)
        read_by_page[key] = (set(READ) | _filterset_fields(url)) - {"csrfmiddlewaretoken"}
        base_query[key] = (url, query)
    for (page, role), names in read_by_page.items():
        url, query = base_query[(page, role)]
        pages += 1
        for client_role in {role, "clerk_a", "dept_edu"}:
            client = clients[client_role]
            # the narrower roles' own code paths get the values that broke things before (time: 2 cores)
            values = HOSTILE if client_role == role else {k: HOSTILE[k] for k in ("nul", "huge", "array")}
            for name in sorted(names):
                for label, value in values.items():
                    response = client.get(url, {**query, name: value})
                    requests += 1
                    if response.status_code not in ALLOWED:
                        failures.append(f"{client_role} GET {page} ?{name}=<{label}>: {response.status_code}")
            if names and client_role == role:
                for label, value in values.items():  # every parameter hostile at once
                    response = client.get(url, {**query, **{name: value for name in names}})
                    requests += 1
                    if response.status_code not in ALLOWED:
                        failures.append(
                            f"{client_role} GET {page} with every parameter <{label}>: {response.status_code}"
                        )
    with capsys.disabled():
        params = sum(len(n) for n in read_by_page.values())
        print(f"\nfuzz: {requests} requests, {pages} pages, {params} (page, parameter) pairs")
    assert not failures, "\n".join(failures[:60])


def test_the_recorder_sees_what_a_list_and_its_filterset_read(world, settings, client_as):
    """The fuzz test's discovery is real: a ledger list reads its filters, its sort and its page size."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "sanzero.tests.test_fuzz_params.RecordReads"]
    READ.clear()
    assert client_as("county").get("/disputes/").status_code == 200
    assert {"region", "q", "date_from", "deadline", "sort", "page", "per_page", "export"} <= READ | _filterset_fields(
        "/disputes/"
    )
    assert {"page", "per_page", "sort"} <= READ


def test_the_fuzz_opens_a_selection_page_with_its_selection(world, settings):
    """批量验收 is a page only with its ?id= (without: back to the list): the fuzz keeps the selection
    while it sends hostile values to the other parameters, and sends them to ?id= itself too."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "sanzero.tests.test_fuzz_params.RecordReads"]
    objects = probe_objects(world)
    pages = [(url, role, query) for url, role, query in _pages(objects) if url == "/hazards/bulk-accept/"]
    assert ("/hazards/bulk-accept/", "clerk_a", objects.hazard_selection) in pages
    client = _clients(world)["clerk_a"]
    READ.clear()
    assert client.get("/hazards/bulk-accept/", objects.hazard_selection).status_code == 200
    assert "id" in READ


# --- the 500s the fuzz test found, each with its regression -------------------------------------------

LONG = "9" * 10_000  # int() refuses more than 4,300 digits with a ValueError


@pytest.mark.parametrize("value", [LONG, "²", "2026\x00", "-2026"])
def test_a_holiday_year_that_is_no_year_shows_the_default_year(world, client_as, value):
    client = client_as("county")
    default = client.get("/settings/holidays/").context["year"]
    response = client.get("/settings/holidays/", {"year": value})
    assert response.status_code == 200 and response.context["year"] == default


@pytest.mark.parametrize("url", ["/disputes/new/", "/hazards/new/", "/petitions/new/", "/cases/new/"])
def test_a_new_entry_form_ignores_a_subject_id_that_is_no_id(world, client_as, url):
    client = client_as("clerk_a")
    for value in (LONG, "²", str(2**63), "0"):
        response = client.get(url, {"subject": value})
        assert response.status_code == 200, (url, value)
        assert "subject" not in response.context["form"].initial, (url, value)
    chosen = client.get(url, {"subject": world.shop_a.pk})
    assert chosen.context["form"].initial["subject"] == world.shop_a.pk
    foreign = client.get(url, {"subject": world.shop_b.pk})  # 乙镇's subject: not offered, not preselected
    assert "subject" not in foreign.context["form"].initial


@pytest.mark.parametrize("params", [{"year": "²"}, {"year": LONG}, {"region": "²"}, {"region": LONG}])
def test_a_dashboard_year_or_region_that_cannot_be_one_is_404(world, client_as, params):
    assert client_as("county").get("/dashboard/targets/", params).status_code == 404


def test_supervision_of_another_townships_region_is_404_not_the_users_own_list(world, client_as):
    client = client_as("clerk_b")
    assert client.get("/supervision/", {"region": world.town_a.code}).status_code == 404
    assert client.get("/supervision/", {"region": world.town_b.code}).status_code == 200


def test_a_step_the_role_may_not_take_is_403_before_its_form_is_read(world, client_as):
    from cases.services import police_case_create

    case = police_case_create(
        actor=world.users["clerk_a"],
        data={"subject": world.school_a, "occurred_on": datetime.date(2026, 3, 2), "kind": "治安"},
    )
    client = client_as("dept_edu")  # sees 教育局's school and its case, takes no step of it
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    for data in ({}, {"version": case.version}):
        response = client.post(f"/cases/{case.pk}/do/close/", data)
        assert response.status_code == 403 and "您的角色不能执行" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/disputes/", {"per_page": LONG}),
        ("/subjects/search/", {"page": LONG}),
        ("/regions/search/", {"page": LONG}),
        ("/disputes/", {"region": "\x00"}),  # the region picker's selected option (PostgreSQL refused the NUL)
        ("/disputes/", {"region": "2026\x00"}),
    ],
)
def test_a_page_size_a_picker_page_or_a_picked_code_that_cannot_be_one_is_no_500(world, client_as, url, params):
    response = client_as("county").get(url, params)
    assert response.status_code == 200, (url, params)
