"""The subject registry through its pages: register, edit, refuse bad input, deregister, concurrent edits."""

import datetime
import re

import pytest
from django.utils import timezone

from units.models import Category, Department, Subject

pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"
BAD_CHECKSUM_CODE = "91350100M000100Y44"


def visible_text(response) -> str:
    """The page as a user reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def subject_post(world, **overrides) -> dict:
    data = {
        "name": "甲镇恒通商贸有限公司",
        "category": Category.objects.get(name="企业").pk,
        "region": world.village_a.pk,
        "department": Department.objects.get(name="市场监督管理局").pk,
        "credit_code": VALID_CODE,
        "responsible_person": "王建国",
        "phone": "13812345678",
        "address": "测试县甲镇甲一村18号",
        "joined_on": "2026-03-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(subject, **overrides) -> dict:
    """What the edit form posts back unchanged, plus the given changes."""
    data = {
        "name": subject.name,
        "category": subject.category_id,
        "region": subject.region_id,
        "department": subject.department_id or "",
        "credit_code": subject.credit_code,
        "responsible_person": subject.responsible_person,
        "phone": subject.phone,
        "address": subject.address,
        "joined_on": subject.joined_on.isoformat() if subject.joined_on else "",
        "version": subject.version,
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> str:
    return " ".join(response.context["form"].errors.get(field, []))


# --- registering ---------------------------------------------------------------------------------


def test_clerk_registers_a_subject_and_lands_on_its_page_with_an_audit_entry(world, client_as):
    clerk = world.users["clerk_a"]
    client = client_as("clerk_a")
    response = client.post("/subjects/new/", subject_post(world))

    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/subjects/{subject.pk}/"
    assert subject.region == world.village_a
    assert subject.category.name == "企业"
    assert subject.department.name == "市场监督管理局"
    assert subject.credit_code == VALID_CODE and subject.credit_code_warning is False
    assert subject.joined_on == datetime.date(2026, 3, 1)
    assert subject.left_on is None
    assert subject.version == 1

    record = subject.history.get()
    assert record.history_type == "+"
    assert record.history_user == clerk
    assert record.history_change_reason == "登记创建主体"

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "创建主体已保存。" in visible_text(page)
    [entry] = page.context["audit"]
    assert entry.action == "新建" and entry.who == "clerk_a"
    text = visible_text(page)
    assert "变更记录" in text and "clerk_a 新建" in text and "登记创建主体" in text


def test_department_is_optional(world, client_as):
    response = client_as("clerk_a").post("/subjects/new/", subject_post(world, department=""))
    assert response.status_code == 302
    assert Subject.objects.get(name="甲镇恒通商贸有限公司").department is None


def test_phone_and_credit_code_are_normalised_on_save(world, client_as):
    response = client_as("clerk_a").post(
        "/subjects/new/", subject_post(world, phone="+86 138 1234 5678", credit_code=VALID_CODE.lower())
    )
    assert response.status_code == 302
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    assert subject.phone == "13812345678"
    assert subject.credit_code == VALID_CODE


# --- the credit code checksum: a warning the clerk may confirm ---------------------------------


def test_a_bad_credit_code_checksum_is_refused_until_the_clerk_confirms_it(world, client_as):
    client = client_as("clerk_a")
    response = client.post("/subjects/new/", subject_post(world, credit_code=BAD_CHECKSUM_CODE))
    assert response.status_code == 400
    assert "校验位不正确" in field_errors(response, "credit_code")
    assert "校验位不正确" in visible_text(response)
    assert not Subject.objects.filter(name="甲镇恒通商贸有限公司").exists()

    response = client.post(
        "/subjects/new/", subject_post(world, credit_code=BAD_CHECKSUM_CODE, confirm_credit_code="on")
    )
    assert response.status_code == 302
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    assert subject.credit_code == BAD_CHECKSUM_CODE
    assert subject.credit_code_warning is True
    assert "校验位未通过（已确认）" in visible_text(client.get(f"/subjects/{subject.pk}/"))


def test_a_valid_credit_code_needs_no_confirmation(world, client_as):
    response = client_as("clerk_a").post("/subjects/new/", subject_post(world, credit_code=VALID_CODE))
    assert response.status_code == 302
    assert Subject.objects.get(name="甲镇恒通商贸有限公司").credit_code_warning is False


def test_fixing_the_credit_code_clears_the_warning(world, client_as):
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world, credit_code=BAD_CHECKSUM_CODE, confirm_credit_code="on"))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    response = client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject, credit_code=VALID_CODE))
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.credit_code == VALID_CODE and subject.credit_code_warning is False


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field,value,message", [
    ("name", "", "必填"),
    ("name", "   ", "必填"),
    ("name", "商" * 101, "100"),
    ("phone", "12345", "联系电话格式不正确"),
    ("phone", "1381234567a", "联系电话格式不正确"),
    ("credit_code", "91350100M000100I43", "不允许的字符"),
    ("credit_code", "91350100M00010", "应为18位"),
    ("joined_on", "2026-13-45", "有效的日期"),
    ("joined_on", "去年春天", "有效的日期"),
    ("category", "999999", "选择一个有效的选项"),
    ("region", "", "必填"),
])
def test_bad_input_is_refused_with_a_chinese_message_on_the_field(world, client_as, field, value, message):
    before = Subject.objects.count()
    response = client_as("clerk_a").post("/subjects/new/", subject_post(world, **{field: value}))
    assert response.status_code == 400
    assert message in field_errors(response, field), response.context["form"].errors
    assert "请根据下方红色提示修改后再保存" in visible_text(response)
    assert Subject.objects.count() == before


def test_joined_on_too_far_in_the_future_is_refused(world, client_as):
    far = timezone.localdate() + datetime.timedelta(days=800)
    response = client_as("clerk_a").post("/subjects/new/", subject_post(world, joined_on=far.isoformat()))
    assert response.status_code == 400
    assert "纳入日期不能晚于明年今日" in field_errors(response, "joined_on")


def test_a_duplicate_active_name_in_the_same_region_is_refused(world, client_as):
    client = client_as("clerk_a")
    assert client.post("/subjects/new/", subject_post(world)).status_code == 302
    response = client.post("/subjects/new/", subject_post(world, credit_code=""))
    assert response.status_code == 400
    assert "同一区划内已有同名的在册主体" in " ".join(response.context["form"].non_field_errors())
    assert "同一区划内已有同名的在册主体" in visible_text(response)
    assert Subject.objects.filter(name="甲镇恒通商贸有限公司").count() == 1


def test_renaming_onto_an_active_name_in_the_same_region_is_refused(world, client_as):
    client = client_as("clerk_a")
    shop = world.shop_a  # 甲一村超市 in 甲一村
    client.post("/subjects/new/", subject_post(world))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    response = client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject, name=shop.name))
    assert response.status_code == 400
    assert "同一区划内已有同名的在册主体" in visible_text(response)
    subject.refresh_from_db()
    assert subject.name == "甲镇恒通商贸有限公司" and subject.version == 1


def test_the_same_name_is_allowed_in_another_region_or_after_the_first_left(world, client_as):
    client = client_as("clerk_a")
    assert client.post("/subjects/new/", subject_post(world)).status_code == 302
    assert client.post("/subjects/new/", subject_post(world, region=world.town_a.pk)).status_code == 302
    first = Subject.objects.get(name="甲镇恒通商贸有限公司", region=world.village_a)
    response = client.post(f"/subjects/{first.pk}/deregister/",
                           {"left_on": "2026-04-01", "reason": "停业注销", "version": first.version})
    assert response.status_code == 302
    assert client.post("/subjects/new/", subject_post(world)).status_code == 302
    assert Subject.objects.filter(name="甲镇恒通商贸有限公司", region=world.village_a).count() == 2


# --- editing -------------------------------------------------------------------------------------


def test_editing_saves_the_change_bumps_the_version_and_shows_old_and_new(world, client_as):
    clerk = world.users["clerk_a"]
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")

    form_page = client.get(f"/subjects/{subject.pk}/edit/")
    assert form_page.status_code == 200
    assert form_page.context["form"]["version"].value() == 1

    response = client.post(f"/subjects/{subject.pk}/edit/",
                           edit_post(subject, responsible_person="李秀英", phone="0351-1234567"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/subjects/{subject.pk}/"
    subject.refresh_from_db()
    assert subject.responsible_person == "李秀英"
    assert subject.phone == "0351-1234567"
    assert subject.version == 2
    latest = subject.history.first()
    assert latest.history_type == "~" and latest.history_user == clerk
    assert latest.history_change_reason == "修改创建主体"

    page = client.get(f"/subjects/{subject.pk}/")
    newest = page.context["audit"][0]
    assert newest.action == "修改"
    assert {(c.label, c.old, c.new) for c in newest.changes} == {
        ("负责人", "王建国", "李秀英"), ("联系电话", "13812345678", "0351-1234567"),
    }
    text = visible_text(page)
    assert "负责人：王建国 → 李秀英" in text
    assert "联系电话：13812345678 → 0351-1234567" in text
    assert [e.action for e in page.context["audit"]] == ["修改", "新建"]


def test_a_foreign_key_change_shows_names_not_ids_in_the_audit(world, client_as):
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    response = client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject, region=world.town_a.pk))
    assert response.status_code == 302
    text = visible_text(client.get(f"/subjects/{subject.pk}/"))
    assert "所属区划：甲一村 → 甲镇" in text


def test_saving_without_changes_writes_no_audit_entry(world, client_as):
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    response = client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject))
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.version == 1
    assert subject.history.count() == 1


def test_bad_input_on_edit_changes_nothing(world, client_as):
    subject = world.shop_a
    response = client_as("clerk_a").post(f"/subjects/{subject.pk}/edit/", edit_post(subject, name="", phone="12345"))
    assert response.status_code == 400
    assert field_errors(response, "name") and "联系电话格式不正确" in field_errors(response, "phone")
    fresh = Subject.objects.get(pk=subject.pk)
    assert fresh.name == subject.name and fresh.phone == subject.phone and fresh.version == subject.version


def test_a_clerk_cannot_move_a_subject_out_of_their_township(world, client_as):
    subject = world.shop_a
    response = client_as("clerk_a").post(f"/subjects/{subject.pk}/edit/", edit_post(subject, region=world.village_b.pk))
    assert response.status_code == 400
    assert "region" in response.context["form"].errors
    assert Subject.objects.get(pk=subject.pk).region == world.village_a


# --- concurrent edits ----------------------------------------------------------------------------


def test_a_stale_form_is_refused_and_the_first_save_survives(world, client_as):
    subject = world.shop_a
    first, second = client_as("clerk_a"), client_as("admin")
    url = f"/subjects/{subject.pk}/edit/"
    version_seen_by_first = first.get(url).context["form"]["version"].value()
    version_seen_by_second = second.get(url).context["form"]["version"].value()
    assert version_seen_by_first == version_seen_by_second == subject.version

    response = first.post(url, edit_post(subject, responsible_person="先保存的人", version=version_seen_by_first))
    assert response.status_code == 302

    response = second.post(url, edit_post(subject, responsible_person="后保存的人", version=version_seen_by_second))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert "其他用户修改" in errors
    assert "其他用户修改" in visible_text(response)

    fresh = Subject.objects.get(pk=subject.pk)
    assert fresh.responsible_person == "先保存的人"
    assert fresh.version == subject.version + 1
    assert fresh.history.filter(responsible_person="后保存的人").count() == 0


def test_the_same_clerk_in_two_tabs_cannot_overwrite_themself(world, client_as):
    subject = world.shop_a
    client = client_as("clerk_a")
    url = f"/subjects/{subject.pk}/edit/"
    tab1 = client.get(url).context["form"]["version"].value()
    tab2 = client.get(url).context["form"]["version"].value()
    assert client.post(url, edit_post(subject, address="第一个标签页", version=tab1)).status_code == 302
    response = client.post(url, edit_post(subject, phone="13900001111", version=tab2))
    assert response.status_code == 400
    assert "其他用户修改" in visible_text(response)
    fresh = Subject.objects.get(pk=subject.pk)
    assert fresh.address == "第一个标签页" and fresh.phone == subject.phone


def test_a_stale_deregistration_is_refused(world, client_as):
    subject = world.shop_a
    client = client_as("clerk_a")
    stale_version = subject.version
    client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject, address="新地址"))
    response = client.post(f"/subjects/{subject.pk}/deregister/",
                           {"left_on": "2026-04-01", "reason": "停业", "version": stale_version})
    assert response.status_code == 400
    assert "其他用户修改" in visible_text(response)
    assert Subject.objects.get(pk=subject.pk).left_on is None


# --- a village's own subject ---------------------------------------------------------------------


def test_a_villages_own_subject_keeps_its_category_and_region(world, client_as):
    village_subject = Subject.objects.get(village_region=world.village_a)
    client = client_as("clerk_a")
    url = f"/subjects/{village_subject.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.fields["category"].disabled and form.fields["region"].disabled

    response = client.post(url, edit_post(
        village_subject, category=Category.objects.get(name="企业").pk, region=world.town_a.pk,
        responsible_person="村支书",
    ))
    assert response.status_code == 302
    fresh = Subject.objects.get(pk=village_subject.pk)
    assert fresh.category.name == "村"
    assert fresh.region == world.village_a
    assert fresh.responsible_person == "村支书"
    audit = client.get(f"/subjects/{village_subject.pk}/").context["audit"]
    assert {c.label for c in audit[0].changes} == {"负责人"}


# --- deregistering (退出创建) ---------------------------------------------------------------------


def test_deregister_asks_for_confirmation_first(world, client_as):
    response = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/deregister/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "确认退出创建" in text
    assert "记录不会被删除" in text
    assert Subject.objects.get(pk=world.shop_a.pk).left_on is None


def test_deregister_sets_left_on_keeps_the_row_and_audits_it(world, client_as):
    subject = world.shop_a
    client = client_as("clerk_a")
    response = client.post(f"/subjects/{subject.pk}/deregister/",
                           {"left_on": "2026-04-01", "reason": "停业注销", "version": subject.version})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/subjects/{subject.pk}/"
    fresh = Subject.objects.get(pk=subject.pk)  # still there: never a hard delete
    assert fresh.left_on == datetime.date(2026, 4, 1)
    assert fresh.left_reason == "停业注销"
    assert fresh.version == subject.version + 1
    record = fresh.history.first()
    assert record.history_type == "~"
    assert record.history_user == world.users["clerk_a"]
    assert record.history_change_reason == "退出创建：停业注销"

    page = client.get(f"/subjects/{subject.pk}/")
    assert page.status_code == 200
    text = visible_text(page)
    assert "已退出" in text and "已办理退出创建。" in text
    assert "退出日期：（空） → 2026-04-01" in text
    assert "确认退出创建" not in text and f"/subjects/{subject.pk}/deregister/" not in page.content.decode()

    again = client.get(f"/subjects/{subject.pk}/deregister/")
    assert again.status_code == 404
    again = client.post(f"/subjects/{subject.pk}/deregister/",
                        {"left_on": "2026-05-01", "reason": "再次退出", "version": fresh.version})
    assert again.status_code == 404
    assert Subject.objects.get(pk=subject.pk).left_on == datetime.date(2026, 4, 1)


@pytest.mark.parametrize("left_on,message", [
    ("2026-02-28", "退出日期不能早于纳入日期"),
    ("future", "退出日期不能晚于今天"),
    ("", "必填"),
    ("二〇二六年", "有效的日期"),
])
def test_a_bad_left_on_is_refused_and_nothing_changes(world, client_as, left_on, message):
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world, joined_on="2026-03-01"))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    if left_on == "future":
        left_on = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(f"/subjects/{subject.pk}/deregister/",
                           {"left_on": left_on, "reason": "停业", "version": subject.version})
    assert response.status_code == 400
    assert message in field_errors(response, "left_on")
    assert message in visible_text(response)
    fresh = Subject.objects.get(pk=subject.pk)
    assert fresh.left_on is None and fresh.left_reason == "" and fresh.version == subject.version
    assert fresh.history.count() == 1


def test_deregister_needs_a_reason(world, client_as):
    subject = world.shop_a
    response = client_as("clerk_a").post(f"/subjects/{subject.pk}/deregister/",
                                         {"left_on": "2026-04-01", "reason": "", "version": subject.version})
    assert response.status_code == 400
    assert "必填" in field_errors(response, "reason")
    assert Subject.objects.get(pk=subject.pk).left_on is None
