"""导出Excel on every list: exactly the rows of its filtered page, inside the user's scope, in its order,
with its columns first; the file name; formulas stay text; a query count that does not grow with the rows."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of
from sanzero.tests.helpers import (
    LISTS,
    add_entry,
    add_subject,
    column,
    content_of,
    export,
    list_url,
    page_rows,
    read_xlsx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_clock", "media")]


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("username", ["county", "clerk_a", "clerk_b"])
@pytest.mark.parametrize("filtered", [False, True])
def test_each_list_exports_exactly_the_rows_of_its_filtered_page(client_as, export_data, name, username, filtered):
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
def test_a_clerk_never_exports_another_townships_rows(client_as, export_data, name):
    a_keys = set(page_rows(client_as("clerk_a"), list_url(name))[1])
    b_keys = set(page_rows(client_as("clerk_b"), list_url(name))[1])
    headers, rows = read_xlsx(export(client_as("clerk_b"), list_url(name)))
    exported = set(column(headers, rows, LISTS[name].key_header))
    assert exported == b_keys and a_keys and not exported & a_keys
    regions = set(column(headers, rows, "区划代码"))
    assert regions and all(code.startswith("990121101") for code in regions)


def test_the_export_follows_the_lists_sort_order(client_as, export_data):
    client = client_as("county")
    for sort in ("name", "-name"):
        _, keys, _ = page_rows(client, f"/subjects/?sort={sort}")
        headers, rows = read_xlsx(export(client, f"/subjects/?sort={sort}"))
        assert column(headers, rows, "主体名称") == keys


@pytest.mark.parametrize("name", list(LISTS))
def test_headers_are_the_lists_columns_then_the_rest_of_the_record(client_as, export_data, name):
    client = client_as("county")
    _, _, table = page_rows(client, list_url(name))
    # The text columns (简要情况, 诉求内容…) show 20 characters; the export holds the whole text. The
    # selection checkboxes of the bulk actions are no data column.
    list_headers = [str(c.header) for c in table.columns if c.name != "select"]
    headers, _ = read_xlsx(export(client, list_url(name)))
    assert headers[: len(list_headers)] == list_headers
    assert len(headers) > len(list_headers)


def test_the_list_page_offers_the_export_with_its_filters(client_as, export_data):
    response = client_as("clerk_a").get("/hazards/?level=重大&page=1&per_page=50")
    assert "导出Excel" in response.content.decode()
    assert response.context["export_url"] == "/hazards/?level=%E9%87%8D%E5%A4%A7&export=xlsx"


def test_the_download_has_a_chinese_filename(client_as, export_data):
    response = export(client_as("county"), "/cases/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="sanzero-case-20260316-180000.xlsx"; ')
    assert f"filename*=UTF-8''{quote('刑事_治安案件台账_20260316-180000.xlsx')}" in disposition


def test_an_unknown_export_format_is_404_and_anonymous_goes_to_login(client_as, export_data):
    assert client_as("county").get("/subjects/?export=csv").status_code == 404
    check_role_matrix(client_as, "/subjects/?export=xlsx", {"anonymous": 302})
    check_role_matrix(client_as, "/exports/", {"anonymous": 302, "county": 200, "grid_a": 200})


def test_formula_looking_text_stays_text(client_as, world):
    add_subject(world, 1).__class__.objects.filter(name="subjects记录1").update(name="=1+2")
    add_entry(world, "hazards", world.shop_a, 1, description='=HYPERLINK("http://example.com","点我")')
    add_entry(world, "cases", world.shop_a, 2, cause="@SUM(A1:A2)", summary="-2+3")
    client = client_as("county")
    for url, header, text in [
        ("/subjects/", "主体名称", "=1+2"),
        ("/hazards/", "隐患描述", '=HYPERLINK("http://example.com","点我")'),
        ("/cases/", "案由", "@SUM(A1:A2)"),
        ("/cases/", "简要案情", "-2+3"),
    ]:
        content = content_of(export(client, url))
        sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<f " not in sheet
        workbook = load_workbook(io.BytesIO(content))
        ws = workbook.worksheets[0]
        index = [c.value for c in ws[1]].index(header) + 1
        cells = [ws.cell(row=r, column=index) for r in range(2, ws.max_row + 1)]
        cell = next(c for c in cells if c.value == text)
        assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("name", list(LISTS))
def test_an_exports_query_count_does_not_grow_with_its_rows(client_as, world, name):
    client = client_as("clerk_a")

    def add(rows: range):
        for n in rows:
            subject = world.shop_a if n % 2 else world.school_a
            add_subject(world, n) if name == "subjects" else add_entry(world, name, subject, n)

    flat = assert_flat_queries(lambda: queries_of(client, list_url(name, "export=xlsx")), add=add)
    assert len(read_xlsx(flat.responses[-1])[1]) >= 30
