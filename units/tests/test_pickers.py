"""The search-as-you-type pickers' endpoints (/subjects/search/, /regions/search/) and fields: scoped as
the web is, searched by name, pinyin initials, credit code and division code, 20 a page; a forged or
out-of-scope id submitted through a picker is a Chinese form error, never a save."""

import pytest

from disputes.models import Dispute
from disputes.tests.helpers import form_data
from sanzero.testing import check_role_matrix, queries_of
from units import services
from units.models import Category, Region, RegionLevel, Subject
from units.pinyin import name_initials

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

EVERY_ROLE_MAY_SEARCH = {
    "clerk_a": 200,
    "clerk_b": 200,
    "county": 200,
    "dept_edu": 200,
    "grid_a": 200,
    "admin": 200,
    "anonymous": 302,
}


@pytest.fixture
def fixed_clock():
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 3, 16, 2, 0), tick=False):
        yield


def search(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    return response.json()


def names(client, url: str) -> list[str]:
    return [item["name"] for item in search(client, url)["results"]]


def test_every_role_may_search_and_anonymous_goes_to_the_login(world, client_as):
    check_role_matrix(client_as, "/subjects/search/?q=甲", EVERY_ROLE_MAY_SEARCH)
    check_role_matrix(client_as, "/regions/search/?q=甲", EVERY_ROLE_MAY_SEARCH)


def test_a_clerk_finds_only_their_townships_subjects(world, client_as):
    found = names(client_as("clerk_a"), "/subjects/search/")
    assert {"甲镇中心学校", "甲一村超市", "甲一村", "甲城社区"} == set(found)
    assert names(client_as("clerk_a"), "/subjects/search/?q=乙") == []
    assert names(client_as("clerk_a"), f"/subjects/search/?q={world.school_b.region.code}") == []
    assert set(names(client_as("clerk_b"), "/subjects/search/")) == {"乙镇中学", "乙一村商店", "乙一村"}


def test_department_staff_find_only_their_departments_subjects(world, client_as):
    assert set(names(client_as("dept_edu"), "/subjects/search/")) == {"甲镇中心学校", "乙镇中学"}
    assert names(client_as("dept_edu"), "/subjects/search/?q=超市") == []


def test_a_grid_worker_finds_their_village_only(world, client_as):
    assert set(names(client_as("grid_a"), "/subjects/search/")) == {"甲一村超市", "甲一村"}
    assert [r["code"] for r in search(client_as("grid_a"), "/regions/search/")["results"]] == [world.village_a.code]


def test_search_by_name_initials_credit_code_and_division_code(world, client_as):
    world.shop_a.credit_code = "91140400MA0K1234X5"
    world.shop_a.save()
    client = client_as("county")
    assert names(client, "/subjects/search/?q=中心学") == ["甲镇中心学校"]
    assert name_initials("甲镇中心学校") == "jzzxxx"
    assert names(client, "/subjects/search/?q=jzzx") == ["甲镇中心学校"]
    assert names(client, "/subjects/search/?q=JZZX") == ["甲镇中心学校"]  # Caps Lock on
    assert names(client, "/subjects/search/?q=91140400ma0k") == ["甲一村超市"]
    # a division code prefix: everything registered in 甲一村 (990121100200)
    assert set(names(client, "/subjects/search/?q=990121100200")) == {"甲一村超市", "甲一村"}
    # two words: both must match; a word may be the region's name
    assert names(client, "/subjects/search/?q=甲一村 超市") == ["甲一村超市"]
    # own-name matches first, then those found by their region's name (甲镇's subjects, by code)
    assert names(client, "/subjects/search/?q=甲一村") == ["甲一村", "甲一村超市"]
    assert names(client, "/subjects/search/?q=甲城") == ["甲城社区"]
    assert names(client, "/subjects/search/?q=甲镇")[:1] == ["甲镇中心学校"]
    item = search(client, "/subjects/search/?q=超市")["results"][0]
    assert item == {
        "id": world.shop_a.pk,
        "text": "甲一村超市（甲一村）",
        "name": "甲一村超市",
        "detail": "测试县/甲镇/甲一村 · 91140400MA0K1234X5",
        "joined": "",
        "left": "",
    }


def test_regions_by_name_initials_and_code_with_paths_that_tell_namesakes_apart(world, client_as):
    for town in (world.town_a, world.town_b):
        services.region_create(
            actor=None, code=f"{town.prefix}005", name="建设社区", level=RegionLevel.COMMUNITY, parent=town
        )
    client = client_as("county")
    found = search(client, "/regions/search/?q=建设")["results"]
    assert [r["text"] for r in found] == ["测试县/甲镇/建设社区", "测试县/乙镇/建设社区"]
    assert [r["text"] for r in search(client, "/regions/search/?q=jssq")["results"]] == [r["text"] for r in found]
    assert [r["text"] for r in search(client, "/regions/search/?q=乙镇 建设")["results"]] == ["测试县/乙镇/建设社区"]
    assert [r["code"] for r in search(client, "/regions/search/?q=9901211010")["results"]] == [
        world.town_b.code,
        "990121101005",
    ]
    assert [r["code"] for r in search(client, "/regions/search/?q=建设")["results"]] == ["990121100005", "990121101005"]
    # levels: the subject form offers townships, villages and communities only
    townships = search(client, "/regions/search/?levels=township")["results"]
    assert [r["text"] for r in townships] == ["测试县/甲镇", "测试县/乙镇"]
    assert search(client_as("clerk_a"), "/regions/search/?q=建设")["results"][0]["text"] == "测试县/甲镇/建设社区"
    assert len(search(client_as("clerk_a"), "/regions/search/?q=建设")["results"]) == 1


def test_twenty_a_page_with_a_link_to_the_next_and_two_queries_a_page(world, client_as):
    enterprise = Category.objects.get(name="企业")
    Subject.objects.bulk_create(
        [
            Subject(
                name=f"甲镇商户{i:02d}",
                name_initials=name_initials(f"甲镇商户{i:02d}"),
                category=enterprise,
                region=world.town_a,
            )
            for i in range(45)
        ]
    )
    client = client_as("clerk_a")
    first = search(client, "/subjects/search/?q=商户")
    assert len(first["results"]) == 20 and first["more"] is True
    assert first["next"] == "/subjects/search/?q=%E5%95%86%E6%88%B7&page=2"
    second = search(client, first["next"])
    third = search(client, second["next"])
    assert (len(second["results"]), len(third["results"]), third["more"], third["next"]) == (20, 5, False, None)
    every = [r["name"] for page in (first, second, third) for r in page["results"]]
    assert every == [f"甲镇商户{i:02d}" for i in range(45)]
    # session, user, scope, the page of subjects (region joined), the paths' ancestors: any page size
    _, sqls = queries_of(client, "/subjects/search/?q=商户&page=2")
    assert len(sqls) == 5, "\n".join(sqls)


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=0",
        "?page=99999999999999999999",
        "?page=²",
        "?q=%00",
        "?q=" + "甲" * 5000,
        "?q='; DROP TABLE units_subject; --",
        "?q=%25",
        "?q=_",
        "?levels=nonsense",
        "?levels=" + ",".join(["x"] * 500),
        "?q=a+b+c+d+e+f+g+h",
    ],
)
def test_hostile_parameters_give_a_normal_answer(world, client_as, query):
    client = client_as("county")
    for url in ("/subjects/search/", "/regions/search/"):
        body = search(client, url + query)
        assert isinstance(body["results"], list)
    assert names(client, "/subjects/search/?q=%25") == []  # % is a character searched for, not a wildcard


