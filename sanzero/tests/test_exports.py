"""List exports (导出Excel) and the download centre (下载中心).

Every list exports exactly the rows of its filtered page, inside the user's scope; personal data is
masked unless the role may reveal it (then logged); big exports run as a job only its owner downloads.
"""

from __future__ import annotations

import datetime
import io
import time
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cases.services import police_case_create
from disputes.services import dispute_create
from hazards.services import accident_create, hazard_create
from petitions.services import petition_create
from sanzero.exporting import services as export_services
from sanzero.exporting.columns import HIDDEN_TEXT
from sanzero.models import AccessLog, ExportJob
from sanzero.testing import check_role_matrix
from sanzero.xlsx.download import XLSX_CONTENT_TYPE
from units.models import Category, Subject

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
PHONE = "13812341234"
MASKED_ID = "110105********002X"
MASKED_PHONE = "138****1234"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# -- building ledgers ---------------------------------------------------------------------------------

def _actor(world, subject):
    return world.users["clerk_a" if subject.region.code.startswith("990121100") else "clerk_b"]


def add_entry(world, kind: str, subject, n: int, **extra):
    """One entry of a ledger whose key text (exported in full) is unique: f"{kind}记录{n}"."""
    actor = _actor(world, subject)
    day = datetime.date(2026, 3, 1) + datetime.timedelta(days=n % 10)
    if kind == "disputes":
        return dispute_create(actor=actor, data={
            "subject": subject, "found_on": day, "category": "邻里纠纷", "summary": f"disputes记录{n}",
            "source": "网格排查", "parties": "张三、李小四", "people_count": 2,
            "risk_colour": "红" if n % 2 else "黄", **extra})
    if kind == "hazards":
        return hazard_create(actor=actor, data={
            "subject": subject, "found_on": day, "category": "消防", "level": "重大" if n % 2 else "一般",
            "description": f"hazards记录{n}", **extra})
    if kind == "accidents":
        return accident_create(actor=actor, data={
            "subject": subject, "occurred_on": day, "kind": "火灾", "injuries": n % 2, "summary": f"accidents记录{n}",
            **extra})
    if kind == "petitions":
        return petition_create(actor=actor, data={
            "subject": subject, "received_on": day, "channel": "来访", "type": "检举控告" if n % 2 else "申诉求决",
            "petitioner_name": "张伟", "id_number": ID, "phone": PHONE, "headcount": 1, "level_reached": "乡镇",
            "content": f"petitions记录{n}", **extra})
    if kind == "cases":
        return police_case_create(actor=actor, data={
            "subject": subject, "occurred_on": day, "kind": "刑事" if n % 2 else "治安", "cause": "盗窃",
            "summary": f"cases记录{n}", "unit": "测试县公安局", **extra})
    raise AssertionError(kind)


def add_subject(world, n: int, region=None, **extra):
    return Subject.objects.create(name=f"subjects记录{n}", category=Category.objects.get(name="企业"),
                                  region=region or world.village_a, **extra)


LEDGERS = ["disputes", "hazards", "accidents", "petitions", "cases"]


@pytest.fixture
def data(world):
    """Two entries of every ledger on each of the four subjects (A: shop_a, school_a; B: shop_b, school_b)."""
    n = 0
    for subject in (world.shop_a, world.school_a, world.shop_b, world.school_b):
        for _ in range(2):
            n += 1
            for kind in LEDGERS:
                add_entry(world, kind, subject, n)
    for i, region in enumerate((world.village_a, world.town_a, world.village_b, world.town_b)):
        add_subject(world, 100 + i, region=region)
    return world


# -- reading exports ---------------------------------------------------------------------------------

def content_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_xlsx(response) -> tuple[list[str], list[list]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(content_of(response)), read_only=True)
    rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    headers = [str(h) for h in rows[0]]
    return headers, [row + [None] * (len(headers) - len(row)) for row in rows[1:]]


def column(headers, rows, header) -> list:
    index = headers.index(header)
    return [row[index] for row in rows]


@dataclass(frozen=True)
class ListCase:
    url: str
    key_header: str  # an exported column whose value is unique per row
    key_field: str  # the model field behind it
    filter: str  # a filter of the list that keeps some rows and drops others


