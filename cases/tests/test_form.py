"""The case form (/cases/new/): bad input refused on its field in Chinese, 案件编号 unique when given."""

import re

import pytest

from cases.models import PoliceCase
from cases.tests.helpers import case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_case_form_rejects_bad_input(world, client_as):
    existing = case(world, case_no="青公刑〔2026〕0001号")
    client = client_as("clerk_a")
    base = {
        "subject": world.shop_a.pk,
        "occurred_on": "2026-03-02",
        "kind": "治安",
        "cause": "赌博",
        "summary": "x",
        "unit": "甲镇派出所",
    }
    for bad, field in [
        ({"occurred_on": "2026-03-17"}, "occurred_on"),
        ({"occurred_on": "abc"}, "occurred_on"),
        ({"kind": "民事"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"summary": "长" * 2001}, "summary"),
        ({"cause": "长" * 101}, "cause"),
        ({"case_no": " 青公刑〔2026〕0001号 "}, "case_no"),
        ({"subject": world.shop_b.pk}, "subject"),
    ]:
        response = client.post("/cases/new/", {**base, **bad})
        assert response.status_code == 400, bad
        errors = response.context["form"].errors
        assert field in errors, bad
        assert all(CJK.search(e) for e in errors[field]), errors[field]
    assert list(PoliceCase.objects.all()) == [existing]
    assert (
        "该案件编号已被登记" in client.post("/cases/new/", {**base, "case_no": "青公刑〔2026〕0001号"}).content.decode()
    )
    assert "发案日期不能晚于今天" in client.post("/cases/new/", {**base, "occurred_on": "2026-03-17"}).content.decode()
    # Several cases may leave 案件编号 empty.
    for _ in range(2):
        assert client.post("/cases/new/", {**base, "case_no": " "}).status_code == 302
    assert PoliceCase.objects.filter(case_no__isnull=True).count() == 2
    assert PoliceCase.objects.latest("pk").created_by == world.users["clerk_a"]
