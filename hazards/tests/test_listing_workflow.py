"""挂牌督办 of a 重大 hazard: listing, the 五落实, 初审 and 验收 by someone else, 摘牌销号 closing the hazard."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from hazards import services
from hazards.models import HazardListing, ListingReview
from sanzero.services import ServiceError

from .helpers import hazard, listing, step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
D = datetime.date


def test_county_staff_list_a_major_hazard_and_the_listing_keeps_its_subject_and_deadline(world):
    obj = listing(world)
    assert (obj.status, obj.subject, obj.due_on) == ("督办中", world.shop_a, D(2026, 3, 31))
    assert obj.created_by == world.users["county"]
    assert obj.history.get().history_change_reason == "县安委会挂牌督办"


@pytest.mark.parametrize("user", ["clerk_a", "grid_a", "dept_edu"])
def test_only_county_staff_list(world, user):
    with pytest.raises(PermissionDenied):
        listing(world, user=user)
    assert not HazardListing.objects.exists()


def test_a_general_hazard_or_one_listed_already_is_refused(world):
    general = hazard(world)
    with pytest.raises(ServiceError, match="只有重大隐患"):
        services.listing_create(
            actor=world.users["county"],
            data={
                "hazard": general,
                "tier": "县安委会",
                "notice_number": "x1",
                "listed_on": D(2026, 3, 3),
                "deadline": D(2026, 3, 9),
            },
        )
    first = listing(world)
    with pytest.raises(ServiceError, match="已在挂牌督办中"):
        services.listing_create(
            actor=world.users["county"],
            data={
                "hazard": first.hazard,
                "tier": "市安委会",
                "notice_number": "x2",
                "listed_on": D(2026, 3, 3),
                "deadline": D(2026, 3, 9),
            },
        )


def test_rectification_needs_the_five_in_place_and_names_what_is_missing(world):
    obj = listing(world, plan=False, duty_unit="甲一村超市")
    with pytest.raises(ServiceError, match="尚缺责任落实、措施落实、资金落实、时限落实、预案落实"):
        step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已更换")
    obj.refresh_from_db()
    assert obj.status == "督办中"


def test_the_township_fills_in_the_five_but_not_the_listing_itself(world):
    obj = listing(world, plan=False)
    services.listing_update(
        actor=world.users["clerk_a"],
        obj=obj,
        data={"duty_unit": "超市", "duty_person": "王"},
        expected_version=obj.version,
    )
    obj.refresh_from_db()
    assert (obj.duty_unit, obj.duty_person, obj.version) == ("超市", "王", 2)
    with pytest.raises(PermissionDenied, match="由县平安办修改"):
        services.listing_update(actor=world.users["clerk_a"], obj=obj, data={"deadline": D(2026, 5, 1)})
    services.listing_update(actor=world.users["county"], obj=obj, data={"deadline": D(2026, 5, 1)})
    obj.refresh_from_db()
    assert (obj.deadline, obj.due_on) == (D(2026, 5, 1), D(2026, 5, 1))


def test_the_whole_way_to_delisting_closes_the_hazard_with_the_acceptance(world, clerk_a2):
    obj = listing(world)
    step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已更换灭火器")
    h = obj.hazard
    h.refresh_from_db()
    assert (obj.status, h.status, h.rectified_by, h.rectified_on) == (
        "待初审",
        "待验收",
        world.users["clerk_a"],
        D(2026, 3, 12),
    )
    assert obj.due_on is None  # rectified: no longer overdue-able

    with pytest.raises(ServiceError, match="您登记了整改完成"):
        step(world, obj, "review", "clerk_a", reviewed_on=D(2026, 3, 13), unit="甲镇安监站")
    with pytest.raises(PermissionDenied):
        step(world, obj, "review", "grid_a", reviewed_on=D(2026, 3, 13), unit="甲镇安监站")
    step(world, obj, "review", "admin", reviewed_on=D(2026, 3, 13), unit="甲镇安监站", opinion="整改到位")
    assert (obj.status, obj.reviewed_by) == ("待验收", world.users["admin"])

    with pytest.raises(PermissionDenied):  # a clerk does not do 验收
        step(world, obj, "accept", "clerk_a2", reviewed_on=D(2026, 3, 14), unit="x")
    with pytest.raises(ServiceError, match="您已作初审"):
        step(world, obj, "accept", "admin", reviewed_on=D(2026, 3, 14), unit="x")
    step(world, obj, "accept", "county", reviewed_on=D(2026, 3, 14), unit="县应急管理局", members="张三、李四")
    assert (obj.status, obj.accepted_by, obj.accepted_on) == ("待摘牌", world.users["county"], D(2026, 3, 14))
    assert [(r.stage, r.passed, r.unit, r.by.username) for r in ListingReview.objects.order_by("pk")] == [
        ("初审", True, "甲镇安监站", "admin"),
        ("验收", True, "县应急管理局", "county"),
    ]

    step(world, obj, "delist", "county", delisted_on=D(2026, 3, 15), delist_number="测安委〔2026〕5号")
    h.refresh_from_db()
    assert obj.status == "已摘牌"
    assert (h.status, h.accepted_by, h.accepted_on) == ("已销号", world.users["county"], D(2026, 3, 14))
    assert "摘牌销号" in h.history.first().history_change_reason
    # the hazard may be listed again only after this one is delisted: it is closed now, so not at all
    assert not services.Hazard.objects.filter(pk=h.pk, status="整改中").exists()


def test_a_delisted_listing_is_published_as_it_stood_and_nobody_edits_it(world, clerk_a2, client_as):
    obj = listing(world)
    step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已更换灭火器")
    step(world, obj, "review", "admin", reviewed_on=D(2026, 3, 13), unit="甲镇安监站", opinion="整改到位")
    step(world, obj, "accept", "county", reviewed_on=D(2026, 3, 14), unit="县应急管理局", members="张三")
    step(world, obj, "delist", "county", delisted_on=D(2026, 3, 15), delist_number="测安委〔2026〕5号")
    obj.refresh_from_db()

    with pytest.raises(ServiceError, match="已摘牌销号"):
        services.listing_update(
            actor=world.users["county"], obj=obj, data={"requirement": "改写"}, expected_version=obj.version
        )
    # the same values again (a re-imported sheet) pass and change nothing
    services.listing_update(
        actor=world.users["county"], obj=obj, data={"requirement": obj.requirement}, expected_version=obj.version
    )
    client = client_as("county")
    page = client.get(f"/listings/{obj.pk}/").content.decode()
    assert f'href="/listings/{obj.pk}/edit/"' not in page
    refused = client.get(f"/listings/{obj.pk}/edit/")
    assert refused.status_code == 403 and "已摘牌销号的挂牌督办不能再修改" in refused.content.decode()
    assert HazardListing.objects.get(pk=obj.pk).version == obj.version


def test_a_failed_review_sends_listing_and_hazard_back_with_a_new_deadline(world, clerk_a2):
    obj = listing(world)
    step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已更换")
    with pytest.raises(ServiceError, match="说明原因"):
        step(world, obj, "review_reject", "clerk_a2", reviewed_on=D(2026, 3, 13), unit="甲镇安监站", opinion=" ")
    step(
        world,
        obj,
        "review_reject",
        "clerk_a2",
        reviewed_on=D(2026, 3, 13),
        unit="甲镇安监站",
        opinion="出口仍堵塞",
        deadline=D(2026, 4, 15),
    )
    h = obj.hazard
    h.refresh_from_db()
    assert (obj.status, obj.deadline, obj.due_on, obj.rectified_by) == ("督办中", D(2026, 4, 15), D(2026, 4, 15), None)
    assert (h.status, h.rectified_on) == ("整改中", None)
    assert "出口仍堵塞" in h.acceptance_note
    review = ListingReview.objects.get()
    assert (review.stage, review.passed, review.opinion) == ("初审", False, "出口仍堵塞")


def test_a_listed_hazards_own_steps_are_refused_and_say_why(world, client_as):
    obj = listing(world)
    h = obj.hazard
    with pytest.raises(ServiceError, match="已挂牌督办"):
        services.hazard_transition(
            actor=world.users["clerk_a"], obj=h, name="rectify", data={"rectified_on": D(2026, 3, 12)}
        )
    page = client_as("clerk_a").get(f"/hazards/{h.pk}/").content.decode()
    assert "已挂牌督办，整改、验收和销号在其挂牌督办记录中办理" in page
    assert f'href="/listings/{obj.pk}/"' in page
    with pytest.raises(ServiceError, match="正在挂牌督办中"):
        services.hazard_update(actor=world.users["clerk_a"], obj=h, data={"level": "一般"})


def test_a_listed_hazard_is_not_in_anyones_acceptance_queue(world, clerk_a2):
    from hazards.selectors import acceptance_queue

    obj = listing(world)
    step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已整改")
    obj.hazard.refresh_from_db()
    assert obj.hazard.status == "待验收"
    assert not acceptance_queue(world.users["clerk_a2"]).exists()
    with pytest.raises(ServiceError, match="已挂牌督办"):
        services.hazard_bulk_accept(
            actor=world.users["clerk_a2"], ids=[obj.hazard_id], data={"accepted_on": D(2026, 3, 13)}
        )


def test_the_listing_form_offers_no_save_and_continue(world, client_as):
    page = client_as("county").get("/listings/new/").content.decode()
    assert "保存并继续登记" not in page
    assert "保存并继续登记" in client_as("clerk_a").get("/hazards/new/").content.decode()
