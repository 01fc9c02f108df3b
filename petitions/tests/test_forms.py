"""The petition form and the step forms: bad input refused on its field in Chinese; ID number and phone normalised."""

import pytest

from petitions.models import Petition
from petitions.tests.helpers import CHINESE, CONTENT, ID, PHONE, TODAY, fresh, petition, run
from sanzero.validators import id_number_ok

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_petition_form_rejects_bad_input_with_chinese_messages(world, client_as):
    client = client_as("clerk_a")
    base = {
        "subject": world.shop_a.pk,
        "received_on": "2026-01-30",
        "channel": "来访",
        "type": "申诉求决",
        "petitioner_name": "张伟",
        "id_number": "",
        "phone": "",
        "headcount": 1,
        "level_reached": "乡镇",
        "content": CONTENT,
    }
    for bad, field in [
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"id_number": "1101051949"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "2381234123"}, "phone"),
        ({"headcount": 0}, "headcount"),
        ({"received_on": "2026-03-17"}, "received_on"),
        ({"received_on": "abc"}, "received_on"),
        ({"content": "长" * 4001}, "content"),
        ({"content": ""}, "content"),
        ({"channel": "微信"}, "channel"),
        ({"type": "投诉"}, "type"),
        ({"level_reached": "村"}, "level_reached"),
        ({"subject": world.shop_b.pk}, "subject"),
        ({"is_skip_level": "on"}, "is_skip_level"),
        ({"abnormal_visit": "进京", "level_reached": "国家"}, "is_abnormal"),
        ({"abnormal_visit": "进省", "is_abnormal": "on", "level_reached": "市"}, "level_reached"),
        ({"abnormal_visit": "进城"}, "abnormal_visit"),
        ({"source": "上访"}, "source"),
    ]:
        response = client.post("/petitions/new/", {**base, **bad})
        assert response.status_code == 400, bad
        errors = response.context["form"].errors
        assert field in errors, (bad, errors)
        assert CHINESE.search(" ".join(errors[field])), (bad, errors[field])
    assert not Petition.objects.exists()
    response = client.post("/petitions/new/", {**base, "id_number": "11010519491231002x", "phone": "+86 138 1234 1234"})
    assert response.status_code == 302
    p = Petition.objects.get()
    assert (p.id_number, p.phone, p.created_by) == (ID, PHONE, world.users["clerk_a"])
    assert id_number_ok(p.id_number)


def test_transition_forms_reject_bad_input(world, client_as):
    p = petition(world)
    client = client_as("clerk_a")
    for name, data, field in [
        ("reply", {"replied_on": "2026-03-17"}, "replied_on"),
        ("reply", {"replied_on": "2026-01-01"}, "replied_on"),
        ("extend", {"days": 31, "reason": "x"}, "days"),
        ("extend", {"days": 10, "reason": ""}, "reason"),
        ("notify", {"notified_on": ""}, "notified_on"),
    ]:
        response = client.post(f"/petitions/{p.pk}/do/{name}/", {**data, "version": 1})
        assert response.status_code == 400, data
        assert CHINESE.search(" ".join(response.context["form"].errors[field])), data
    run(world, p, "reply", replied_on=TODAY)
    response = client.post(f"/petitions/{p.pk}/do/close/", {"closed_on": "2026-03-16", "version": 2})
    assert response.status_code == 400
    assert response.context["form"].errors["satisfaction"] == ["办结须填写信访人满意度。"]
    response = client.get(f"/petitions/{p.pk}/do/extend/")  # not from 已答复: back to the page with a message
    assert response.status_code == 302
    p = fresh(p)
    assert (p.status, p.extended_days, p.version) == ("已答复", 0, 2)
