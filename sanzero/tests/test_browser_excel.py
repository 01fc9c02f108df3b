"""Headless Chromium: a clerk uploads a bad and then a good subject sheet, confirms it, and exports
the subject list from its 导出Excel button (Debian's chromium, never a downloaded one)."""

import io

import openpyxl
import pytest

from sanzero.models import ImportJob
from sanzero.testing import SCREENSHOTS, browser_login
from sanzero.tests.helpers import SUBJECT_HEADERS, xlsx
from units.models import Subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_clerk_imports_a_sheet_and_exports_the_list(world, live_server, browser_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = browser_page
    browser_login(page, live_server.url, "clerk_a")

    good_row = ["浏览器导入超市", "企业", "990121100000", None, None, "王五", "13800138000", None, "2026-01-05", None]
    bad = tmp_path / "坏表.xlsx"
    xlsx([SUBJECT_HEADERS, good_row, ["浏览器坏行", "外星基地", "990121100000", *[None] * 7]], path=bad)
    good = tmp_path / "好表.xlsx"
    xlsx([SUBJECT_HEADERS, good_row], path=good)

    for path in (bad, good):
        page.goto(f"{live_server.url}/imports/")
        page.select_option("select[name=kind]", "subjects")
        page.set_input_files("input[type=file]", str(path))
        page.click("button:has-text('上传并试导入')")
        page.wait_for_load_state("networkidle")
        if path is bad:
            body = page.locator("body").inner_text()
            assert "试导入未通过" in body and "第3行" in body and "主体类别" in body
            assert page.locator("button:has-text('确认导入')").count() == 0
            page.screenshot(path=str(SCREENSHOTS / "import_invalid.png"), full_page=True)
    assert not Subject.objects.filter(name="浏览器导入超市").exists()
    page.click("button:has-text('确认导入')")
    page.wait_for_load_state("networkidle")
    assert "导入完成" in page.locator("body").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "import_done.png"), full_page=True)
    assert Subject.objects.filter(name="浏览器导入超市").count() == 1
    assert ImportJob.objects.filter(filename="好表.xlsx", status="done").exists()

    page.goto(f"{live_server.url}/subjects/?q=浏览器")
    with page.expect_download() as download:
        page.click("text=导出Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["浏览器导入超市"]
