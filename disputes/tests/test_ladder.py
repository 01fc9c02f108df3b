"""The mediation ladder: the default four levels, and its settings page (/disputes/levels/) for the county and
the administrator: changing days (audited, for new disputes only), validation, adding and deleting a level."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from disputes import services
from disputes.models import MediationLevel
from disputes.tests.helpers import CHINESE, dispute, fresh, ladder
from sanzero.services import ServiceError
from sanzero.testing import check_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_the_default_ladder_is_zhangye_four_levels_seven_days():
    assert [(x.name, x.working_days) for x in ladder()] == [
        ("网格员", 1),
        ("村(社区)调委会", 2),
        ("乡镇综治中心", 2),
        ("乡镇党委政府", 2),
    ]
    assert MediationLevel.total_working_days() == 7
    assert all(x.history.count() == 1 for x in ladder())


def test_ladder_settings_are_for_county_and_admin_only(world, client_as):
    level = ladder()[0]
    forbidden = {"clerk_a": 403, "clerk_b": 403, "grid_a": 403, "dept_edu": 403}
    check_role_matrix(client_as, "/disputes/levels/", {"anonymous": 302, "county": 200, "admin": 200, **forbidden})
    check_role_matrix(client_as, f"/disputes/levels/{level.pk}/edit/", {"anonymous": 302, "county": 200, **forbidden})
    check_role_matrix(
        client_as,
        f"/disputes/levels/{level.pk}/edit/",
        {"anonymous": 302, **forbidden},
        method="post",
        data={"order": 10, "name": "网格员", "working_days": 5, "version": 1},
    )
    check_role_matrix(client_as, f"/disputes/levels/{level.pk}/delete/", {"anonymous": 302, **forbidden}, method="post")
    level.refresh_from_db()
    assert level.working_days == 1 and level.version == 1
    with pytest.raises(PermissionDenied):
        services.level_update(actor=world.users["clerk_a"], obj=level, data={"working_days": 3})
    assert "调解层级设置" in client_as("county").get("/disputes/").content.decode()
    assert "调解层级设置" not in client_as("clerk_a").get("/disputes/").content.decode()


def test_county_changes_a_level_s_days_audited_and_new_disputes_use_them(world, client_as):
    old = dispute(world, found_on=datetime.date(2025, 9, 30))
    level = ladder()[0]
    client = client_as("county")
    response = client.post(
        f"/disputes/levels/{level.pk}/edit/", {"order": 10, "name": "网格员", "working_days": 2, "version": 1}
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.working_days == 2 and level.version == 2
    record = level.history.order_by("-history_id").first()  # the default ladder's rows carry the real date
    assert record.history_user == world.users["county"]
    assert record.history_change_reason == "修改调解层级“网格员”"
    page = client.get("/disputes/levels/").content.decode()
    assert "全程 8 个工作日" in page and "修改调解层级“网格员”" in page
    new = dispute(world, found_on=datetime.date(2025, 9, 30))
    assert new.due_on == datetime.date(2025, 10, 10) and new.overall_due_on == datetime.date(2025, 10, 17)
    assert fresh(old).due_on == datetime.date(2025, 10, 9)  # kept the limit it started with


def test_ladder_form_validation(world, client_as):
    level = ladder()[0]
    client = client_as("admin")
    base = {"order": 10, "name": "网格员", "working_days": 1, "version": 1}
    for bad, field, message in [
        ({"working_days": 0}, "working_days", "调解时限应为1–30个工作日。"),
        ({"working_days": 31}, "working_days", "调解时限应为1–30个工作日。"),
        ({"order": 20}, "order", "排序号20已被“村(社区)调委会”使用，请换一个。"),
        ({"name": "  "}, "name", None),
        ({"name": "乡镇综治中心"}, "name", None),
    ]:
        response = client.post(f"/disputes/levels/{level.pk}/edit/", {**base, **bad})
        assert response.status_code == 400, bad
        errors = response.context["form"].errors[field]
        assert (message in errors) if message else all(CHINESE.search(e) for e in errors), errors
    level.refresh_from_db()
    assert (level.order, level.name, level.working_days, level.version) == (10, "网格员", 1, 1)


def test_county_adds_a_level_and_a_level_in_use_cannot_be_deleted(world, client_as):
    client = client_as("county")
    response = client.post("/disputes/levels/new/", {"order": 50, "name": "县矛调中心", "working_days": 2})
    assert response.status_code == 302
    top = MediationLevel.objects.get(name="县矛调中心")
    assert top.history.get().history_user == world.users["county"]
    assert MediationLevel.total_working_days() == 9
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    client.post(f"/disputes/levels/{d.level_id}/delete/")
    assert MediationLevel.objects.filter(pk=d.level_id).exists()
    with pytest.raises(ServiceError, match="正被1件矛盾纠纷使用，不能删除"):
        services.level_delete(actor=world.users["county"], obj=d.level)
    response = client.post(f"/disputes/levels/{top.pk}/delete/", follow=True)
    assert "已删除调解层级“县矛调中心”" in response.content.decode()
    assert not MediationLevel.objects.filter(name="县矛调中心").exists()
