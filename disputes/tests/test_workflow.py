"""A dispute's steps (化解, 回访, 调解不成, 移交), the table and the rules the services keep, who may take a step,
a stale version, a long reason in the audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from disputes import services
from disputes.models import DisputeEscalation, FollowUpVisit
from disputes.tests.helpers import ALL_DATA, dispute, fresh, run
from sanzero.services import ConflictError, ServiceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_every_allowed_transition_works(world):
    d = dispute(world)
    run(
        world,
        d,
        "resolve",
        resolved_on=datetime.date(2026, 3, 5),
        agreement_type="书面",
        agreement="疏通排水沟，费用平摊",
    )
    d = fresh(d)
    assert (d.status, d.resolved_on, d.agreement_type, d.due_on) == ("已化解", datetime.date(2026, 3, 5), "书面", None)
    run(world, d, "follow_up", user="grid_a", visited_on=datetime.date(2026, 3, 12), performance_ok=True, note="已履行")
    d = fresh(d)
    assert d.status == "已化解" and d.version == 3
    visit = FollowUpVisit.objects.get(dispute=d)
    assert (visit.visited_on, visit.by, visit.performance_ok) == (
        datetime.date(2026, 3, 12),
        world.users["grid_a"],
        True,
    )

    other = dispute(world)
    run(world, other, "fail", note="一方拒绝调解")
    other = fresh(other)
    assert (other.status, other.fail_reason, other.due_on) == ("调解不成", "一方拒绝调解", None)
    run(world, other, "transfer", transfer_to="诉讼", note="已告知当事人向县人民法院起诉")
    other = fresh(other)
    assert (other.status, other.transfer_to, other.transfer_note) == ("已移交", "诉讼", "已告知当事人向县人民法院起诉")
    reasons = list(other.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [
        "登记矛盾纠纷",
        "调解不成：调解中 → 调解不成（一方拒绝调解）",
        "移交：调解不成 → 已移交（已告知当事人向县人民法院起诉）",
    ]


ALLOWED = {
    "调解中": {"resolve", "fail", "escalate"},
    "已化解": {"follow_up"},
    "调解不成": {"transfer"},
    "已移交": set(),
}


def in_status(world, status):
    d = dispute(world)
    if status == "已化解":
        run(world, d, "resolve", **ALL_DATA)
    elif status in ("调解不成", "已移交"):
        run(world, d, "fail", note="一方拒绝调解")
        if status == "已移交":
            run(world, fresh(d), "transfer", transfer_to="仲裁", note="引导仲裁")
    return fresh(d)


@pytest.mark.parametrize("status", list(ALLOWED))
def test_transitions_outside_the_table_are_refused_with_a_message_and_change_nothing(world, status):
    d = in_status(world, status)
    version = d.version
    for name in {"resolve", "fail", "transfer", "escalate", "follow_up"} - ALLOWED[status]:
        with pytest.raises(ServiceError, match=f"当前状态为“{status}”，不能执行"):
            run(world, fresh(d), name, **ALL_DATA)
    with pytest.raises(ServiceError, match="未知的操作"):
        run(world, d, "delete")
    d = fresh(d)
    assert d.status == status and d.version == version
    assert not d.escalations.exists() and not d.visits.exists()


def test_resolution_rules_are_kept_by_the_service_too(world):
    d = dispute(world)
    for bad, message in [
        ({"resolved_on": datetime.date(2026, 3, 1)}, "化解日期不能早于登记日期"),
        ({"resolved_on": datetime.date(2026, 3, 17)}, "化解日期不能晚于今天"),
        ({"agreement": "  "}, "须填写协议内容"),
    ]:
        with pytest.raises(ServiceError, match=message):
            run(world, d, "resolve", **{**ALL_DATA, **bad})
    d = fresh(d)
    assert d.status == "调解中" and d.version == 1 and d.resolved_on is None


def test_county_department_and_other_township_cannot_act(world):
    d = dispute(world)
    for user in ("county", "clerk_b", "dept_edu"):
        with pytest.raises(PermissionDenied):
            run(world, d, "escalate", user=user, note="x")
    with pytest.raises(PermissionDenied):
        dispute(world, user="clerk_b")  # shop_a is in township A
    with pytest.raises(PermissionDenied):
        dispute(world, user="grid_a", subject=world.school_a)  # in town A itself, not in grid_a's village
    assert fresh(d).version == 1 and not DisputeEscalation.objects.exists()


def test_a_stale_version_is_refused_by_the_services(world):
    """A stale edit on the page is TestDisputeViews' (test_views.py)."""
    d = dispute(world)
    services.dispute_update(actor=world.users["grid_a"], obj=fresh(d), data={"summary": "新情况"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.dispute_update(actor=world.users["clerk_a"], obj=d, data={"summary": "旧的修改"}, expected_version=1)
    with pytest.raises(ConflictError):
        services.dispute_transition(
            actor=world.users["clerk_a"], obj=d, name="fail", data={"note": "x"}, expected_version=1
        )
    d = fresh(d)
    assert (d.summary, d.status, d.version) == ("新情况", "调解中", 2)


def test_a_long_reason_is_kept_in_full_and_the_audit_reason_stays_short(world):
    d = dispute(world)
    reason = "当事人双方对赔偿数额分歧很大，" * 30
    run(world, d, "fail", note=reason[:500])
    d = fresh(d)
    assert d.fail_reason == reason[:500]
    latest = d.history.order_by("-history_id").first().history_change_reason
    assert latest.startswith("调解不成：调解中 → 调解不成（当事人双方") and latest.endswith("…）")
    assert len(latest) <= 100  # simple-history keeps it in a varchar(100)