LISTS = {
    "subjects": ListCase("/subjects/", "主体名称", "name", "category={enterprise}"),
    "disputes": ListCase("/disputes/", "简要情况", "summary", "risk_colour=红"),
    "hazards": ListCase("/hazards/", "隐患描述", "description", "level=重大"),
    "accidents": ListCase("/accidents/", "简要经过", "summary", "casualties=true"),
    "petitions": ListCase("/petitions/", "诉求内容", "content", "type=检举控告"),
    "cases": ListCase("/cases/", "简要案情", "summary", "kind=刑事"),
}


def list_url(name: str, query: str = "") -> str:
    query = query.format(enterprise=Category.objects.get(name="企业").pk)
    return f"{LISTS[name].url}?{query}" if query else LISTS[name].url


def page_rows(client, url: str):
    """The list page's own answer: (paginator count, the key values of its rows). Fits one page."""
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}per_page=100")
    assert response.status_code == 200
    table = response.context["table"]
    keys = [getattr(row.record, LISTS[_name_of(url)].key_field) for row in table.page.object_list]
    return table.paginator.count, keys, table


def _name_of(url: str) -> str:
    return url.strip("/").split("/")[0].split("?")[0]


def export(client, url: str):
    sep = "&" if "?" in url else "?"
    return client.get(f"{url}{sep}export=xlsx")


# -- the rows: the same as the page, inside the scope ----------------------------------------------------

@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("username", ["county", "clerk_a", "clerk_b"])
@pytest.mark.parametrize("filtered", [False, True])
def test_each_list_exports_exactly_the_rows_of_its_filtered_page(client_as, data, name, username, filtered):
    client = client_as(username)
    url = list_url(name, LISTS[name].filter if filtered else "")
    count, keys, _ = page_rows(client, url)
    headers, rows = read_xlsx(export(client, url))
    exported = column(headers, rows, LISTS[name].key_header)
    assert len(rows) == count > 0
    assert sorted(exported) == sorted(keys)
    if filtered:
        full, _, _ = page_rows(client, list_url(name))
        assert count < full, "the filter must drop rows for this test to mean something"


@pytest.mark.parametrize("name", list(LISTS))
def test_a_clerk_never_exports_another_townships_rows(client_as, data, name):
    a_keys = set(page_rows(client_as("clerk_a"), list_url(name))[1])
    b_keys = set(page_rows(client_as("clerk_b"), list_url(name))[1])
    headers, rows = read_xlsx(export(client_as("clerk_b"), list_url(name)))
    exported = set(column(headers, rows, LISTS[name].key_header))
    assert exported == b_keys and a_keys and not exported & a_keys
    regions = set(column(headers, rows, "区划代码"))
    assert regions and all(code.startswith("990121101") for code in regions)


def test_the_export_follows_the_lists_sort_order(client_as, data):
    client = client_as("county")
    for sort in ("name", "-name"):
        _, keys, _ = page_rows(client, f"/subjects/?sort={sort}")
        headers, rows = read_xlsx(export(client, f"/subjects/?sort={sort}"))
        assert column(headers, rows, "主体名称") == keys


@pytest.mark.parametrize("name", list(LISTS))
def test_headers_are_the_lists_columns_then_the_rest_of_the_record(client_as, data, name):
    client = client_as("county")
    _, _, table = page_rows(client, list_url(name))
    # The petition list shows a 20-character 诉求摘要; the export holds the whole 诉求内容.
    list_headers = [{"诉求摘要": "诉求内容"}.get(str(c.header), str(c.header)) for c in table.columns]
    headers, _ = read_xlsx(export(client, list_url(name)))
    assert headers[:len(list_headers)] == list_headers
    assert len(headers) > len(list_headers)


def test_the_list_page_offers_the_export_with_its_filters(client_as, data):
    response = client_as("clerk_a").get("/hazards/?level=重大&page=1&per_page=50")
    assert "导出Excel" in response.content.decode()
    assert response.context["export_url"] == "/hazards/?level=%E9%87%8D%E5%A4%A7&export=xlsx"


