"""年度目标: the table form (cells as typed) and targets_set (the whole table at once, all or nothing, audited)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from dashboards import selectors, services
from dashboards.forms import TargetsForm
from dashboards.models import Target
from sanzero.services import ServiceError
from units.models import RegionLevel
from units.services import region_create

pytestmark = pytest.mark.django_db


def table(world, user="county"):
    return selectors.target_regions(user=world.users[user], region=world.county)


def rates_of():
    return {(t.region_id, t.group): t.rate for t in Target.objects.all()}


def test_targets_set_saves_the_table_and_audits_each_change(world):
    county = world.users["county"]
    services.targets_set(
        actor=county,
        year=2026,
        region=world.county,
        rates=[(world.county, "village", Decimal("0.8")), (world.town_b, "unit", Decimal("0.95"))],
    )
    assert rates_of() == {(world.county.pk, "village"): Decimal("0.8"), (world.town_b.pk, "unit"): Decimal("0.95")}
    services.targets_set(
        actor=county,
        year=2026,
        region=world.county,
        rates=[(world.county, "village", Decimal("0.85")), (world.town_b, "unit", Decimal("0.95"))],
    )
    history = {
        t.pk: [(h.history_user, h.history_change_reason) for h in t.history.order_by("history_date")]
        for t in Target.objects.all()
    }
    village = Target.objects.get(region=world.county, group="village")
    unit = Target.objects.get(region=world.town_b, group="unit")
    assert village.rate == Decimal("0.85")
    assert history[village.pk] == [(county, "设置年度目标"), (county, "修改年度目标")]
    assert history[unit.pk] == [(county, "设置年度目标")]  # unchanged: no second record


def test_targets_set_writes_nothing_when_one_cell_is_bad(world):
    county = world.users["county"]
    services.targets_set(actor=county, year=2026, region=world.county, rates=[(world.county, "unit", Decimal("0.8"))])
    with pytest.raises(ServiceError, match="乙镇"):
        services.targets_set(
            actor=county,
            year=2026,
            region=world.county,
            rates=[
                (world.county, "unit", Decimal("0.9")),
                (world.town_a, "village", Decimal("0.7")),
                (world.town_b, "unit", Decimal("1.5")),
            ],
        )
    assert rates_of() == {(world.county.pk, "unit"): Decimal("0.8")}
    assert Target.history.count() == 1


@pytest.mark.parametrize("role", ["clerk_a", "grid_a", "dept_edu"])
def test_targets_set_is_for_county_staff_only(world, role):
    with pytest.raises(PermissionDenied):
        services.targets_set(
            actor=world.users[role], year=2026, region=world.town_a, rates=[(world.town_a, "unit", Decimal("0.8"))]
        )
    assert not Target.objects.exists()


def test_targets_set_refuses_a_region_out_of_scope_or_outside_the_table(world):
    county = world.users["county"]
    other = region_create(actor=None, code="990122000000", name="外县", level=RegionLevel.COUNTY, parent=None)
    with pytest.raises(PermissionDenied):  # the table of a region out of scope
        services.targets_set(actor=county, year=2026, region=other, rates=[(other, "unit", Decimal("0.8"))])
    with pytest.raises(PermissionDenied):  # one cell of a region out of scope
        services.targets_set(
            actor=county,
            year=2026,
            region=world.county,
            rates=[(world.county, "unit", Decimal("0.8")), (other, "unit", Decimal("0.8"))],
        )
    with pytest.raises(ServiceError, match="甲一村不是测试县或其下级区划"):  # a grandchild is not in the table
        services.targets_set(
            actor=county,
            year=2026,
            region=world.county,
            rates=[(world.county, "unit", Decimal("0.8")), (world.village_a, "unit", Decimal("0.8"))],
        )
    with pytest.raises(ServiceError, match="分组"):
        services.targets_set(
            actor=county, year=2026, region=world.county, rates=[(world.county, "all", Decimal("0.8"))]
        )
    assert not Target.objects.exists()


def test_the_form_reads_percentages_and_fractions_and_skips_empty_cells(world):
    regions = table(world)
    data = {
        f"rate_{world.county.pk}_village": "80",
        f"rate_{world.county.pk}_unit": " 98.5% ",
        f"rate_{world.town_a.pk}_unit": "0.9",
        f"rate_{world.town_b.pk}_unit": "1",
        f"rate_{world.town_b.pk}_village": "",
    }
    form = TargetsForm(data, regions=regions, targets={})
    assert form.is_valid(), form.errors
    assert [(r.name, g, rate) for r, g, rate in form.rates()] == [
        ("测试县", "village", Decimal("0.8")),
        ("测试县", "unit", Decimal("0.985")),
        ("甲镇", "unit", Decimal("0.9")),
        ("乙镇", "unit", Decimal("1")),
    ]


@pytest.mark.parametrize(
    "raw,error",
    [
        ("abc", "请输入0–100之间的数字"),
        ("NaN", "请输入0–100之间的数字"),
        ("Infinity", "请输入0–100之间的数字"),
        ("150", "应在0–100%之间"),
        ("-5", "应在0–100%之间"),
    ],
)
def test_a_bad_cell_is_an_error_beside_it_and_keeps_what_was_typed(world, raw, error):
    regions = table(world)
    saved = services.target_set(
        actor=world.users["county"], year=2026, region=world.county, group="unit", rate=Decimal("0.8")
    )
    name = f"rate_{world.town_a.pk}_village"
    form = TargetsForm({name: raw}, regions=regions, targets={(world.county.pk, "unit"): saved})
    assert not form.is_valid()
    cells = {c["name"]: c for row in form.rows() for c in row["cells"]}
    assert (cells[name]["value"], cells[name]["error"]) == (raw, error)
    # a cell not posted shows the saved target, in percent
    assert (cells[f"rate_{world.county.pk}_unit"]["value"], cells[f"rate_{world.county.pk}_unit"]["error"]) == (
        "80.0",
        None,
    )


def test_the_targets_page_saves_nothing_when_one_cell_is_bad(world, client_as):
    data = {
        "year": 2026,
        "region": world.county.code,
        f"rate_{world.county.pk}_village": "80",
        f"rate_{world.town_b.pk}_unit": "200",
    }
    response = client_as("county").post("/dashboard/targets/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "应在0–100%之间" in body and "部分目标格式不正确，未保存任何修改。" in body
    assert 'value="200"' in body and 'value="80"' in body
    assert not Target.objects.exists()


@pytest.mark.parametrize("raw,rate", [("1%", "0.01"), ("８０％", "0.8"), ("98.5", "0.985"), ("0.985", "0.985")])
def test_a_cell_reads_a_rate_as_an_import_does(world, raw, rate):
    from sanzero.xlsx.columns import parse_rate

    name = f"rate_{world.town_a.pk}_village"
    form = TargetsForm({name: raw}, regions=table(world), targets={})
    assert form.is_valid(), form.errors
    assert [r for *_, r in form.rates()] == [Decimal(rate)] == [parse_rate(raw)]
