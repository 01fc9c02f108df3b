"""Dashboard pages: scoped, snapshot tables only (pinned query counts, no ledger table in the SQL)."""

import datetime
import re

import pytest
import time_machine

from dashboards import compute
from dashboards.models import MonthStatus, SnapshotJob
from hazards.models import Accident
from petitions.models import Petition
from sanzero.testing import check_role_matrix, queries_of

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
LEDGER_TABLES = ("disputes_", "hazards_", "petitions_", "cases_")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


@pytest.fixture
def computed(world):
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    Petition.objects.create(
        subject=world.school_b,
        received_on=datetime.date(2026, 2, 3),
        channel="来访",
        type="申诉求决",
        headcount=6,
        level_reached="县",
        content="x",
    )
    for month in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), MARCH):
        compute.compute_month(region=world.county, month=month)
    return world


def ledger_tables_in(sqls):
    pattern = r'(?:FROM|JOIN)\s+"((?:disputes|hazards|petitions|cases)_\w+)"'
    return sorted({t for sql in sqls for t in re.findall(pattern, sql)})


# each page's header has a region picker showing the region's path 县/乡镇: one query for its ancestors
@pytest.mark.parametrize(
    "url,pinned",
    [
        ("/dashboard/?month=2026-03", 14),
        ("/dashboard/ranking/?month=2026-03", 9),
        ("/dashboard/subjects/?month=2026-03&period=month", 10),
    ],
)
def test_dashboard_pages_read_only_snapshot_tables_with_pinned_query_counts(computed, client_as, url, pinned):
    response, sqls = queries_of(client_as("county"), url, warm_up=False)
    assert ledger_tables_in(sqls) == []
    assert len(sqls) == pinned, "\n".join(sqls)


def test_county_overview_shows_the_rates(computed, client_as):
    response = client_as("county").get("/dashboard/?month=2026-03")
    cards = {c["group"]: c for c in response.context["cards"]}
    assert (cards["unit"]["month"].passed, cards["unit"]["month"].total) == (3, 4)
    assert (cards["unit"]["ytd"].passed, cards["unit"]["ytd"].total) == (2, 4)
    assert (cards["village"]["ytd"].passed, cards["village"]["ytd"].total) == (3, 3)
    body = response.content.decode()
    assert "50.0%" in body and "100.0%" in body


def test_drill_down_to_the_failing_subject_and_its_entries(computed, client_as):
    client = client_as("county")
    failing = client.get(f"/dashboard/subjects/?region={computed.town_a.code}&month=2026-03&period=month")
    rows = list(failing.context["page"])
    assert [r.subject for r in rows] == [computed.shop_a]
    detail = client.get(f"/dashboard/subject/{computed.shop_a.pk}/2026-03/")
    assert detail.status_code == 200
    entries = detail.context["entries"]["month"]
    assert [e.subject for _, e in entries] == [computed.shop_a]
    assert entries[0][1].get_absolute_url() in detail.content.decode()


def test_clerks_see_their_township_only(computed, client_as):
    client = client_as("clerk_a")
    response = client.get("/dashboard/?month=2026-03")
    assert response.context["region"] == computed.town_a
    assert client.get(f"/dashboard/?region={computed.town_b.code}").status_code == 404
    assert client.get(f"/dashboard/subject/{computed.school_b.pk}/2026-03/").status_code == 404
    failing = client.get(f"/dashboard/subjects/?region={computed.county.code}&month=2026-03")
    assert failing.status_code == 404


