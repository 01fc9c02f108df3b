"""国家标准代码对照 (issue 14, point 8): a row beside every word of the mapped enumerations, no invented
code, the administrator sets one (audited, admin only), and the ledgers' exports carry it once set."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from disputes.choices import DisputeCategory
from disputes.tests.helpers import dispute
from hazards.choices import HazardCategory
from places.choices import PlaceCategory
from sanzero.tests.helpers import column, export, read_xlsx
from standards import services
from standards.mapping import ENUMERATIONS, SOURCED_CODES
from standards.models import StandardCode
from units.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def test_every_word_of_the_mapped_enumerations_has_a_row_and_no_code_is_invented():
    rows = set(StandardCode.objects.values_list("enumeration", "value"))
    for key, words in (
        ("disputes.category", DisputeCategory.values),
        ("hazards.category", HazardCategory.values),
        ("places.category", PlaceCategory.values),
        ("units.category", list(Category.objects.values_list("name", flat=True))),
    ):
        assert {(key, w) for w in words} <= rows, key
    assert len(rows) == sum(len(e.values()) for e in ENUMERATIONS)
    assert SOURCED_CODES == {} and not StandardCode.objects.exclude(code="").exists()
    assert services.codes_sync() == 0  # idempotent


def test_a_subject_category_the_administrator_adds_gets_its_row():
    Category.objects.create(name="养老机构", group="unit")
    assert StandardCode.objects.filter(enumeration="units.category", value="养老机构", code="").exists()


def test_the_administrator_sets_a_code_in_the_admin_audited(world, client_as):
    admin_user = world.users["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = client_as("admin")
    row = StandardCode.objects.get(enumeration="disputes.category", value="婚姻家庭")
    url = f"/admin/standards/standardcode/{row.pk}/change/"
    assert client.get("/admin/standards/standardcode/").status_code == 200
    response = client.post(url, {"code": "01;DROP", "note": ""})
    assert response.status_code == 200 and "代码只能由数字、字母、点或短横线组成。" in response.content.decode()
    response = client.post(url, {"code": "0101", "note": "省平台接口文档（测试）"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.code, row.note) == ("0101", "省平台接口文档（测试）")
    entry = row.history.first()
    assert entry.history_user == admin_user and entry.history_change_reason == "修改国标代码：纠纷类别“婚姻家庭”"
    assert client.get("/admin/standards/standardcode/add/").status_code == 403  # rows follow the enumerations
    with pytest.raises(PermissionDenied):
        services.standard_code_update(actor=world.users["county"], obj=row, data={"code": "9"})


def test_the_exports_carry_the_code_once_one_is_set(world, client_as, clock, media):
    dispute(world, category="婚姻家庭")
    dispute(world, category="邻里纠纷")
    client = client_as("county")
    headers, _ = read_xlsx(export(client, "/disputes/"))
    assert "纠纷类别国标代码" not in headers  # nothing mapped yet: no empty column
    StandardCode.objects.filter(enumeration="disputes.category", value="婚姻家庭").update(code="0101")
    headers, rows = read_xlsx(export(client, "/disputes/"))
    assert headers[-1] == "纠纷类别国标代码"
    by_category = dict(zip(column(headers, rows, "纠纷类别"), column(headers, rows, "纠纷类别国标代码"), strict=True))
    assert by_category == {"婚姻家庭": "0101", "邻里纠纷": None}
    # the hazards' export is not touched by a dispute code
    assert "隐患类别国标代码" not in read_xlsx(export(client, "/hazards/"))[0]
