"""The 治安问题 workflow: 整治中 → 已解决 | 已移交, 已解决 → 整治中 (问题反弹); deadlines by risk level; 督办."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from ledger.supervision import supervision_items
from sanzero.services import ServiceError

from .helpers import problem, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
D = datetime.date


@pytest.mark.parametrize("risk, due", [("高", D(2026, 3, 17)), ("中", D(2026, 4, 1)), ("低", D(2026, 5, 1))])
def test_the_deadline_defaults_by_risk_level_and_is_stored(world, risk, due):
    p = problem(world, risk_level=risk)
    assert (p.status, p.rectify_due, p.due_on) == ("整治中", due, due)


def test_resolving_needs_a_result_and_a_date_not_before_it_was_found(world):
    p = problem(world)
    with pytest.raises(ServiceError, match="请填写整治结果"):
        run(world, p, "resolve", resolved_on=D(2026, 3, 10), result=" ")
    with pytest.raises(ServiceError, match="不能早于排查日期"):
        run(world, p, "resolve", resolved_on=D(2026, 3, 1), result="已取缔")
    run(world, p, "resolve", resolved_on=D(2026, 3, 10), result="赌博窝点已取缔")
    assert (p.status, p.resolved_on, p.due_on) == ("已解决", D(2026, 3, 10), None)
    assert p.history.first().history_change_reason == "登记解决：整治中 → 已解决"


def test_a_problem_handed_to_the_police_is_transferred_not_solved(world):
    p = problem(world)
    with pytest.raises(ServiceError, match="移交单位"):
        run(world, p, "transfer", transferred_on=D(2026, 3, 5), transferred_to="")
    run(world, p, "transfer", transferred_on=D(2026, 3, 5), transferred_to="测试县公安局甲镇派出所")
    assert (p.status, p.transferred_to, p.due_on) == ("已移交", "测试县公安局甲镇派出所", None)


def test_a_problem_that_comes_back_is_rectified_again_with_a_new_deadline(world):
    p = run(world, problem(world), "resolve", resolved_on=D(2026, 3, 10), result="已取缔")
    with pytest.raises(ServiceError, match="反弹"):
        run(world, p, "reopen", note="", rectify_due=D(2026, 4, 30))
    run(world, p, "reopen", note="又有人聚赌", rectify_due=D(2026, 4, 30))
    assert (p.status, p.resolved_on, p.result, p.due_on, p.reopened_count) == ("整治中", None, "", D(2026, 4, 30), 1)


def test_read_only_roles_take_no_step(world):
    p = problem(world)
    for user in ("county", "dept_edu"):
        with pytest.raises(PermissionDenied):
            run(world, p, "resolve", user=user, resolved_on=D(2026, 3, 10), result="x")


def test_an_overdue_problem_is_on_supervision_for_its_township_only(world):
    late = problem(world, risk_level="高", rectify_due=D(2026, 3, 10))
    problem(world, user="clerk_b", subject=world.shop_b, rectify_due=D(2026, 3, 11))
    items = supervision_items(user=world.users["clerk_a"], kind="publicorder.publicorderproblem")
    assert [(i.entry.pk, i.colour, i.days_overdue) for i in items] == [(late.pk, "red", 6)]
