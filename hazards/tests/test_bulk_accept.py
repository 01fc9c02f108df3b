"""批量验收 (issue 10 point 4): a permitted user accepts several hazards through the accept step, one audit
entry per hazard, all or none, with a Chinese message naming the hazard that blocked it."""

import datetime

import pytest

from hazards.choices import HazardStatus
from hazards.models import Hazard
from hazards.tests.test_acceptance import rectified
from sanzero.testing import check_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
URL = "/hazards/bulk-accept/"
DAY = {"accepted_on": "2026-03-15", "note": "现场复核通过"}


def statuses(*hazards):
    return [Hazard.objects.get(pk=h.pk).status for h in hazards]


def test_the_list_offers_bulk_accept_only_to_roles_that_may_accept(world, client_as):
    rectified(world)
    assert "批量验收" in client_as("clerk_a").get("/hazards/").content.decode()
    assert "批量验收" in client_as("dept_edu").get("/hazards/").content.decode()  # a department accepts too
    assert "批量验收" not in client_as("county").get("/hazards/").content.decode()


def test_the_confirmation_page_by_role_and_scope(world, client_as, clerk_a2):
    mine = rectified(world)
    theirs = rectified(world, by="clerk_b", subject=world.shop_b)
    check_role_matrix(
        client_as,
        f"{URL}?id={mine.pk}",
        {"anonymous": 302, "admin": 200, "clerk_a": 200, "grid_a": 200, "clerk_b": 404, "county": 403},
    )
    # one id out of scope among the chosen: 404, nothing listed, nothing changed
    assert client_as("clerk_a").get(URL, {"id": [mine.pk, theirs.pk]}).status_code == 404
    assert client_as("clerk_a").post(URL, {"id": [mine.pk, theirs.pk], **DAY}).status_code == 404
    assert client_as("county").post(URL, {"id": [mine.pk], **DAY}).status_code == 403
    assert statuses(mine, theirs) == [HazardStatus.AWAITING] * 2


def test_the_confirmation_lists_the_hazards_and_says_which_one_cannot_be_accepted(world, client_as, clerk_a2):
    ok = rectified(world)
    own = rectified(world, by="clerk_a2")
    html = client_as("clerk_a2").get(URL, {"id": [ok.pk, own.pk]}).content.decode()
    assert "所选隐患（2条）" in html
    assert "您登记了整改完成，须由其他人员验收。" in html
    assert "disabled" in html  # the confirm button waits until the blocked one is unchecked


def test_bulk_accept_accepts_every_hazard_with_one_audit_entry_each(world, client_as, clerk_a2):
    first, second = rectified(world), rectified(world, subject=world.school_a)
    before = [h.history.count() for h in (first, second)]
    response = client_as("clerk_a2").post(URL, {"id": [first.pk, second.pk], **DAY})
    assert response.status_code == 302 and response["Location"] == "/hazards/"
    assert statuses(first, second) == [HazardStatus.CLOSED] * 2
    for hazard, count in zip((first, second), before, strict=True):
        hazard = Hazard.objects.get(pk=hazard.pk)
        assert (hazard.accepted_by, hazard.accepted_on) == (world.users["clerk_a2"], datetime.date(2026, 3, 15))
        assert hazard.acceptance_note == "现场复核通过"
        assert hazard.history.count() == count + 1
        entry = hazard.history.first()
        assert entry.history_user == world.users["clerk_a2"]
        assert entry.history_change_reason.startswith("验收通过并销号：待验收 → 已销号")


def test_one_hazard_that_may_not_be_accepted_refuses_the_whole_batch_and_names_it(world, client_as, clerk_a2):
    ok = rectified(world)
    own = rectified(world, by="clerk_a2", subject=world.school_a)
    counts = [h.history.count() for h in (ok, own)]
    response = client_as("clerk_a2").post(URL, {"id": [ok.pk, own.pk], **DAY})
    assert response.status_code == 400
    message = " ".join(response.context["form"].non_field_errors())
    assert f"第2条“{own}”：您登记了整改完成，须由其他人员验收。未验收任何隐患。" == message
    assert statuses(ok, own) == [HazardStatus.AWAITING] * 2
    assert [h.history.count() for h in (ok, own)] == counts


def test_a_hazard_not_awaiting_acceptance_or_a_date_before_its_rectification_refuses_all(world, client_as, clerk_a2):
    ok = rectified(world)
    late = rectified(world, on=datetime.date(2026, 3, 14))
    open_one = Hazard.objects.get(pk=late.pk)
    response = client_as("clerk_a2").post(URL, {"id": [ok.pk, late.pk], "accepted_on": "2026-03-12"})
    assert response.status_code == 400
    assert "验收日期不能早于整改完成日期（2026-03-14）" in " ".join(response.context["form"].non_field_errors())
    assert statuses(ok, open_one) == [HazardStatus.AWAITING] * 2
    client_as("clerk_a2").post(URL, {"id": [ok.pk], **DAY})
    again = client_as("clerk_a2").post(URL, {"id": [ok.pk, late.pk], **DAY})
    assert "当前状态为“已销号”" in " ".join(again.context["form"].non_field_errors())
    assert statuses(late) == [HazardStatus.AWAITING]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"id": ["abc"], "accepted_on": "2026-03-15"},
        {"id": ["99999999999999999999"], "accepted_on": "2026-03-15"},
        {"id": ["1"], "accepted_on": "2099-01-01"},
        {"id": ["1"], "accepted_on": "昨天"},
        {"id": ["1"] * 600, "accepted_on": "2026-03-15"},
        {"id": ["1"], "accepted_on": "2026-03-15", "note": "长" * 501},
    ],
)
def test_bad_input_is_a_chinese_message_never_a_500(world, client_as, clerk_a2, data):
    h = rectified(world)
    data = {k: [str(h.pk) if v == "1" else v for v in vs] if k == "id" else vs for k, vs in data.items()}
    response = client_as("clerk_a2").post(URL, data)
    assert response.status_code == 400
    assert statuses(h) == [HazardStatus.AWAITING]
    get = client_as("clerk_a2").get(URL, {"id": data.get("id", [])})
    assert get.status_code in (200, 302)