def test_the_download_has_a_chinese_filename(client_as, data):
    response = export(client_as("county"), "/cases/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="sanzero-case-20260316-180000.xlsx"; ')
    assert f"filename*=UTF-8''{quote('刑事_治安案件台账_20260316-180000.xlsx')}" in disposition


def test_an_unknown_export_format_is_404_and_anonymous_goes_to_login(client_as, data):
    assert client_as("county").get("/subjects/?export=csv").status_code == 404
    check_role_matrix(client_as, "/subjects/?export=xlsx", {"anonymous": 302})
    check_role_matrix(client_as, "/exports/", {"anonymous": 302, "county": 200, "grid_a": 200})


# -- personal data ----------------------------------------------------------------------------------------

def test_petitions_are_masked_for_grid_and_department_users_and_not_logged(client_as, data):
    for username in ("grid_a", "dept_edu"):
        headers, rows = read_xlsx(export(client_as(username), "/petitions/"))
        assert rows
        for row in rows:
            record = dict(zip(headers, row, strict=True))
            if record["信访人"] == HIDDEN_TEXT:
                # 检举控告 about a school: never shown to the education bureau, not even masked.
                assert username == "dept_edu" and record["类型"] == "检举控告"
                assert record["身份证号"] == record["联系电话"] == record["诉求内容"] == HIDDEN_TEXT
                continue
            assert (record["信访人"], record["身份证号"], record["联系电话"]) == ("张*", MASKED_ID, MASKED_PHONE)
    assert not AccessLog.objects.exists()


def test_dispute_parties_and_subject_phones_are_masked_for_grid_and_department_users(client_as, data):
    Subject.objects.update(phone=PHONE)
    for username in ("grid_a", "dept_edu"):
        headers, rows = read_xlsx(export(client_as(username), "/disputes/"))
        assert rows and set(column(headers, rows, "当事人")) == {"张*、李**"}
        headers, rows = read_xlsx(export(client_as(username), "/subjects/"))
        assert rows and set(column(headers, rows, "联系电话")) == {MASKED_PHONE}
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("username", ["clerk_a", "county"])
def test_clerk_and_county_export_full_personal_data_and_each_export_is_logged(client_as, data, username):
    Subject.objects.update(phone=PHONE)
    client = client_as(username)
    headers, rows = read_xlsx(export(client, "/petitions/?type=检举控告"))
    assert {(r[headers.index("信访人")], r[headers.index("身份证号")], r[headers.index("联系电话")]) for r in rows} == {
        ("张伟", ID, PHONE)}
    headers, rows = read_xlsx(export(client, "/disputes/"))
    assert set(column(headers, rows, "当事人")) == {"张三、李小四"}
    headers, rows = read_xlsx(export(client, "/subjects/"))
    assert set(column(headers, rows, "联系电话")) == {PHONE}

    logs = list(AccessLog.objects.order_by("pk"))
    assert [(log.action, log.object_label, log.user.username) for log in logs] == [
        ("export", "petitions.petition", username), ("export", "disputes.dispute", username),
        ("export", "units.subject", username)]
    assert logs[0].fields == "信访人,身份证号,联系电话"
    assert "信访台账" in logs[0].detail and "type=%E6%A3%80%E4%B8%BE%E6%8E%A7%E5%91%8A" in logs[0].detail
    # Lists without personal data are not logged.
    read_xlsx(export(client, "/hazards/"))
    assert AccessLog.objects.count() == 3


def test_formula_looking_text_stays_text(client_as, world):
    add_subject(world, 1).__class__.objects.filter(name="subjects记录1").update(name="=1+2")
    add_entry(world, "hazards", world.shop_a, 1, description='=HYPERLINK("http://example.com","点我")')
    add_entry(world, "cases", world.shop_a, 2, cause="@SUM(A1:A2)", summary="-2+3")
    client = client_as("county")
    for url, header, text in [("/subjects/", "主体名称", "=1+2"),
                              ("/hazards/", "隐患描述", '=HYPERLINK("http://example.com","点我")'),
                              ("/cases/", "案由", "@SUM(A1:A2)"), ("/cases/", "简要案情", "-2+3")]:
        content = content_of(export(client, url))
        sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<f " not in sheet
        workbook = load_workbook(io.BytesIO(content))
        ws = workbook.worksheets[0]
        index = [c.value for c in ws[1]].index(header) + 1
        cells = [ws.cell(row=r, column=index) for r in range(2, ws.max_row + 1)]
        cell = next(c for c in cells if c.value == text)
        assert cell.data_type == "s" and cell.quotePrefix


# -- queries ------------------------------------------------------------------------------------------------

def _export_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = export(client, url)
        content_of(response)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(LISTS))
