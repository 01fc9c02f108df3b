"""Print (issue 10 point 7): the printable 登记表 of every ledger entry and the 督办通知书 of an overdue one,
scoped like the entry (404 out of scope), personal data masked unless revealed (and the reveal logged)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from sanzero.models import AccessLog
from sanzero.testing import check_role_matrix
from sanzero.tests.helpers import ID, MASKED_ID, MASKED_PHONE, PHONE, add_entry

pytestmark = [pytest.mark.django_db]

TITLES = {
    "disputes": "测试县矛盾纠纷登记表",
    "hazards": "测试县安全隐患登记表",
    "accidents": "测试县事故登记表",
    "petitions": "测试县信访事项登记表",
    "cases": "测试县刑事/治安案件登记表",
}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("kind", list(TITLES))
def test_every_entry_prints_a_bordered_sheet_with_its_title_and_fields(world, client_as, kind):
    entry = add_entry(world, kind, world.shop_a, 1)
    response = client_as("clerk_a").get(f"/{kind}/{entry.pk}/print/")
    assert response.status_code == 200
    page = text(response)
    assert TITLES[kind] in page
    assert f"登记编号：{entry.pk}" in page and "乡镇(街道)：甲镇" in page and "打印日期：2026年3月16日" in page
    assert "创建主体 甲一村超市" in page and f"{kind}记录1" in page  # its full text, not cut
    assert 'class="sheet-table"' in response.content.decode() and "data-print" in response.content.decode()
    detail = client_as("clerk_a").get(f"/{kind}/{entry.pk}/").content.decode()
    assert f'href="/{kind}/{entry.pk}/print/"' in detail


@pytest.mark.parametrize("kind", list(TITLES))
def test_the_printed_sheet_and_the_notice_are_scoped_like_the_entry(world, client_as, kind):
    entry = add_entry(world, kind, world.shop_a, 1)
    for page in ("print", "notice"):
        check_role_matrix(
            client_as,
            f"/{kind}/{entry.pk}/{page}/",
            {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 200, "grid_a": 200, "clerk_b": 404},
        )
    assert client_as("clerk_b").post(f"/{kind}/{entry.pk}/print/").status_code == 404
    assert not AccessLog.objects.exists()


def test_a_petition_prints_masked_until_a_logged_reveal(world, client_as):
    entry = add_entry(world, "petitions", world.shop_a, 1, type="申诉求决")
    client = client_as("clerk_a")
    masked = client.get(f"/petitions/{entry.pk}/print/").content.decode()
    assert ID not in masked and PHONE not in masked and "张伟" not in masked
    assert MASKED_ID in masked and MASKED_PHONE in masked and "张*" in masked
    revealed = client.post(f"/petitions/{entry.pk}/print/")
    assert revealed.status_code == 200 and "信访事项登记表" in revealed.content.decode()
    assert ID in revealed.content.decode() and "张伟" in revealed.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.object_id, log.action) == (world.users["clerk_a"], str(entry.pk), "reveal")
    assert client_as("grid_a").post(f"/petitions/{entry.pk}/print/").status_code == 403


def test_an_accusation_prints_without_its_content_for_the_accused_department(world, client_as):
    entry = add_entry(world, "petitions", world.school_a, 1, type="检举控告", content="举报学校乱收费")
    page = text(client_as("dept_edu").get(f"/petitions/{entry.pk}/print/"))
    assert "乱收费" not in page and "按规定对您不可见" in page
    notice = client_as("dept_edu").get(f"/petitions/{entry.pk}/notice/").content.decode()
    assert "乱收费" not in notice


def test_an_overdue_hazard_gets_a_supervision_notice(world, client_as):
    # found 2 March, 一般: rectify within 7 days, due 9 March: 7 days overdue on 16 March
    entry = add_entry(world, "hazards", world.shop_a, 1, found_on=datetime.date(2026, 3, 2), level="一般")
    assert entry.due_on == datetime.date(2026, 3, 9)
    response = client_as("county").get(f"/hazards/{entry.pk}/notice/")
    page = text(response)
    assert "测试县平安建设督办通知书" in page
    assert f"编号 平安督字〔2026〕安{entry.pk:04d}号" in page
    assert "责任单位 甲镇（甲一村超市）" in page
    assert "事项 安全隐患：甲一村超市·消防隐患（2026-03-02）：hazards记录1" in page
    assert "办理期限 2026年3月9日" in page and "超期天数 7 天" in page
    assert "于2026年3月19日前办结" in page  # three working days from Monday 16 March
    assert "测试县平安建设领导小组办公室 2026年3月16日" in page
    detail = client_as("county").get(f"/hazards/{entry.pk}/").content.decode()
    assert f'href="/hazards/{entry.pk}/notice/"' in detail
    supervision = client_as("county").get("/supervision/").content.decode()
    assert f'href="/hazards/{entry.pk}/notice/"' in supervision


def test_the_notice_masks_names_and_numbers_in_the_matter(world, client_as):
    entry = add_entry(
        world,
        "disputes",
        world.shop_a,
        1,
        found_on=datetime.date(2026, 2, 2),
        summary=f"张三与李小四争执，电话{PHONE}",
        parties="张三、李小四",
    )
    page = client_as("county").get(f"/disputes/{entry.pk}/notice/").content.decode()
    assert "超期天数" in page
    assert "张三" not in page and "李小四" not in page and PHONE not in page and MASKED_PHONE in page


def test_an_entry_not_overdue_has_no_notice_but_says_why(world, client_as):
    entry = add_entry(world, "hazards", world.shop_a, 1, found_on=datetime.date(2026, 3, 14))
    response = client_as("county").get(f"/hazards/{entry.pk}/notice/")
    assert response.status_code == 200
    page = text(response)
    assert "尚未超过办理期限，不需要督办通知书" in page and "督办要求" not in page
    detail = client_as("county").get(f"/hazards/{entry.pk}/").content.decode()
    assert "/notice/" not in detail


@pytest.mark.parametrize("path", ["print/?x=%00", "notice/?page=-1", "print/../", "notice/%00/"])
def test_odd_print_urls_never_fail(world, client_as, path):
    entry = add_entry(world, "cases", world.shop_a, 1)
    assert client_as("clerk_a").get(f"/cases/{entry.pk}/{path}").status_code in (200, 301, 302, 404)
    assert client_as("clerk_a").get("/cases/99999999999999999999/print/").status_code == 404
