"""书记代办 writes: who, when, from where (上级交办 taken on or not, 本级自查), 逐级上报 and 办结, each audited;
one record per matter; the matter's scope and the role decide who may write."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from agency import services
from agency.models import Agency
from agency.tests.helpers import agency
from disputes.tests.helpers import dispute
from petitions.tests.helpers import petition
from sanzero.services import ConflictError, ServiceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
DAY = datetime.date(2026, 3, 5)


def test_a_secretary_takes_a_petition_on_and_the_record_is_audited(world):
    p = petition(world)
    record = agency(world, p, level="村", secretary="赵书记", taken_on=DAY)
    assert (record.status, record.matter, record.created_by) == ("代办中", p, world.users["clerk_a"])
    entry = record.history.get()
    assert (entry.history_user, entry.history_change_reason) == (world.users["clerk_a"], "登记书记代办（本级自查）")
    with pytest.raises(ServiceError, match="该事项已登记书记代办"):
        agency(world, p)
    assert p.agency == record  # the petition's one record


def test_an_assigned_matter_may_be_left_out_with_a_reason_self_found_ones_never(world):
    p, q = petition(world), petition(world, content="反映路灯不亮")
    left = agency(
        world,
        p,
        source="上级交办",
        assigned_by="市信访局",
        included=False,
        not_included_reason="已依法终结",
        secretary="x",
    )
    assert (left.status, left.level, left.secretary, str(left)) == ("未纳入", "", "", f"上级交办（未纳入代办）：{p}")
    with pytest.raises(Exception, match="未纳入代办的须说明原因"):
        agency(world, q, source="上级交办", included=False)
    kept = agency(world, q, source="本级自查", included=False, assigned_by="县信访局")
    assert (kept.included, kept.assigned_by) == (True, "")  # 本级自查 is always taken on, from no one


def test_dates_are_checked_against_the_matter_and_today(world):
    p = petition(world)  # received 2026-01-30
    with pytest.raises(ServiceError, match="列入日期不能早于信访登记日期（2026-01-30）"):
        agency(world, p, taken_on=datetime.date(2026, 1, 29))
    with pytest.raises(ServiceError, match="列入日期不能晚于今天"):
        agency(world, p, taken_on=datetime.date(2026, 10, 11))


def test_escalation_goes_one_level_up_and_says_why(world):
    record = agency(world, petition(world), level="村", secretary="赵书记", taken_on=DAY)
    clerk = world.users["clerk_a"]
    services.agency_escalate(
        actor=clerk, obj=record, data={"secretary": "王书记", "on": datetime.date(2026, 3, 20), "note": "涉及跨村土地"}
    )
    record.refresh_from_db()
    assert (record.level, record.secretary, record.version) == ("乡镇", "王书记", 2)
    assert record.history.first().history_change_reason.startswith(
        "逐级上报：村(社区)书记赵书记本级未能解决，2026-03-20上报乡镇(街道)书记王书记代办。涉及跨村土地"
    )
    for secretary in ("李书记", "张书记"):
        services.agency_escalate(actor=clerk, obj=record, data={"secretary": secretary, "on": DAY})
    assert Agency.objects.get().level == "市"
    with pytest.raises(ServiceError, match="市委书记代办的事项已是最高一级"):
        services.agency_escalate(actor=clerk, obj=record, data={"secretary": "周书记", "on": DAY})
    with pytest.raises(ConflictError):
        services.agency_finish(
            actor=clerk, obj=record, data={"finished_on": DAY, "outcome": "已解决"}, expected_version=2
        )


def test_finishing_records_the_outcome_and_closes_the_record(world):
    record = agency(world, dispute(world), taken_on=DAY)
    clerk = world.users["clerk_a"]
    with pytest.raises(ServiceError, match="办结日期不能早于列入日期"):
        services.agency_finish(
            actor=clerk, obj=record, data={"finished_on": DAY - datetime.timedelta(1), "outcome": "已解决"}
        )
    services.agency_finish(actor=clerk, obj=record, data={"finished_on": DAY, "outcome": "部分解决", "note": "已补发"})
    record.refresh_from_db()
    assert (record.status, record.outcome, record.outcome_note) == ("已办结", "部分解决", "已补发")
    with pytest.raises(ServiceError, match="不能逐级上报"):
        services.agency_escalate(actor=clerk, obj=record, data={"secretary": "王书记", "on": DAY})
    with pytest.raises(ServiceError, match="已办结的代办不能改为未纳入代办"):
        services.agency_update(
            actor=clerk, obj=record, data={"source": "上级交办", "included": False, "not_included_reason": "x"}
        )


def test_only_the_matters_writers_may_record(world):
    p = petition(world)
    for user in ("clerk_b", "county", "dept_edu"):
        with pytest.raises(PermissionDenied):
            agency(world, p, user=user)
    record = agency(world, p, user="grid_a")  # 甲一村's grid worker: the shop's petition is in the village
    for user in ("clerk_b", "county"):
        with pytest.raises(PermissionDenied):
            services.agency_finish(actor=world.users[user], obj=record, data={"finished_on": DAY, "outcome": "已解决"})