def test_a_subject_that_left_before_last_year_is_not_offered(world, client_as):
    import datetime

    Subject.objects.filter(pk=world.shop_a.pk).update(left_on=datetime.date(2024, 6, 30))
    assert "甲一村超市" not in names(client_as("clerk_a"), "/subjects/search/")


# -- the fields: render only the chosen option, refuse a forged one ------------------------------------


def options_of(html: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return re.findall(r"<option[^>]*>[^<]*</option>", select.group(1))


def test_the_new_dispute_form_renders_no_subject_list_but_a_picker(world, client_as):
    html = client_as("clerk_a").get("/disputes/new/").content.decode()
    assert options_of(html, "subject") == ['<option value="" selected>请选择创建主体</option>']
    assert 'data-picker-url="/subjects/search/"' in html
    assert "vendor/tom-select/js/tom-select.complete.min.js" in html and "js/picker.js" in html
    assert "<script>" not in html  # no inline script


def test_a_form_that_failed_shows_the_chosen_subject_again(world, client_as):
    response = client_as("clerk_a").post("/disputes/new/", form_data(world, summary=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "简要情况为必填项" in html
    assert options_of(html, "subject") == [
        '<option value="">请选择创建主体</option>',
        f'<option value="{world.shop_a.pk}" selected>甲一村超市（甲一村）</option>',
    ]


@pytest.mark.parametrize("forged", ["other township", "abc", "-1", "99999999999999999999", "1 OR 1=1"])
def test_a_forged_subject_id_is_a_chinese_form_error_and_nothing_is_saved(world, client_as, forged):
    value = world.school_b.pk if forged == "other township" else forged
    response = client_as("clerk_a").post("/disputes/new/", form_data(world, subject=value))
    assert response.status_code == 400
    html = response.content.decode()
    assert "所选创建主体不在您的管辖范围内或已不存在，请重新选择。" in html
    assert "乙镇中学" not in html  # the other township's subject is not shown back
    assert not Dispute.objects.exists()


def test_an_edit_form_shows_its_subject(world, client_as):
    from disputes.tests.helpers import dispute

    d = dispute(world, subject=world.school_a)
    html = client_as("clerk_a").get(f"/disputes/{d.pk}/edit/").content.decode()
    assert (
        options_of(html, "subject")[1] == f'<option value="{world.school_a.pk}" selected>甲镇中心学校（甲镇）</option>'
    )


def test_the_subject_form_refuses_a_region_of_another_township(world, client_as):
    enterprise = Category.objects.get(name="企业")
    data = {"name": "甲镇新超市", "category": enterprise.pk, "region": world.village_b.pk}
    response = client_as("clerk_a").post("/subjects/new/", data)
    assert "所选区划不在您的管辖范围内或已不存在，请重新选择。" in response.content.decode()
    assert not Subject.objects.filter(name="甲镇新超市").exists()
    response = client_as("clerk_a").post("/subjects/new/", {**data, "region": ""})
    assert "所属区划为必填项，请选择。" in response.content.decode()
    html = client_as("clerk_a").get("/subjects/new/").content.decode()
    assert options_of(html, "region") == ['<option value="" selected>请选择区划</option>']
    assert "/regions/search/?levels=township,village,community" in html


def test_a_list_filter_shows_the_chosen_region_by_its_path(world, client_as):
    html = client_as("county").get(f"/disputes/?region={world.village_a2.code}").content.decode()
    assert options_of(html, "region") == [
        '<option value="">全部区划</option>',
        f'<option value="{world.village_a2.code}" selected>测试县/甲镇/甲城社区</option>',
    ]


def test_a_list_filtered_by_another_townships_region_shows_nothing_of_it(world, client_as):
    from disputes.tests.helpers import dispute

    dispute(world, subject=world.school_b, user="clerk_b")
    response = client_as("clerk_a").get(f"/disputes/?region={world.town_b.code}")
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0
    assert "乙镇" not in "".join(options_of(response.content.decode(), "region"))


def test_supervision_and_report_pages_pick_a_region_with_the_picker(world, client_as):
    html = client_as("county").get(f"/supervision/?region={world.town_a.code}").content.decode()
    assert options_of(html, "region") == [
        '<option value="">全部区划</option>',
        f'<option value="{world.town_a.code}" selected>测试县/甲镇</option>',
    ]
    html = client_as("county").get("/reports/").content.decode()
    assert options_of(html, "region")[1] == f'<option value="{world.county.code}" selected>测试县</option>'
    assert "levels=province,city,county,township" in html
    for url in ("/dashboard/", "/dashboard/ranking/", "/dashboard/subjects/"):
        html = client_as("county").get(f"{url}?region={world.town_b.code}").content.decode()
        assert options_of(html, "region") == [
            '<option value="">输入区划名称或代码</option>',
            f'<option value="{world.town_b.code}" selected>测试县/乙镇</option>',
        ], url
        assert "js/picker.js" in html


def test_initials_follow_a_renamed_region_and_subject(world):
    world.shop_a.name = "甲一村便利店"
    world.shop_a.save(update_fields=["name"])
    assert Subject.objects.get(pk=world.shop_a.pk).name_initials == "jycbld"
    world.village_a.name = "新华村"
    world.village_a.save()
    assert Region.objects.get(pk=world.village_a.pk).name_initials == "xhc"


def test_initials_follow_subjects_created_and_renamed_by_an_import(world):
    """subjects_bulk_save (the Excel import) skips save(): it fills the initials itself."""
    enterprise = Category.objects.get(name="企业")
    shop = Subject.objects.get(pk=world.shop_a.pk)
    created, changed = services.subjects_bulk_save(
        actor=world.users["clerk_a"],
        creates=[{"name": "甲乙测试公司", "category": enterprise, "region": world.village_a}],
        updates=[(shop, {"name": "丙丁改名商店"})],
    )
    assert Subject.objects.get(name="甲乙测试公司").name_initials == "jycsgs"
    assert Subject.objects.get(pk=world.shop_a.pk).name_initials == "bdgmsd"