def test_an_exports_query_count_does_not_grow_with_its_rows(client_as, world, name):
    client = client_as("clerk_a")

    def add(first: int, last: int):
        for n in range(first, last):
            subject = world.shop_a if n % 2 else world.school_a
            add_subject(world, n) if name == "subjects" else add_entry(world, name, subject, n)

    add(0, 3)
    _export_queries(client, list_url(name))  # warm-up: per-process caches are not per-export costs
    few = _export_queries(client, list_url(name))
    add(3, 30)
    many = _export_queries(client, list_url(name))
    assert len(read_xlsx(export(client, list_url(name)))[1]) >= 30
    assert many == few


# -- big exports: a job, the download centre, the owner's download -------------------------------------------

def _bulk_subjects(world, count: int):
    enterprise = Category.objects.get(name="企业")
    Subject.objects.bulk_create(
        Subject(name=f"批量主体{i:05d}", category=enterprise, region=world.village_a, phone=PHONE) for i in range(count))


def test_an_export_over_2000_rows_becomes_a_job_that_only_its_owner_downloads(
        client_as, world, django_capture_on_commit_callbacks):
    _bulk_subjects(world, 2001)
    client = client_as("county")
    expected = Subject.objects.for_user(world.users["county"]).count()
    assert expected > export_services.SYNC_ROW_LIMIT
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = export(client, "/subjects/?group=unit")
    assert response.status_code == 302 and response["Location"] == "/exports/"
    assert len(callbacks) == 1

    job = ExportJob.objects.get()
    assert (job.user.username, job.kind, job.query, job.status, job.progress) == (
        "county", "units:subject_list", "group=unit", "done", 100)
    assert job.label == "创建主体（分组：单位(企业)）"
    units = Subject.objects.filter(category__group="unit").count()
    assert job.row_count == units
    assert job.expires_at == job.finished_at + datetime.timedelta(days=7)
    assert job.file.name.startswith("exports/2026/03/") and job.personal_data

    page = client.get("/exports/")
    text = page.content.decode()
    assert "创建主体（分组：单位(企业)）" in text and f"/exports/{job.pk}/download/" in text
    assert 'hx-trigger="every 2s"' not in text  # nothing running: no polling

    download = client.get(f"/exports/{job.pk}/download/")
    headers, rows = read_xlsx(download)
    assert len(rows) == units and headers[0] == "主体名称"
    assert set(column(headers, rows, "联系电话")) - {None} == {PHONE}  # county may see it: logged
    log = AccessLog.objects.get()
    assert log.action == "export" and f"后台导出#{job.pk}" in log.detail

    check_role_matrix(client_as, f"/exports/{job.pk}/download/",
                      {"county": 200, "admin": 404, "clerk_a": 404, "clerk_b": 404, "grid_a": 404, "anonymous": 302})
    assert f"/exports/{job.pk}/download/" not in client_as("admin").get("/exports/").content.decode()


def test_a_job_re_applies_the_users_scope_and_filters_and_masks_inside_the_task(
        client_as, data, settings, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_ROW_LIMIT = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client_as("clerk_b"), "/petitions/?type=检举控告")
    assert response["Location"] == "/exports/"
    with django_capture_on_commit_callbacks(execute=True):
        export(client_as("grid_a"), "/petitions/")
    clerk_job, grid_job = ExportJob.objects.order_by("pk")

    _, keys, _ = page_rows(client_as("clerk_b"), "/petitions/?type=检举控告")
    headers, rows = read_xlsx(client_as("clerk_b").get(f"/exports/{clerk_job.pk}/download/"))
    assert sorted(column(headers, rows, "诉求内容")) == sorted(keys) and len(keys) == 2
    assert set(column(headers, rows, "身份证号")) == {ID}

    headers, rows = read_xlsx(client_as("grid_a").get(f"/exports/{grid_job.pk}/download/"))
    assert len(rows) == page_rows(client_as("grid_a"), "/petitions/")[0]
    assert set(column(headers, rows, "身份证号")) == {MASKED_ID} and not grid_job.personal_data
    assert [log.user.username for log in AccessLog.objects.all()] == ["clerk_b"]


