"""The administrator's lists in the Django admin (regions, categories, departments, subjects) write
through units.services with the administrator as the actor: audited, the services' rules hold (a
refusal is an admin error message and nothing is written), other roles are refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import Client

from sanzero.services import ServiceError
from units import services
from units.models import Category, Department, Region, Subject

pytestmark = pytest.mark.django_db


def last_record(obj):
    return obj.history.order_by("-history_id").first()


def deleted_record(model, pk):
    return model.history.filter(id=pk, history_type="-").first()


# --- regions -----------------------------------------------------------------------------------------------


def test_a_region_added_in_the_admin_is_region_create_with_its_village_subject(world, client_as):
    response = client_as("admin").post(
        "/admin/units/region/add/",
        {"code": "990121100300", "name": "甲三村", "level": "village", "parent": world.town_a.pk, "_save": "保存"},
    )
    assert response.status_code == 302
    region = Region.objects.get(code="990121100300")
    assert (last_record(region).history_user, last_record(region).history_change_reason) == (
        world.users["admin"],
        "新增区划",
    )
    assert Subject.objects.get(village_region=region).history.get().history_user == world.users["admin"]


def test_an_unused_region_is_deleted_through_region_delete_audited(world, client_as):
    region = services.region_create(actor=None, code="990121102000", name="丙镇", level="township", parent=world.county)
    response = client_as("admin").post(f"/admin/units/region/{region.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Region.objects.filter(pk=region.pk).exists()
    record = deleted_record(Region, region.pk)
    assert (record.history_user, record.history_change_reason) == (
        world.users["admin"],
        "删除区划“丙镇”（990121102000）",
    )


def test_region_delete_refuses_a_region_anything_hangs_on(world):
    admin = world.users["admin"]
    with pytest.raises(ServiceError, match="下级区划"):
        services.region_delete(actor=admin, region=world.town_a)
    empty = services.region_create(actor=None, code="990121102000", name="丙镇", level="township", parent=world.county)
    world.users["clerk_b"].scope_regions.add(empty)
    with pytest.raises(ServiceError, match="管辖区划"):
        services.region_delete(actor=admin, region=empty)
    with pytest.raises(PermissionDenied):
        services.region_delete(actor=world.users["county"], region=empty)
    assert Region.objects.filter(pk__in=[world.town_a.pk, empty.pk]).count() == 2
    assert not Region.history.filter(history_type="-").exists()


def test_a_region_with_subjects_is_kept_and_the_admin_says_why(world, client_as):
    town = services.region_create(actor=None, code="990121102000", name="丙镇", level="township", parent=world.county)
    services.subject_create(
        actor=world.users["admin"],
        data={"name": "丙镇卫生院", "category": Category.objects.get(name="医院"), "region": town},
    )
    response = client_as("admin").post(f"/admin/units/region/{town.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert Region.objects.filter(pk=town.pk).exists()


# --- categories and departments --------------------------------------------------------------------------


def test_a_category_changed_in_the_admin_is_category_update_audited(world, client_as):
    school = Category.objects.get(name="学校")
    response = client_as("admin").post(
        f"/admin/units/category/{school.pk}/change/",
        {
            "name": "中小学校",
            "group": "unit",
            "default_department": school.default_department_id,
            "sort_order": 5,
            "_save": "保存",
        },
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.name, school.sort_order) == ("中小学校", 5)
    assert (last_record(school).history_user, last_record(school).history_change_reason) == (
        world.users["admin"],
        "修改主体类别“学校”",
    )


def test_the_village_categories_keep_their_name_and_group(world, client_as):
    village = Category.objects.get(name="村")
    records = village.history.count()
    response = client_as("admin").post(
        f"/admin/units/category/{village.pk}/change/",
        {
            "name": "行政村",
            "group": "village",
            "default_department": village.default_department_id,
            "sort_order": village.sort_order,
            "_save": "保存",
        },
        follow=True,
    )
    assert "不能改名或改分组" in response.content.decode()
    village.refresh_from_db()
    assert village.name == "村" and village.history.count() == records


def test_deleting_selected_categories_in_use_is_refused_and_nothing_is_deleted(world, client_as):
    spare = services.category_create(actor=None, data={"name": "养老机构", "group": "unit", "sort_order": 200})
    school = Category.objects.get(name="学校")  # the fixture's schools are registered under it
    response = client_as("admin").post(
        "/admin/units/category/",
        {"action": "delete_selected", "post": "yes", "_selected_action": [spare.pk, school.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Category.objects.filter(pk__in=[spare.pk, school.pk]).count() == 2
    with pytest.raises(ServiceError, match="不能删除"):
        services.category_delete(actor=world.users["admin"], category=school)
    spare_pk = spare.pk
    services.category_delete(actor=world.users["admin"], category=spare)
    assert deleted_record(Category, spare_pk).history_user == world.users["admin"]


def test_a_department_is_created_and_deleted_through_its_services(world, client_as):
    client = client_as("admin")
    assert (
        client.post(
            "/admin/units/department/add/", {"name": "水利局", "short_name": "水利", "_save": "保存"}
        ).status_code
        == 302
    )
    water = Department.objects.get(name="水利局")
    assert water.history.get().history_user == world.users["admin"]
    assert client.post(f"/admin/units/department/{water.pk}/delete/", {"post": "yes"}).status_code == 302
    assert deleted_record(Department, water.pk).history_user == world.users["admin"]


def test_a_department_still_in_use_is_not_deleted(world):
    admin = world.users["admin"]
    edu = Department.objects.get(name="教育局")
    with pytest.raises(ServiceError, match="创建主体的主管部门"):
        services.department_delete(actor=admin, department=edu)
    tourism = Department.objects.get(name="文化和旅游局")  # no subject, no user: the default of 景区 and 文物古建筑
    with pytest.raises(ServiceError, match="“景区、文物古建筑”的默认主管部门"):
        services.department_delete(actor=admin, department=tourism)
    assert Department.objects.filter(pk__in=[edu.pk, tourism.pk]).count() == 2


@pytest.mark.parametrize("username", ["county", "clerk_a"])
def test_other_roles_may_not_maintain_categories_or_departments(world, username):
    actor = world.users[username]
    with pytest.raises(PermissionDenied):
        services.category_create(actor=actor, data={"name": "养老机构", "group": "unit"})
    with pytest.raises(PermissionDenied):
        services.department_update(
            actor=actor, department=Department.objects.get(name="教育局"), data={"short_name": "教"}
        )
    assert not Category.objects.filter(name="养老机构").exists()
    assert Department.objects.get(name="教育局").short_name == "教育"


def test_a_staff_user_of_another_role_is_refused_in_the_admin_and_nothing_is_written(world):
    clerk = world.users["clerk_a"]
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="units"))
    client = Client()
    client.force_login(clerk)
    assert (
        client.post("/admin/units/category/add/", {"name": "养老机构", "group": "unit", "sort_order": 200}).status_code
        == 403
    )
    assert client.post("/admin/units/department/add/", {"name": "水利局", "short_name": "水利"}).status_code == 403
    assert (
        not Category.objects.filter(name="养老机构").exists() and not Department.objects.filter(name="水利局").exists()
    )


# --- subjects ---------------------------------------------------------------------------------------------


def test_a_subject_changed_in_the_admin_is_subject_update_versioned_and_audited(world, client_as):
    shop = world.shop_a
    response = client_as("admin").post(
        f"/admin/units/subject/{shop.pk}/change/",
        {
            "name": "甲一村便民超市",
            "category": shop.category_id,
            "region": shop.region_id,
            "department": shop.department_id,
            "credit_code": "",
            "responsible_person": "王老板",
            "phone": "13900009999",  # not a field of the admin's form (personal data): ignored
            "address": "",
            "joined_on": "",
            "_save": "保存",
        },
    )
    assert response.status_code == 302
    phone = shop.phone
    shop.refresh_from_db()
    assert (shop.name, shop.responsible_person, shop.version) == ("甲一村便民超市", "王老板", 2)
    assert shop.phone == phone  # the phone is changed on the subject's page, never in clear in the admin
    assert (last_record(shop).history_user, last_record(shop).history_change_reason) == (
        world.users["admin"],
        "修改创建主体",
    )


def test_a_subject_added_in_the_admin_is_subject_create(world, client_as):
    response = client_as("admin").post(
        "/admin/units/subject/add/",
        {
            "name": "甲镇卫生院",
            "category": Category.objects.get(name="医院").pk,
            "region": world.town_a.pk,
            "department": "",
            "credit_code": "",
            "responsible_person": "",
            "phone": "",
            "address": "",
            "joined_on": "",
            "_save": "保存",
        },
    )
    assert response.status_code == 302
    subject = Subject.objects.get(name="甲镇卫生院")
    assert (subject.history.get().history_user, subject.history.get().history_change_reason) == (
        world.users["admin"],
        "登记创建主体",
    )
