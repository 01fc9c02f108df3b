"""Test helpers shared by every app: the role matrix, query counts (queries_of, captured_sql,
assert_flat_queries), service requirements and the browser login. units.testing holds the small
fixture county; the root conftest.py the `world`, `client_as`, `worker` and `browser_page` fixtures.

`SANZERO_REQUIRE_SERVICES` (CI sets it, e.g. "postgres,redis,worker,browser") turns a skip for a
missing service into a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

PASSWORD = "Test-pass-2026"
# Where the browser tests leave their screenshots (var/screenshots unless SANZERO_VAR_DIR says otherwise).
SCREENSHOTS = Path(os.environ.get("SANZERO_VAR_DIR", "var")) / "screenshots"


def required_services() -> set[str]:
    return {s.strip() for s in os.environ.get("SANZERO_REQUIRE_SERVICES", "").split(",") if s.strip()}


def need(service: str, available: bool, why: str) -> None:
    """Skip when a service is missing on a bare machine; fail when CI requires it."""
    if available:
        return
    if service in required_services():
        pytest.fail(f"{service} is required here (SANZERO_REQUIRE_SERVICES) but not available: {why}")
    pytest.skip(f"{service} not available: {why}")


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def redis_ok() -> bool:
    """Whether a Redis answers at settings.REDIS_URL (the broker a real worker needs)."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def browser_login(page, base: str, username: str) -> None:
    """Log `username` (a user of the fixture county, PASSWORD) in through the login form of the live server."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def check_role_matrix(client_as, url: str, expected: dict[str, int], *, method: str = "get", data=None):
    """Request `url` as every role in `expected` and compare status codes; anonymous must go to login.

    Returns {role: response}. For POSTs nothing may change for a refused role: callers assert the
    database side themselves (the matrix only knows HTTP).
    """
    responses = {}
    mismatches = []
    for role, status in expected.items():
        client = client_as(role)
        response = getattr(client, method)(url, data or {})
        responses[role] = response
        if role == "anonymous" and status == 302:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith("/accounts/login/"):
                mismatches.append(f"{role}: {response.status_code} → {location!r}, expected a login redirect")
            continue
        if response.status_code != status:
            mismatches.append(f"{role}: got {response.status_code}, expected {status}")
    assert not mismatches, f"{method.upper()} {url}: " + "; ".join(mismatches)
    return responses


# -- query counts ---------------------------------------------------------------------------------


@contextmanager
def captured_sql(using: str = DEFAULT_DB_ALIAS) -> Iterator[list[str]]:
    """``with captured_sql() as sqls:`` collects the SQL statements run inside the block, in order.

    The list fills when the block ends. Use it for a service call, a task or a report that is not
    a GET of a page (for a page use queries_of)::

        with captured_sql() as sqls:
            add_workdays(D(2027, 1, 1), 300)
        assert len(sqls) == 1 and "holidaystamp" in sqls[0].lower()
    """
    sqls: list[str] = []
    with CaptureQueriesContext(connections[using]) as ctx:
        yield sqls
    sqls.extend(query["sql"] for query in ctx.captured_queries)


def queries_of(client, url: str, *, warm_up: bool = True, status: int = 200, **extra) -> tuple[Any, list[str]]:
    """GET `url` with a test client; return (the response, the SQL statements the request ran).

    warm_up: first GET the same URL once, unmeasured, so that per-process caches (content types,
        compiled templates, the holiday calendar) do not count as a cost of the request. Pass
        False when the test warms up itself (one warm-up before a loop over several URLs).
    status: the response must have it (200); the URL is in the message when it has not.
    extra: passed on to client.get, e.g. ``headers={"HX-Request": "true"}``.

    A streamed response (an Excel export) is read to its end inside the measurement, since its
    rows are queried while it streams; the response handed back can be read again.

        response, sqls = queries_of(client_as("county"), "/dashboard/?month=2026-03")
        assert len(sqls) == 13, "\n".join(sqls)
    """
    if warm_up:
        _read(client.get(url, **extra))
    with captured_sql() as sqls:
        response = client.get(url, **extra)
        _read(response)
    assert response.status_code == status, f"GET {url}: {response.status_code}, expected {status}"
    return response, sqls


def _read(response) -> None:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
        response.streaming_content = [body]


class FlatQueries(NamedTuple):
    count: int  # the queries each measurement ran (all the same)
    responses: list  # the response of each measurement, one per size (None where measure gave only SQL)


def assert_flat_queries(
    measure: Callable[[], Any],
    *,
    add: Callable[[range], object],
    sizes: tuple[int, ...] = (3, 30),
    expected: int | None = None,
) -> FlatQueries:
    """Check that a page (or any measured call) runs as many queries for 30 rows as for 3: no query per row.

    measure: called once per size; returns what queries_of returns, (response, sqls), or just the
        list of SQL (from captured_sql). Usually ``lambda: queries_of(client, url)``.
    add: creates rows; it is given the numbers of the rows to add (use them to make names unique):
        add(range(0, 3)), measure, add(range(3, 30)), measure for the default sizes. The data the
        test built before the call (the fixture county) comes on top.
    sizes: the row counts measured, in increasing order; (1, 3) when a "row" is bigger, such as a
        holiday of several days.
    expected: the pinned count, when the test pins one: then a change that adds a query to every
        request shows too. Say why in the commit that moves a pin.

    Returns FlatQueries(count, responses), so the test can check what each measured page showed.
    On a mismatch the message gives the count per size and the statements of the run that differs,
    so the extra query is there to read.

    A hand-written copy (warm up, CaptureQueriesContext, count 3 rows, add 27, count again) becomes:

        def test_the_list_costs_the_same_queries_for_3_and_30_cases(world, client_as):
            client = client_as("clerk_a")
            flat = assert_flat_queries(lambda: queries_of(client, "/cases/?per_page=50"),
                                       add=lambda rows: [case(world, subject=world.shop_a) for _ in rows],
                                       expected=LIST_QUERIES)
            assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 30]
            _, sqls = queries_of(client, "/cases/?breaks_zero=yes")  # another URL, the same pin
            assert len(sqls) == LIST_QUERIES, "\n".join(sqls)
    """
    counts, statements, responses = [], [], []
    done = 0
    for size in sizes:
        add(range(done, size))
        done = size
        measured = measure()
        response, sqls = measured if isinstance(measured, tuple) else (None, measured)
        counts.append(len(sqls))
        statements.append(sqls)
        responses.append(response)
    wanted = counts[0] if expected is None else expected
    wrong = [i for i, n in enumerate(counts) if n != wanted]
    if wrong:
        by_size = ", ".join(f"{size} rows: {n}" for size, n in zip(sizes, counts, strict=True))
        shown = "\n".join(f"  {sql[:300]}" for sql in statements[wrong[-1]])
        pytest.fail(
            f"queries per measurement ({by_size}), expected {wanted} each; the {sizes[wrong[-1]]}-row run:\n{shown}"
        )
    return FlatQueries(wanted, responses)


# -- concurrent writers ---------------------------------------------------------------------------


class Outcome(NamedTuple):
    value: Any  # what the call returned (None when it raised)
    error: BaseException | None  # what it raised


def at_once(*calls: Callable[[], Any], timeout: float = 30) -> list[Outcome]:
    """Run each call in its own thread — its own database connection — released together by a
    threading.Barrier, and return their outcomes in order. For the concurrency tests on PostgreSQL
    (``django_db(transaction=True)``: the threads must see the committed fixture rows). Each thread
    closes its connection at the end, so the test database can be dropped afterwards."""
    import threading

    barrier = threading.Barrier(len(calls))
    outcomes: list[Outcome | None] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            try:
                outcomes[i] = Outcome(call(), None)
            except BaseException as exc:  # noqa: BLE001 - handed back to the test
                outcomes[i] = Outcome(None, exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert all(o is not None for o in outcomes), "a concurrent call did not finish in time (a deadlock?)"
    return outcomes  # type: ignore[return-value]


@contextmanager
def widened(monkeypatch, target: Any, name: str, seconds: float = 0.3) -> Iterator[None]:
    """Make ``target.name`` sleep before it runs, so that two concurrent writers are certainly inside the
    read-then-write window at the same time (a race the code does not prevent then shows every run)."""
    import functools
    import time

    real = getattr(target, name)

    @functools.wraps(real)
    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)
    try:
        yield
    finally:
        monkeypatch.setattr(target, name, real)


# -- every page: for checks that must hold on all of them (the option count of the pickers) ---------------

SKIPPED_PAGE_PREFIXES = ("/admin/", "/accounts/logout/", "/healthz", "/api/")  # /api/: token-authenticated JSON


@dataclass(frozen=True)
class Pattern:
    name: str  # namespaced, "disputes:dispute_detail"
    route: str  # the full pattern text, for messages
    kwargs: tuple[str, ...]  # the URL's keyword arguments
    positional: int = 0  # its unnamed groups (simple_history's admin pages have two)


def walk_urls(patterns=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    """Every URL pattern under the root URLconf, includes resolved, with its namespaced name (the URL
    matrix of sanzero/tests/url_matrix.py and the pages without arguments below)."""
    import re

    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[Pattern] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += walk_urls(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name or f"<unnamed {route}>"
            regex = re.compile(entry.pattern.regex.pattern)
            kwargs = tuple(regex.groupindex)
            qualified = f"{namespace}:{name}" if namespace else name
            found.append(Pattern(qualified, route, kwargs, regex.groups - len(kwargs)))
    return found


def parameterless_urls() -> list[str]:
    """Every URL of the resolver that takes no argument (/, /subjects/, /disputes/new/...), admin and
    logout aside: the pages a check over "every list page and form" walks. Add the edit pages yourself."""
    from django.urls import reverse

    urls = {reverse(p.name) for p in walk_urls() if not p.kwargs and not p.positional and not p.name.startswith("<")}
    return sorted(u for u in urls if not u.startswith(SKIPPED_PAGE_PREFIXES))


def option_count(html: str) -> int:
    """How many <option> elements a page carries."""
    import re

    return len(re.findall(r"<option[\s>]", html))


def picker_choose(page, control: str, typed: str, wanted: str) -> list[str]:
    """In a real browser, choose in a search-as-you-type picker (static/js/picker.js) with the keyboard
    only: focus its input (`control`, e.g. "#id_subject-ts-control"), type, wait for the server's
    answer, arrow down to the option reading `wanted`, Enter. Returns the options the search showed."""
    page.focus(control)
    page.keyboard.type(typed)
    page.wait_for_timeout(400)  # the picker waits 250 ms after the last key before it asks the server
    page.wait_for_selector(".ts-wrapper.focus:not(.loading)")
    options = page.locator(".ts-dropdown .option")
    options.filter(has_text=wanted).first.wait_for()
    shown = options.all_inner_texts()
    for _ in range(len(shown) + 1):
        active = page.locator(".ts-dropdown .option.active")
        if active.count() and wanted in active.inner_text():
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    return shown