def test_a_finished_job_is_not_run_twice_and_a_failing_one_is_marked_failed(world):
    job = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="创建主体（全部）")
    assert export_services.export_job_run(job_id=job.pk).status == "done"
    name = ExportJob.objects.get(pk=job.pk).file.name
    assert export_services.export_job_run(job_id=job.pk).file.name == name  # idempotent
    broken = ExportJob.objects.create(user=world.users["county"], kind="units:subject_detail", label="x")
    failed = export_services.export_job_run(job_id=broken.pk)
    assert failed.status == "failed" and failed.message and not failed.file


def test_the_download_centre_polls_while_a_job_runs(client_as, world):
    job = ExportJob.objects.create(user=world.users["clerk_a"], kind="units:subject_list", label="创建主体（全部）",
                                   status="running", progress=40)
    client = client_as("clerk_a")
    text = client.get("/exports/").content.decode()
    assert 'hx-trigger="every 2s"' in text and "40%" in text and "<html" in text
    partial = client.get("/exports/", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="export-jobs"') and "<html" not in partial
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404  # not finished yet


def test_expired_files_are_deleted_by_cleanup_exports(client_as, world, media):
    _bulk_subjects(world, 3)
    job = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="创建主体（全部）")
    job = export_services.export_job_run(job_id=job.pk)
    path = media / job.file.name
    assert path.exists()
    stale = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="x")
    ExportJob.objects.filter(pk=stale.pk).update(created_at=job.created_at - datetime.timedelta(days=1))

    out = io.StringIO()
    call_command("cleanup_exports", stdout=out)
    assert path.exists() and "0 个" in out.getvalue()  # not yet expired; the stale job is given up
    assert ExportJob.objects.get(pk=stale.pk).status == "failed"

    with time_machine.travel(datetime.datetime(2026, 3, 23, 10, 1), tick=False):
        call_command("cleanup_exports", stdout=io.StringIO())
        assert not path.exists()
        job.refresh_from_db()
        assert job.file.name == "" and job.status == "done"
        response = client_as("county").get(f"/exports/{job.pk}/download/")
        assert response.status_code == 302 and response["Location"] == "/exports/"
        assert "已过期" in client_as("county").get("/exports/").content.decode()


def test_the_download_centre_is_in_the_navigation(client_as, world):
    assert 'href="/exports/"' in client_as("grid_a").get("/").content.decode()
    # Importing roles find it in the 导入导出 dropdown; department staff, who cannot import, get a
    # plain link rather than a dropdown of one.
    clerk = client_as("clerk_a").get("/").content.decode()
    assert 'bi-arrow-down-up me-1"></i>导入导出' in clerk and 'href="/imports/"' in clerk
    department = client_as("dept_edu").get("/").content.decode()
    assert "导入导出" not in department and 'href="/exports/"' in department


# -- a real worker (CI: PostgreSQL + Redis) -------------------------------------------------------------------

@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_big_export_runs_on_a_real_worker(world, client_as, settings, worker):
    """The worker process finds the task by name, rebuilds the list for the user and writes the file."""
    settings.EXPORT_SYNC_ROW_LIMIT = 2  # the worker has the default limit; only this request decides
    client = client_as("clerk_a")
    response = export(client, "/subjects/")
    assert response.status_code == 302 and response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    try:
        assert job.status == "done", job.message
        headers, rows = read_xlsx(client.get(f"/exports/{job.pk}/download/"))
        assert sorted(column(headers, rows, "主体名称")) == sorted(
            Subject.objects.for_user(world.users["clerk_a"]).values_list("name", flat=True))
        assert client_as("county").get(f"/exports/{job.pk}/download/").status_code == 404
    finally:
        if job.file:
            job.file.storage.delete(job.file.name)
