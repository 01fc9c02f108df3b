"""Working-day deadlines on the mediation ladder: across the holidays, moved by an escalation (recorded with who,
when and why), refused at the top, moved by a new registration date until the first escalation."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from disputes import services
from disputes.models import DisputeEscalation
from disputes.tests.helpers import SHANGHAI, TODAY, dispute, form_data, fresh, run
from sanzero.services import ServiceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_due_dates_across_the_national_day_holiday_2025(world):
    d = dispute(world, found_on=datetime.date(2025, 9, 30))
    assert d.level.name == "网格员" and d.level_started_on == datetime.date(2025, 9, 30) and d.level_days == 1
    assert d.due_on == datetime.date(2025, 10, 9)  # 1–8 October are holidays
    # 7 working days: 10-09, 10-10, Sat 10-11 (make-up workday), 10-13, 10-14, 10-15, 10-16
    assert d.overall_due_on == datetime.date(2025, 10, 16)
    before = dispute(world, found_on=datetime.date(2025, 9, 26))
    assert before.due_on == datetime.date(2025, 9, 28)  # Sunday 28 September is a make-up workday
    assert d.colour(TODAY) == "red" and d.needs_escalation(TODAY)


def test_due_dates_across_the_spring_festival_2026(world):
    d = dispute(world, found_on=datetime.date(2026, 2, 13))
    assert d.due_on == datetime.date(2026, 2, 14)  # Saturday 14 February is a make-up workday
    # 2-14 (make-up), 15–23 February holiday, 2-24, 2-25, 2-26, 2-27, Sat 2-28 (make-up), Mon 3-02
    assert d.overall_due_on == datetime.date(2026, 3, 2)
    late = dispute(world, found_on=datetime.date(2026, 2, 14))
    assert late.due_on == datetime.date(2026, 2, 24)


def test_escalation_records_who_when_and_why_and_moves_the_deadline(world):
    with time_machine.travel(datetime.datetime(2026, 2, 13, 16, 30, tzinfo=SHANGHAI), tick=False):
        d = dispute(world, found_on=datetime.date(2026, 2, 12))
        assert d.due_on == datetime.date(2026, 2, 13)
        run(world, d, "escalate", user="grid_a", note="双方分歧较大，需村调委会调解")
    d = fresh(d)
    assert d.status == "调解中" and d.version == 2
    assert d.level.name == "村(社区)调委会" and d.level_started_on == datetime.date(2026, 2, 13) and d.level_days == 2
    assert d.due_on == datetime.date(2026, 2, 24)  # Sat 2-14 make-up workday, then after the holiday 2-24
    assert d.overall_due_on == datetime.date(2026, 2, 28)  # unchanged: counted from the registration date
    e = DisputeEscalation.objects.get(dispute=d)
    assert (e.from_level.name, e.to_level.name, e.by, e.reason) == (
        "网格员",
        "村(社区)调委会",
        world.users["grid_a"],
        "双方分歧较大，需村调委会调解",
    )
    assert timezone.localtime(e.at).replace(tzinfo=None) == datetime.datetime(2026, 2, 13, 16, 30)
    assert e.previous_due_on == datetime.date(2026, 2, 13) and not e.was_overdue
    latest = d.history.order_by("-history_id").first()
    assert latest.history_user == world.users["grid_a"]
    assert latest.history_change_reason == "升级调解（双方分歧较大，需村调委会调解）"


def test_escalation_at_the_top_of_the_ladder_is_refused(world):
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    for _ in range(3):
        run(world, fresh(d), "escalate", note="本级期限已满")
    d = fresh(d)
    assert d.level.name == "乡镇党委政府" and d.version == 4 and d.escalations.count() == 3
    assert d.due_on == datetime.date(2026, 3, 18)
    with pytest.raises(ServiceError, match="已是最高调解层级“乡镇党委政府”，不能再升级"):
        run(world, d, "escalate", note="再升一级")
    d = fresh(d)
    assert d.version == 4 and d.escalations.count() == 3 and d.level.name == "乡镇党委政府"


def test_changing_the_registration_date_moves_the_deadlines_until_the_first_escalation(world, client_as):
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    services.dispute_update(
        actor=world.users["clerk_a"], obj=d, data={"found_on": datetime.date(2025, 9, 30)}, expected_version=1
    )
    d = fresh(d)
    assert (d.level_started_on, d.due_on, d.overall_due_on) == (
        datetime.date(2025, 9, 30),
        datetime.date(2025, 10, 9),
        datetime.date(2025, 10, 16),
    )
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        run(world, d, "escalate", note="本级期限已满")  # the new level starts on 3-02
    d = fresh(d)
    with pytest.raises(ServiceError, match="登记日期不能晚于最近一次升级日期（2026-03-02）"):
        services.dispute_update(
            actor=world.users["clerk_a"],
            obj=d,
            data={"found_on": datetime.date(2026, 3, 3)},
            expected_version=d.version,
        )
    response = client_as("clerk_a").post(
        f"/disputes/{d.pk}/edit/", form_data(world, found_on="2026-03-03", version=d.version)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["found_on"] == ["登记日期不能晚于最近一次升级日期（2026-03-02）。"]
    services.dispute_update(
        actor=world.users["clerk_a"], obj=d, data={"found_on": datetime.date(2026, 3, 2)}, expected_version=d.version
    )
    d = fresh(d)
    assert (d.found_on, d.level_started_on, d.due_on) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 4),
    )
    assert d.overall_due_on == datetime.date(2026, 3, 11)
