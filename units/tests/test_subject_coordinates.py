"""A subject's coordinates (经度/纬度, for the 一张图 map, issue 15): entered on the subject form, imported
from the optional columns of the subjects sheet (DESIGN §7's headers unchanged before them), refused
with the field's Chinese message when out of range or given alone, shown on the subject's page."""

from decimal import Decimal

import pytest

from sanzero.importing.base import KINDS
from sanzero.importing.engine import import_file
from sanzero.tests.helpers import SUBJECT_HEADERS, xlsx
from units.models import Subject
from units.tests.helpers import edit_post, field_errors, subject_post, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_clerk_enters_coordinates_on_the_form_and_the_page_shows_them_with_the_map_link(world, client_as):
    client = client_as("clerk_a")
    response = client.post("/subjects/new/", subject_post(world, longitude="113.1163456", latitude="36.19543"))
    assert response.status_code == 302
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    # more decimals than stored are rounded to 6 (about 0.1 m), never refused
    assert subject.longitude == Decimal("113.116346") and subject.latitude == Decimal("36.195430")
    assert subject.history.get().longitude == Decimal("113.116346")  # in the audit trail too

    page = client.get(f"/subjects/{subject.pk}/")
    text = visible_text(page)
    assert "经度 113.116346，纬度 36.195430" in text
    assert f'href="/map/?region={world.village_a.code}&amp;subject={subject.pk}"' in page.content.decode()


def test_an_edit_changes_the_coordinates_audited(world, client_as):
    shop = world.shop_a
    client = client_as("clerk_a")
    response = client.post(f"/subjects/{shop.pk}/edit/", edit_post(shop, longitude="113.2", latitude="36.3"))
    assert response.status_code == 302
    shop.refresh_from_db()
    assert (shop.longitude, shop.latitude) == (Decimal("113.200000"), Decimal("36.300000"))
    latest = shop.history.first()
    assert latest.history_user == world.users["clerk_a"] and latest.latitude == Decimal("36.300000")
    page = client.get(f"/subjects/{shop.pk}/")
    assert "经度" in visible_text(page) and "纬度" in visible_text(page)


@pytest.mark.parametrize(
    ("longitude", "latitude", "field", "message"),
    [
        ("113.1", "", "latitude", "经度和纬度应同时填写"),
        ("", "36.1", "longitude", "经度和纬度应同时填写"),
        ("213.1", "36.1", "longitude", "经度应在-180到180之间"),
        ("113.1", "96.1", "latitude", "纬度应在-90到90之间"),
        ("东经113度", "36.1", "longitude", "经度应为数字"),
    ],
)
def test_bad_coordinates_are_refused_on_their_field(world, client_as, longitude, latitude, field, message):
    response = client_as("clerk_a").post("/subjects/new/", subject_post(world, longitude=longitude, latitude=latitude))
    assert response.status_code == 400  # the form again, with its errors
    assert message in field_errors(response, field)
    assert not Subject.objects.filter(name="甲镇恒通商贸有限公司").exists()


def test_a_subject_page_without_coordinates_says_so(world, client_as):
    page = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/")
    assert "未标注坐标" in visible_text(page)


def test_the_subjects_sheet_keeps_design_headers_and_adds_optional_coordinates_after_them(db):
    headers = KINDS["subjects"].spec().headers
    assert headers == [*SUBJECT_HEADERS, "经度", "纬度"]
    assert not any(h.endswith("*") for h in ("经度", "纬度"))
    columns = {c.header: c for c in KINDS["subjects"].spec().columns}
    assert not columns["经度"].required and not columns["纬度"].required


def _import(world, rows, *, user="clerk_a", dry_run=False):
    return import_file(actor=world.users[user], kind="subjects", file=xlsx(rows), dry_run=dry_run)


def test_import_sets_coordinates_and_a_file_without_the_columns_keeps_them(world):
    code = world.village_a.code
    rows = [
        ["主体名称", "主体类别", "所属区划代码", "经度", "纬度"],
        ["甲一村农资店", "企业", code, 113.11634, "36.19521"],
        ["甲一村卫生室", "其他", code, None, None],
    ]
    result = _import(world, rows)
    assert result.ok, result.errors
    store = Subject.objects.get(name="甲一村农资店")
    assert (store.longitude, store.latitude) == (Decimal("113.116340"), Decimal("36.195210"))
    assert Subject.objects.get(name="甲一村卫生室").longitude is None

    again = _import(world, rows)  # re-importing changes nothing
    assert again.ok and again.unchanged == 2 and again.changed == 0

    without = _import(
        world, [["主体名称", "主体类别", "所属区划代码", "地址"], ["甲一村农资店", "企业", code, "甲一村1号"]]
    )
    assert without.ok, without.errors
    store.refresh_from_db()
    assert store.address == "甲一村1号" and store.longitude == Decimal("113.116340")


def test_import_refuses_bad_coordinates_row_by_row_and_writes_nothing(world):
    code = world.village_a.code
    rows = [
        ["主体名称", "主体类别", "所属区划代码", "经度", "纬度"],
        ["甲一村农资店", "企业", code, 113.1, None],
        ["甲一村粮站", "企业", code, 500, 36.1],
        ["甲一村油坊", "企业", code, "东经113", 36.1],
        ["甲一村磨坊", "企业", code, 113.1, 36.1],
    ]
    result = _import(world, rows, dry_run=True)
    errors = result.errors
    assert "第2行 纬度: 经度和纬度应同时填写（或都不填）。" in errors
    assert "第3行 经度: 经度应在-180到180之间。" in errors
    assert any(e.startswith("第4行 经度: ") for e in errors)
    assert not any(e.startswith("第5行") for e in errors)
    result = _import(world, rows)
    assert not result.ok
    assert not Subject.objects.filter(name__in=["甲一村农资店", "甲一村磨坊"]).exists()
