import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from units import services
from units.models import Region, RegionLevel, Subject, region_code_errors


def test_good_codes_at_every_level():
    province = Region(code="990000000000", name="示例省", level=RegionLevel.PROVINCE)
    city = Region(code="990100000000", name="示例市", level=RegionLevel.CITY, parent=province)
    county = Region(code="990121000000", name="县", level=RegionLevel.COUNTY, parent=city)
    town = Region(code="990121100000", name="镇", level=RegionLevel.TOWNSHIP, parent=county)
    village = Region(code="990121100201", name="村", level=RegionLevel.VILLAGE, parent=town)
    grid = Region(code="990121100201001", name="网格", level=RegionLevel.GRID, parent=village)
    assert region_code_errors(province.code, province.level, None) == {}
    for r in (city, county, town, village, grid):
        assert region_code_errors(r.code, r.level, r.parent) == {}, r.name
    assert town.prefix == "990121100"
    assert grid.prefix == "990121100201001"


@pytest.mark.parametrize(
    "code,level,message",
    [
        ("99012100000", RegionLevel.COUNTY, "应为12位"),
        ("9901210000000", RegionLevel.COUNTY, "应为12位"),
        ("99012A000000", RegionLevel.COUNTY, "只能由数字"),
        ("990121100000", RegionLevel.COUNTY, "第7位起应全为0"),
        ("990121000000", RegionLevel.TOWNSHIP, "不能全为0"),
        ("990121100201", RegionLevel.GRID, "应为15位"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(code, level, message):
    errors = region_code_errors(code, level, None)
    assert message in " ".join(errors.values())


@pytest.mark.django_db
def test_child_code_outside_its_parents_prefix_is_refused():
    county = services.region_create(actor=None, code="990121000000", name="县", level=RegionLevel.COUNTY, parent=None)
    with pytest.raises(ValidationError) as exc:
        services.region_create(
            actor=None, code="990122100000", name="外县的镇", level=RegionLevel.TOWNSHIP, parent=county
        )
    assert "代码前缀 990121" in str(exc.value)
    assert not Region.objects.filter(code="990122100000").exists()


@pytest.mark.django_db
def test_village_under_a_county_is_refused():
    county = services.region_create(actor=None, code="990121000000", name="县", level=RegionLevel.COUNTY, parent=None)
    with pytest.raises(ValidationError, match="不能隶属于县级区划"):
        services.region_create(actor=None, code="990121100200", name="村", level=RegionLevel.VILLAGE, parent=county)


def test_creating_a_village_registers_it_as_a_subject(world):
    subject = Subject.objects.get(village_region=world.village_a)
    assert subject.name == "甲一村"
    assert subject.category.name == "村"
    assert subject.category.group == "village"
    community = Subject.objects.get(village_region=world.village_a2)
    assert community.category.name == "社区"


def test_subtree_is_a_code_prefix(world):
    codes = set(Region.objects.subtree(world.town_a).values_list("code", flat=True))
    assert codes == {"990121100000", "990121100200", "990121100001"}
    assert Subject.objects.in_region(world.town_a).count() == 4  # two villages' own subjects + school + shop


def test_only_admins_add_regions(world):
    with pytest.raises(PermissionDenied):
        services.region_create(
            actor=world.users["county"],
            code="990121102000",
            name="丙镇",
            level=RegionLevel.TOWNSHIP,
            parent=world.county,
        )


def test_region_browser_counts_subjects_per_child(world, client_as):
    response = client_as("county").get("/regions/990121000000/")
    assert response.status_code == 200
    rows = {row["region"].name: row for row in response.context["children"]}
    assert rows["甲镇"]["village"] == 2 and rows["甲镇"]["unit"] == 2
    assert rows["乙镇"]["village"] == 1 and rows["乙镇"]["unit"] == 2


def test_region_browser_is_scoped(world, client_as):
    assert client_as("clerk_a").get("/regions/990121101000/").status_code == 404
    response = client_as("clerk_a").get("/regions/")
    assert response.status_code == 200
    assert response.context["region"] == world.town_a


@pytest.mark.parametrize("raw", ["99012100000²", "９９０１２１０００００", "\x00", "1" * 16, "", "  "])
def test_a_code_that_is_not_ascii_digits_is_no_region_on_any_page(world, client_as, raw):
    from units.models import parse_region_code

    assert parse_region_code(raw) is None
    county = client_as("county")
    assert county.get("/supervision/", {"region": raw}).status_code == 200
    if raw.strip():
        assert county.get(f"/regions/{raw}/").status_code == 404


def test_a_code_with_spaces_around_is_read(world):
    from units.models import parse_region_code

    assert parse_region_code(" 990121000000 ") == "990121000000"