def test_role_matrix_for_dashboard_pages(computed, client_as):
    every = {
        "anonymous": 302,
        "admin": 200,
        "county": 200,
        "clerk_a": 200,
        "clerk_b": 200,
        "grid_a": 200,
        "dept_edu": 200,
    }
    check_role_matrix(client_as, "/dashboard/?month=2026-03", every)
    check_role_matrix(client_as, "/dashboard/ranking/?month=2026-03", every)
    check_role_matrix(
        client_as,
        f"/dashboard/subject/{computed.shop_a.pk}/2026-03/",
        {"anonymous": 302, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
    )


def test_recompute_is_for_county_staff_and_refused_when_locked(computed, client_as, django_capture_on_commit_callbacks):
    assert client_as("clerk_a").post("/dashboard/recompute/", {"month": "2026-03"}).status_code == 403
    assert SnapshotJob.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("county").post("/dashboard/recompute/", {"month": "2026-03"})
    job = SnapshotJob.objects.get()
    assert response.headers["Location"] == f"/dashboard/jobs/{job.pk}/"
    assert job.status == "done" and job.progress == 100
    client_as("county").post("/dashboard/month/", {"month": "2026-03", "action": "lock", "confirm_unsubmitted": "1"})
    assert MonthStatus.objects.get(region=computed.county).status == "locked"
    page = client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert "disabled" in page and "已锁定" in page
    client_as("county").post("/dashboard/recompute/", {"month": "2026-03"})
    assert SnapshotJob.objects.count() == 1


def test_township_submits_its_month(computed, client_as):
    from declarations.testing import declare_month

    declare_month(computed.users["clerk_a"], computed.town_a, MARCH)  # 零报告 first: 上报 waits for it
    client_as("clerk_a").post(
        "/dashboard/month/", {"region": computed.town_a.code, "month": "2026-03", "action": "submit"}
    )
    assert MonthStatus.objects.get(region=computed.town_a).status == "submitted"
    client_as("clerk_a").post(
        "/dashboard/month/", {"region": computed.town_a.code, "month": "2026-03", "action": "lock"}
    )
    assert MonthStatus.objects.get(region=computed.town_a).status == "submitted"


def test_targets_page_sets_rates_for_county_staff_only(computed, client_as):
    from decimal import Decimal

    from dashboards.models import Target

    url = f"/dashboard/targets/?region={computed.county.code}&year=2026"
    check_role_matrix(client_as, url, {"anonymous": 302, "county": 200, "clerk_a": 404, "dept_edu": 200})
    data = {
        "year": 2026,
        "region": computed.county.code,
        f"rate_{computed.county.pk}_village": "80",
        f"rate_{computed.county.pk}_unit": "98.5%",
        f"rate_{computed.town_b.pk}_village": "0.9",
    }
    assert client_as("county").post("/dashboard/targets/", data).status_code == 302
    rates = {(t.region_id, t.group): t.rate for t in Target.objects.all()}
    assert rates == {
        (computed.county.pk, "village"): Decimal("0.8"),
        (computed.county.pk, "unit"): Decimal("0.985"),
        (computed.town_b.pk, "village"): Decimal("0.9"),
    }
    bad = client_as("county").post("/dashboard/targets/", {**data, f"rate_{computed.county.pk}_unit": "abc"})
    assert bad.status_code == 200 and "请输入0–100之间的数字" in bad.content.decode()
    assert client_as("dept_edu").post("/dashboard/targets/", data).status_code == 403


def test_rules_page_creates_a_new_version(computed, client_as):
    from dashboards.models import RuleSet

    page = client_as("county").get("/dashboard/rules/")
    assert page.status_code == 200
    form = {
        "group": "unit",
        "unit-petition_skip_level": "on",
        "unit-petition_collective": "on",
        "unit-petition_abnormal": "on",
        "unit-collective_headcount": "5",
        "unit-petition_level_at_or_above": "县",
        "unit-accident_basis": "casualty",
        "unit-reason": "从严",
    }
    assert client_as("county").post("/dashboard/rules/", form).status_code == 302
    current = RuleSet.current("unit", computed.county)
    assert current.version == 2 and current.petition_level_at_or_above == "县" and current.region == computed.county
    assert client_as("clerk_a").post("/dashboard/rules/", form).status_code == 403
    assert RuleSet.current("unit", computed.county).version == 2


def test_late_changes_list_ledger_edits_after_the_lock(computed, client_as):
    from hazards import services as hazard_services

    client_as("county").post("/dashboard/month/", {"month": "2026-03", "action": "lock", "confirm_unsubmitted": "1"})
    with time_machine.travel(datetime.datetime(2026, 4, 10, 11, 0), tick=False):  # later that morning
        hazard_services.accident_create(
            actor=computed.users["clerk_a"],
            data={"subject": computed.shop_a, "occurred_on": datetime.date(2026, 3, 20), "kind": "火灾", "injuries": 1},
        )
    page = client_as("county").get("/dashboard/late-changes/?month=2026-03")
    assert [c["kind"] for c in page.context["changes"]] == ["事故"]


def _sheet(response):
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def test_the_drill_down_exports_the_same_subjects_with_their_verdicts(
    computed, client_as, settings, tmp_path, django_capture_on_commit_callbacks
):
    from sanzero.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    client = client_as("county")
    page = client.get(f"/dashboard/subjects/?region={computed.county.code}&month=2026-03&period=month&outcome=all")
    assert "导出Excel" in page.content.decode()
    response = client.get(
        f"/dashboard/subjects/?region={computed.county.code}&month=2026-03&period=month&outcome=all&export=xlsx"
    )
    assert response.status_code == 200
    assert "达标明细" in response["Content-Disposition"] or "filename*=" in response["Content-Disposition"]
    headers, rows = _sheet(response)
    assert headers == [
        "区划代码",
        "乡镇(街道)",
        "所属区划",
        "创建主体",
        "类别",
        "零上访",
        "零事故",
        "零案件",
        "三零达标",
        "人工认定",
        "认定理由",
    ]
    by_name = {r[3]: r for r in rows}
    assert sorted(by_name) == sorted(s.subject.name for s in page.context["page"].paginator.object_list)
    # March alone: the shop's injury accident fails 零事故; the school's February petition does not count.
    assert by_name[computed.shop_a.name][5:9] == ["达标", "不达标", "达标", "不达标"]
    assert by_name[computed.school_b.name][5:9] == ["达标", "达标", "达标", "达标"]
    # Year to date the school's collective petition in February fails 零上访.
    _, ytd = _sheet(client.get(f"/dashboard/subjects/?region={computed.county.code}&month=2026-03&export=xlsx"))
    assert {r[3]: r[5:9] for r in ytd} == {
        computed.shop_a.name: ["达标", "不达标", "达标", "不达标"],
        computed.school_b.name: ["不达标", "达标", "达标", "不达标"],
    }

    # Over the direct-download limit it becomes a job in the download centre, rebuilt for its owner.
    settings.EXPORT_SYNC_ROW_LIMIT = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/dashboard/subjects/?region={computed.county.code}&month=2026-03&export=xlsx")
    assert response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.kind, job.status, job.row_count) == ("dashboards:failing", "done", 2)
    # Another township's clerk cannot export the county's list.
    assert (
        client_as("clerk_a")
        .get(f"/dashboard/subjects/?region={computed.county.code}&month=2026-03&export=xlsx")
        .status_code
        == 404
    )


def test_the_ranking_exports_its_rows_in_the_page_order_with_rates_as_percentages(computed, client_as):
    import io

    import openpyxl

    client = client_as("county")
    page = client.get("/dashboard/ranking/?month=2026-03&sort=-unit")
    entries = page.context["entries"]
    assert "导出Excel" in page.content.decode()
    response = client.get("/dashboard/ranking/?month=2026-03&sort=-unit&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:6] == ["排名", "区划代码", "区划", "主体总数", "三零达标数", "三零达标率"]
    assert [r[2].value for r in rows] == [e["region"].name for e in entries]
    for row, entry in zip(rows, entries, strict=True):
        assert row[0].value == entry["rank"]
        assert (row[3].value, row[4].value) == (entry["all"].total, entry["all"].passed)
        assert row[5].value == pytest.approx(float(entry["all"].rate)) and row[5].number_format == "0.0%"
        unit = entry["unit"]
        assert row[9].value == (pytest.approx(float(unit.rate)) if unit and unit.rate is not None else None)
    # A clerk exports only what they may see: their own township's children, not the county's.
    assert client_as("clerk_a").get(f"/dashboard/ranking/?region={computed.county.code}&export=xlsx").status_code == 404
