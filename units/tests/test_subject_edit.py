"""Editing a subject (/subjects/<id>/edit/): the change, the version and the audit, refusals, concurrent
edits, a village's own subject."""

import pytest

from units.models import Category, Subject
from units.tests.helpers import edit_post, field_errors, subject_post, visible_text

pytestmark = pytest.mark.django_db


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


def test_editing_saves_the_change_bumps_the_version_and_shows_old_and_new(world, client_as):
    clerk = world.users["clerk_a"]
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")

    form_page = client.get(f"/subjects/{subject.pk}/edit/")
    assert form_page.status_code == 200
    assert form_page.context["form"]["version"].value() == 1

    response = client.post(
        f"/subjects/{subject.pk}/edit/", edit_post(subject, responsible_person="李秀英", phone="0351-1234567")
    )
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
    # the phone is personal data: masked in the audit trail as on the card (DESIGN §8)
    assert {(c.label, c.old, c.new) for c in newest.changes} == {
        ("负责人", "王建国", "李秀英"),
        ("联系电话", "138****5678", "********4567"),
    }
    text = visible_text(page)
    assert "负责人：王建国 → 李秀英" in text
    assert "联系电话：138****5678 → ********4567" in text
    assert "13812345678" not in page.content.decode() and "0351-1234567" not in page.content.decode()
    assert [e.action for e in page.context["audit"]] == ["修改", "新建"]
    # … and in full after the logged 显示完整个人信息
    revealed = visible_text(client.post(f"/subjects/{subject.pk}/"))
    assert "联系电话：13812345678 → 0351-1234567" in revealed


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


def test_a_villages_own_subject_keeps_its_category_and_region(world, client_as):
    village_subject = Subject.objects.get(village_region=world.village_a)
    client = client_as("clerk_a")
    url = f"/subjects/{village_subject.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.fields["category"].disabled and form.fields["region"].disabled

    response = client.post(
        url,
        edit_post(
            village_subject,
            category=Category.objects.get(name="企业").pk,
            region=world.town_a.pk,
            responsible_person="村支书",
        ),
    )
    assert response.status_code == 302
    fresh = Subject.objects.get(pk=village_subject.pk)
    assert fresh.category.name == "村"
    assert fresh.region == world.village_a
    assert fresh.responsible_person == "村支书"
    audit = client.get(f"/subjects/{village_subject.pk}/").context["audit"]
    assert {c.label for c in audit[0].changes} == {"负责人"}
