"""当事人 (parties) are masked on the list and the page until a logged reveal; how names are masked."""

import pytest

from disputes.models import mask_names
from disputes.tests.helpers import dispute
from sanzero.models import AccessLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_parties_are_masked_on_the_list_and_detail_until_a_logged_reveal(world, client_as):
    d = dispute(world, parties="张三、李小四,欧阳娜娜")
    client = client_as("clerk_a")
    page = client.get("/disputes/").content.decode()
    assert "张*、李**,欧***" in page and "张三" not in page
    page = client.get(f"/disputes/{d.pk}/").content.decode()
    assert "张*、李**,欧***" in page and "李小四" not in page and "显示完整个人信息" in page
    response = client.post(f"/disputes/{d.pk}/")
    assert response.status_code == 200
    assert "张三、李小四,欧阳娜娜" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.object_id, log.fields) == (
        world.users["clerk_a"],
        "reveal",
        "disputes.dispute",
        str(d.pk),
        "parties",
    )
    grid = client_as("grid_a")
    assert "显示完整个人信息" not in grid.get(f"/disputes/{d.pk}/").content.decode()
    assert grid.post(f"/disputes/{d.pk}/").status_code == 403
    assert AccessLog.objects.count() == 1


def test_mask_names():
    assert mask_names("张三") == "张*"
    assert mask_names("张三、李四，王小五, 赵六") == "张*、李*，王**, 赵*"
    assert mask_names("") == "" and mask_names("王") == "王"
