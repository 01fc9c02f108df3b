"""Registering a subject (/subjects/new/): the audit entry, normalised phone and credit code, the checksum
warning a clerk may confirm, bad input refused on its field, duplicate names."""

import datetime

import pytest
from django.utils import timezone

from units.models import Subject
from units.tests.helpers import BAD_CHECKSUM_CODE, VALID_CODE, edit_post, field_errors, subject_post, visible_text

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(
    "field,value,message",
    [
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
    ],
)
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


def test_the_same_name_is_allowed_in_another_region_or_after_the_first_left(world, client_as):
    client = client_as("clerk_a")
    assert client.post("/subjects/new/", subject_post(world)).status_code == 302
    assert client.post("/subjects/new/", subject_post(world, region=world.town_a.pk)).status_code == 302
    first = Subject.objects.get(name="甲镇恒通商贸有限公司", region=world.village_a)
    response = client.post(
        f"/subjects/{first.pk}/deregister/", {"left_on": "2026-04-01", "reason": "停业注销", "version": first.version}
    )
    assert response.status_code == 302
    assert client.post("/subjects/new/", subject_post(world)).status_code == 302
    assert Subject.objects.filter(name="甲镇恒通商贸有限公司", region=world.village_a).count() == 2
