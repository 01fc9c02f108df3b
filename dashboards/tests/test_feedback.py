"""Feedback on long actions (issue 10 point 8): the recomputation shows a spinner, then a summary
(month, subjects, regions, time); every rate on the dashboard links to the subjects it counts, labelled
查看达标主体 / 查看未达标主体; the rates of the township table and the ranking are links."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from dashboards import compute
from dashboards.models import SnapshotJob, SubjectMonth
from hazards.models import Accident

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


@pytest.fixture
def computed(world):
    # 甲一村超市 (a unit of 甲镇) fails 零事故 in March
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    compute.compute_month(region=world.county, month=MARCH)
    return world


def query_of(href: str) -> dict:
    parts = urlsplit(href.replace("&amp;", "&"))
    return {"path": parts.path, **{k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}}


def links(html: str, title_prefix: str) -> list[dict]:
    """The hrefs of the <a> whose title starts with title_prefix (the rate links), as query dicts."""
    return [query_of(h) for h in re.findall(rf'<a[^>]*href="([^"]+)"[^>]*title="{title_prefix}', html)]


def test_the_recomputation_shows_a_spinner_then_a_summary(world, client_as, django_capture_on_commit_callbacks):
    client = client_as("county")
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    queued = SnapshotJob.objects.create(region=world.county, month=MARCH, requested_by=world.users["county"])
    waiting = client.get(f"/dashboard/jobs/{queued.pk}/").content.decode()
    assert "data-job-spinner" in waiting and 'hx-trigger="every 1s"' in waiting and "job-summary" not in waiting

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/recompute/", {"region": world.county.code, "month": "2026-03"})
    job = SnapshotJob.objects.exclude(pk=queued.pk).get()
    assert response["Location"] == f"/dashboard/jobs/{job.pk}/"
    page = client.get(response["Location"], headers={"HX-Request": "true"})  # what the poll swaps in
    html = page.content.decode()
    assert "data-job-spinner" not in html and "hx-trigger" not in html  # finished: the poll stops
    subjects = SubjectMonth.objects.filter(month=MARCH).count()
    assert subjects == job.subject_count == 7  # 4 subjects and the 3 villages
    summary = dict(re.findall(r'data-summary="(\w+)">([^<]+)<', html))
    assert summary["months"] == "2026年3月（本月与年度累计，共1个月）"
    assert summary["subjects"] == f"{subjects}个（月末在册，本月与年度累计各一份判定）"
    assert summary["regions"] == f"测试县及下级，共{job.region_count}个区划" and job.region_count == 6
    assert summary["seconds"] == f"{job.seconds:.1f}秒"
    assert f'href="/dashboard/?region={world.county.code}&month=2026-03"' in html


def test_the_recompute_button_shows_a_spinner_while_it_submits(computed, client_as):
    html = client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert re.search(r'<form[^>]*action="/dashboard/recompute/"[^>]*data-busy-text="正在提交重新计算…"', html)
    assert "js/busy.js" in html


def test_the_card_rates_link_to_the_passing_subjects_and_the_failing_ones_are_labelled(computed, client_as):
    client = client_as("county")
    html = client.get(f"/dashboard/?region={computed.county.code}&month=2026-03").content.decode()
    rates = links(html, "查看达标主体")
    ytd = [r for r in rates if r["region"] == computed.county.code and r["period"] == "ytd"]
    assert {(r["group"], r["outcome"]) for r in ytd} == {("", "passed"), ("village", "passed"), ("unit", "passed")}
    failing = re.findall(r'<a href="([^"]+)">查看未达标主体（(\d+)）</a>', html)
    assert {(query_of(h)["group"], query_of(h)["period"], query_of(h)["outcome"], n) for h, n in failing} >= {
        ("", "ytd", "failed", "1"),
        ("unit", "ytd", "failed", "1"),
        ("village", "ytd", "failed", "0"),
        ("", "month", "failed", "1"),
    }
    # the link lands on the subjects it counts: all but the failing shop pass
    passed = next(r for r in ytd if r["group"] == "")
    page = client.get(passed["path"], {k: v for k, v in passed.items() if k != "path"})
    names = [row.subject.name for row in page.context["page"]]
    assert "甲一村超市" not in names and len(names) == 6
    fail_href = next(h for h, _ in failing if query_of(h)["group"] == "" and query_of(h)["period"] == "ytd")
    q = query_of(fail_href)
    assert [r.subject.name for r in client.get(q.pop("path"), q).context["page"]] == ["甲一村超市"]


def test_the_township_table_rates_are_links_to_each_townships_subjects(computed, client_as):
    html = client_as("county").get(f"/dashboard/?region={computed.county.code}&month=2026-03").content.decode()
    table = html[html.index("下级区划（年度累计）") :]
    rates = links(table, "查看达标主体")
    got = {(r["region"], r["group"], r["period"], r["outcome"]) for r in rates}
    for town in (computed.town_a, computed.town_b):
        for group in ("", "village", "unit"):
            assert (town.code, group, "ytd", "passed") in got
    failing = [query_of(h) for h in re.findall(r'<a class="small" href="([^"]+)">查看未达标主体</a>', table)]
    assert {(f["region"], f["outcome"]) for f in failing} == {
        (computed.town_a.code, "failed"),
        (computed.town_b.code, "failed"),
    }


def test_the_ranking_rates_link_to_the_passing_subjects(computed, client_as):
    html = client_as("county").get(f"/dashboard/ranking/?region={computed.county.code}&month=2026-03").content.decode()
    got = {(r["region"], r["group"], r["outcome"]) for r in links(html, "查看达标主体")}
    assert (computed.town_a.code, "", "passed") in got and (computed.town_a.code, "unit", "passed") in got
    assert (computed.town_b.code, "village", "passed") in got


def test_an_empty_rate_is_no_link(world, client_as):
    """No snapshot: the rates are —, never 0% and never a link."""
    html = client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert 'title="查看达标主体' not in html
