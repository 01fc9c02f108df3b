"""A petition's deadlines (告知 15 days, 办理 60 days) and its one extension of at most 30 days: the county's
setting, refusals, a passed deadline, a moved received date, a stale copy."""

import datetime

import pytest

from petitions import services
from petitions.tests.helpers import TODAY, fresh, petition, run
from sanzero.models import DeadlineSettings
from sanzero.services import ServiceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_deadlines_follow_the_regulation_and_one_extension_of_at_most_30_days(world):
    p = petition(world)
    assert (p.notify_due, p.handle_due, p.due_on) == (
        datetime.date(2026, 2, 14),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 3, 31),
    )
    assert p.colour(TODAY) == "" and not p.is_extended

    run(world, p, "extend", days=30, reason="涉及多个部门，需要联合调查")
    p = fresh(p)
    assert (p.extended_days, p.handle_due, p.due_on) == (30, datetime.date(2026, 4, 30), datetime.date(2026, 4, 30))
    assert p.status == "办理中" and p.version == 2
    assert p.history.first().history_change_reason == "延期办理（涉及多个部门，需要联合调查）"

    with pytest.raises(ServiceError, match="只能延期一次"):
        run(world, p, "extend", days=5, reason="再延")
    p = fresh(p)
    assert (p.extended_days, p.handle_due, p.version) == (30, datetime.date(2026, 4, 30), 2)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"days": 31, "reason": "x"}, "1至30日"),
        ({"days": 0, "reason": "x"}, "1至30日"),
        ({"days": 10, "reason": "  "}, "说明理由"),
    ],
)
def test_an_extension_outside_the_rules_is_refused_and_changes_nothing(world, data, message):
    p = petition(world)
    with pytest.raises(ServiceError, match=message):
        run(world, p, "extend", **data)
    p = fresh(p)
    assert (p.extended_days, p.handle_due, p.version, p.extension_reason) == (0, datetime.date(2026, 3, 31), 1, "")


def test_the_county_setting_limits_the_extension_and_the_handling_days(world):
    rules = DeadlineSettings.current()
    rules.petition_extend_max_days, rules.petition_handle_days = 15, 45
    rules.save()
    p = petition(world)
    assert p.handle_due == datetime.date(2026, 3, 16)
    with pytest.raises(ServiceError, match="1至15日"):
        run(world, p, "extend", days=20, reason="复杂")
    run(world, p, "extend", days=15, reason="复杂")
    assert fresh(p).handle_due == datetime.date(2026, 3, 31)


def test_no_extension_once_the_deadline_has_passed(world):
    p = petition(world, received_on=datetime.date(2026, 1, 5))
    assert p.handle_due == datetime.date(2026, 3, 6) and p.colour(TODAY) == "red" and p.days_overdue(TODAY) == 10
    with pytest.raises(ServiceError, match="已过"):
        run(world, p, "extend", days=10, reason="来不及了")
    assert fresh(p).extended_days == 0


def test_editing_the_received_date_moves_the_deadlines_but_keeps_the_extension(world):
    p = petition(world)
    run(world, p, "extend", days=10, reason="调查")
    p = fresh(p)
    services.petition_update(
        actor=world.users["clerk_a"], obj=p, data={"received_on": datetime.date(2026, 2, 1)}, expected_version=p.version
    )
    p = fresh(p)
    assert (p.notify_due, p.handle_due, p.due_on) == (
        datetime.date(2026, 2, 16),
        datetime.date(2026, 4, 12),
        datetime.date(2026, 4, 12),
    )


def test_a_stale_copy_cannot_extend_twice(world):
    p = petition(world)
    stale = fresh(p)
    run(world, p, "extend", days=30, reason="调查")
    with pytest.raises(ServiceError, match="只能延期一次"):
        run(world, stale, "extend", days=30, reason="再次")
    assert fresh(p).handle_due == datetime.date(2026, 4, 30)
