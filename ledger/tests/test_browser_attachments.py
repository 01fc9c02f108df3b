"""On a phone-sized screen (390 px) a grid worker records a hazard with its photo in one step, sees the
photo on the hazard's page, then adds the scanned rectification report from the 附件 card."""

import pytest
from django.utils import timezone

from ledger.models import Attachment
from sanzero.testing import SCREENSHOTS, browser_login, picker_choose

from .attachment_files import PDF, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_grid_worker_records_a_hazard_with_a_photo_on_a_phone(world, live_server, browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "IMG_20260316_灭火器.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(1200, 900), colour="orange"))
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server.url, "grid_a")

    page.goto(f"{live_server.url}/hazards/new/")
    photo_input = page.locator("#id_photo")
    assert photo_input.get_attribute("capture") == "environment"
    assert photo_input.get_attribute("accept") == "image/*"
    # the form fits the phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    picker_choose(page, "#id_subject-ts-control", "甲一", "甲一村超市")
    page.fill("#id_found_on", timezone.localdate().isoformat())
    page.select_option("#id_category", label="消防")
    page.fill("#id_description", "仓库灭火器过期，通道堆放杂物")
    photo_input.set_input_files(str(photo))
    page.screenshot(path=str(SCREENSHOTS / "hazard_form_photo_390.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")

    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.original_name, attachment.uploaded_by) == (
        "before",
        "IMG_20260316_灭火器.jpg",
        world.users["grid_a"],
    )
    assert page.url.endswith(f"/hazards/{attachment.object_id}/")
    card = page.locator("#attachments")
    assert "IMG_20260316_灭火器.jpg" in card.inner_text() and "整改前照片" in card.inner_text()
    thumb = card.locator("img").first
    thumb.scroll_into_view_if_needed()
    assert page.evaluate("img => img.complete && img.naturalWidth", thumb.element_handle()) == 320
    assert "上传附件" in page.locator(".audit-list").inner_text()

    # a second file from the card: the scanned report, filed as 整改后照片's neighbour 其他
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(PDF)
    card.locator("select[name=kind]").select_option(label="其他")
    card.locator("input[name=file]").set_input_files(str(report))
    card.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已上传附件“整改报告.pdf”。" in page.locator("body").inner_text()
    assert page.locator("#attachments .list-group-item").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#attachments").screenshot(path=str(SCREENSHOTS / "hazard_attachments_390.png"))

    # a forged photo is refused with the file's name
    fake = tmp_path / "现场.jpg"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    card = page.locator("#attachments")
    card.locator("input[name=file]").set_input_files(str(fake))
    card.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "文件“现场.jpg”的内容是HTML/SVG 网页或脚本" in page.locator("body").inner_text()
    assert Attachment.objects.count() == 2
