"""The dispute form and the step forms: bad input refused on its field in Chinese, the order of the dates, the
escalate form at the top of the ladder."""

import datetime

import pytest

from disputes.models import Dispute, FollowUpVisit
from disputes.tests.helpers import CHINESE, dispute, form_data, fresh, ladder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_dispute_form_rejects_bad_input_with_chinese_messages(world, client_as):
    client = client_as("clerk_a")
    for bad, field in [
        ({"found_on": "2026-03-17"}, "found_on"),
        ({"found_on": "abc"}, "found_on"),
        ({"found_on": "1999-12-31"}, "found_on"),
        ({"people_count": "0"}, "people_count"),
        ({"people_count": "-3"}, "people_count"),
        ({"summary": "长" * 2001}, "summary"),
        ({"summary": ""}, "summary"),
        ({"category": "乱写"}, "category"),
        ({"risk_colour": "紫"}, "risk_colour"),
        ({"source": "道听途说"}, "source"),
        ({"subject": world.shop_b.pk}, "subject"),
        ({"parties": "甲" * 201}, "parties"),
    ]:
        response = client.post("/disputes/new/", form_data(world, **bad))
        assert response.status_code == 400, bad
        errors = response.context["form"].errors
        assert field in errors, bad
        assert all(CHINESE.search(str(message)) for message in errors[field]), errors[field]
    assert not Dispute.objects.exists()
    response = client.post("/disputes/new/", form_data(world, start_level=ladder()[2].pk))
    assert response.status_code == 302
    d = Dispute.objects.get()
    assert d.level.name == "乡镇综治中心" and d.due_on == datetime.date(2026, 3, 4)


def test_date_order_on_the_edit_and_resolve_forms(world, client_as):
    client = client_as("clerk_a")
    d = dispute(world)
    response = client.post(
        f"/disputes/{d.pk}/do/resolve/",
        {"resolved_on": "2026-03-01", "agreement_type": "书面", "agreement": "协议", "version": 1},
    )
    assert response.status_code == 400
    assert "化解日期不能早于登记日期（2026-03-02）。" in response.context["form"].errors["resolved_on"]
    response = client.post(
        f"/disputes/{d.pk}/do/resolve/",
        {"resolved_on": "2026-03-17", "agreement_type": "口头", "agreement": "协议", "version": 1},
    )
    assert response.status_code == 400 and "化解日期不能晚于今天。" in response.context["form"].errors["resolved_on"]
    response = client.post(
        f"/disputes/{d.pk}/do/resolve/",
        {"resolved_on": "2026-03-05", "agreement_type": "口头", "agreement": "", "version": 1},
    )
    assert response.status_code == 400 and "agreement" in response.context["form"].errors
    assert fresh(d).status == "调解中" and fresh(d).version == 1
    response = client.post(
        f"/disputes/{d.pk}/do/resolve/",
        {"resolved_on": "2026-03-05", "agreement_type": "口头", "agreement": "互相谅解", "version": 1},
    )
    assert response.status_code == 302
    response = client.post(f"/disputes/{d.pk}/edit/", form_data(world, found_on="2026-03-06", version=2))
    assert response.status_code == 400
    assert response.context["form"].errors["found_on"] == ["登记日期不能晚于化解日期（2026-03-05）。"]
    response = client.post(
        f"/disputes/{d.pk}/do/follow_up/", {"visited_on": "2026-03-04", "performance_ok": "1", "version": 2}
    )
    assert response.status_code == 400 and "回访日期不能早于化解日期" in str(response.context["form"].errors)
    assert fresh(d).version == 2 and not FollowUpVisit.objects.exists()


def test_the_escalate_page_at_the_top_level_explains_the_refusal(world, client_as):
    d = dispute(world, level=ladder()[-1])
    assert d.level.name == "乡镇党委政府"
    client = client_as("clerk_a")
    page = client.get(f"/disputes/{d.pk}/")
    assert "escalate" not in [t.name for t in page.context["transitions"]]
    response = client.post(f"/disputes/{d.pk}/do/escalate/", {"note": "再升", "version": 1})
    assert response.status_code == 400
    assert "已是最高调解层级“乡镇党委政府”，不能再升级。" in response.context["form"].non_field_errors()
    assert fresh(d).version == 1
