import datetime
import random
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from disputes import demo, services
from disputes.models import Dispute, DisputeEscalation, FollowUpVisit, MediationLevel, mask_names
from sanzero.models import AccessLog
from sanzero.services import ConflictError, ServiceError
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 16)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# GET /disputes/?per_page=50: session, user, the user's scope regions, COUNT, the page of rows
# (subject, region and level joined in), the ladder (for 建议升级), the deadline settings (临期 days),
# the region choices of the filter form. The same for 3 rows and for 30.
LIST_QUERIES = 8


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def dispute(world, *, user="clerk_a", subject=None, found_on=datetime.date(2026, 3, 2), **extra):
    data = {"subject": subject or world.shop_a, "found_on": found_on, "category": "邻里纠纷",
            "summary": "邻居间因排水沟堵塞发生争执", "source": "网格排查", "parties": "张三、李小四", "people_count": 2,
            "risk_colour": "黄", **extra}
    return services.dispute_create(actor=world.users[user], data=data)


def run(world, d, name, user="clerk_a", **data):
    return services.dispute_transition(actor=world.users[user], obj=d, name=name, data=data)


def ladder():
    return list(MediationLevel.objects.order_by("order"))


def fresh(d):
    return Dispute.objects.select_related("level").get(pk=d.pk)


# --- the ladder and working-day deadlines -------------------------------------------------------------

def test_the_default_ladder_is_zhangye_four_levels_seven_days():
    assert [(x.name, x.working_days) for x in ladder()] == [
        ("网格员", 1), ("村(社区)调委会", 2), ("乡镇综治中心", 2), ("乡镇党委政府", 2)]
    assert MediationLevel.total_working_days() == 7
    assert all(x.history.count() == 1 for x in ladder())


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
        "网格员", "村(社区)调委会", world.users["grid_a"], "双方分歧较大，需村调委会调解")
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


# --- the transition table --------------------------------------------------------------------------------

def test_every_allowed_transition_works(world):
    d = dispute(world)
    run(world, d, "resolve", resolved_on=datetime.date(2026, 3, 5), agreement_type="书面", agreement="疏通排水沟，费用平摊")
    d = fresh(d)
    assert (d.status, d.resolved_on, d.agreement_type, d.due_on) == ("已化解", datetime.date(2026, 3, 5), "书面", None)
    run(world, d, "follow_up", user="grid_a", visited_on=datetime.date(2026, 3, 12), performance_ok=True, note="已履行")
    d = fresh(d)
    assert d.status == "已化解" and d.version == 3
    visit = FollowUpVisit.objects.get(dispute=d)
    assert (visit.visited_on, visit.by, visit.performance_ok) == (datetime.date(2026, 3, 12), world.users["grid_a"], True)

    other = dispute(world)
    run(world, other, "fail", note="一方拒绝调解")
    other = fresh(other)
    assert (other.status, other.fail_reason, other.due_on) == ("调解不成", "一方拒绝调解", None)
    run(world, other, "transfer", transfer_to="诉讼", note="已告知当事人向县人民法院起诉")
    other = fresh(other)
    assert (other.status, other.transfer_to, other.transfer_note) == ("已移交", "诉讼", "已告知当事人向县人民法院起诉")
    reasons = list(other.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["登记矛盾纠纷", "调解不成：调解中 → 调解不成（一方拒绝调解）",
                       "移交：调解不成 → 已移交（已告知当事人向县人民法院起诉）"]


ALLOWED = {"调解中": {"resolve", "fail", "escalate"}, "已化解": {"follow_up"}, "调解不成": {"transfer"}, "已移交": set()}
ALL_DATA = {"resolved_on": datetime.date(2026, 3, 5), "agreement_type": "书面", "agreement": "协议", "note": "原因",
            "transfer_to": "部门", "visited_on": datetime.date(2026, 3, 10), "performance_ok": True}


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
    for bad, message in [({"resolved_on": datetime.date(2026, 3, 1)}, "化解日期不能早于登记日期"),
                         ({"resolved_on": datetime.date(2026, 3, 17)}, "化解日期不能晚于今天"),
                         ({"agreement": "  "}, "须填写协议内容")]:
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
        services.dispute_transition(actor=world.users["clerk_a"], obj=d, name="fail", data={"note": "x"},
                                    expected_version=1)
    d = fresh(d)
    assert (d.summary, d.status, d.version) == ("新情况", "调解中", 2)


def test_changing_the_registration_date_moves_the_deadlines_until_the_first_escalation(world, client_as):
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    services.dispute_update(actor=world.users["clerk_a"], obj=d, data={"found_on": datetime.date(2025, 9, 30)},
                            expected_version=1)
    d = fresh(d)
    assert (d.level_started_on, d.due_on, d.overall_due_on) == (
        datetime.date(2025, 9, 30), datetime.date(2025, 10, 9), datetime.date(2025, 10, 16))
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        run(world, d, "escalate", note="本级期限已满")  # the new level starts on 3-02
    d = fresh(d)
    with pytest.raises(ServiceError, match="登记日期不能晚于最近一次升级日期（2026-03-02）"):
        services.dispute_update(actor=world.users["clerk_a"], obj=d, data={"found_on": datetime.date(2026, 3, 3)},
                                expected_version=d.version)
    response = client_as("clerk_a").post(f"/disputes/{d.pk}/edit/",
                                         form_data(world, found_on="2026-03-03", version=d.version))
    assert response.status_code == 400
    assert response.context["form"].errors["found_on"] == ["登记日期不能晚于最近一次升级日期（2026-03-02）。"]
    services.dispute_update(actor=world.users["clerk_a"], obj=d, data={"found_on": datetime.date(2026, 3, 2)},
                            expected_version=d.version)
    d = fresh(d)
    assert (d.found_on, d.level_started_on, d.due_on) == (
        datetime.date(2026, 3, 2), datetime.date(2026, 3, 2), datetime.date(2026, 3, 4))
    assert d.overall_due_on == datetime.date(2026, 3, 11)


# --- pages: role matrix, form errors, list queries, masking, suggestion ---------------------------------

def form_data(world, **extra):
    return {"subject": world.shop_a.pk, "found_on": "2026-03-02", "category": "邻里纠纷", "source": "网格排查",
            "risk_colour": "蓝", "people_count": 2, "parties": "张三、李四", "summary": "因院墙滴水发生争执", **extra}


def test_refused_edits_and_steps_change_nothing_and_a_department_sees_its_school_only(world, client_as):
    """The five pages' matrix for a shop's dispute is TestDisputeViews' (test_views.py); this adds township B's
    and a school's dispute, edits and steps by role."""
    a = dispute(world)
    b = dispute(world, user="clerk_b", subject=world.shop_b)
    school = dispute(world, subject=world.school_a)
    anon = {"anonymous": 302}
    check_role_matrix(client_as, f"/disputes/{b.pk}/", {"clerk_a": 404, "clerk_b": 200, "grid_a": 404})
    check_role_matrix(client_as, f"/disputes/{school.pk}/", {"dept_edu": 200, "grid_a": 404, "clerk_a": 200})
    check_role_matrix(client_as, f"/disputes/{b.pk}/edit/", {"clerk_a": 404, "clerk_b": 200})
    check_role_matrix(client_as, f"/disputes/{school.pk}/edit/", {"dept_edu": 403})

    edit = form_data(world, summary="县里改的", version=1)
    check_role_matrix(client_as, f"/disputes/{a.pk}/edit/", {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
                      method="post", data=edit)
    check_role_matrix(client_as, f"/disputes/{b.pk}/edit/", {"clerk_a": 404, "grid_a": 404}, method="post",
                      data=form_data(world, subject=world.shop_b.pk, version=1))
    assert fresh(a).version == 1 and fresh(b).version == 1
    assert client_as("clerk_a").post(f"/disputes/{a.pk}/edit/", {**edit, "summary": "镇里改的"}).status_code == 302
    assert fresh(a).summary == "镇里改的"

    step = {"note": "本级期限已满", "version": 2}
    check_role_matrix(client_as, f"/disputes/{a.pk}/do/escalate/",
                      {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404}, method="post", data=step)
    check_role_matrix(client_as, f"/disputes/{b.pk}/do/escalate/", {"clerk_a": 404, "grid_a": 404}, method="post",
                      data={"note": "x", "version": 1})
    a = fresh(a)
    assert a.version == 2 and a.level.name == "网格员" and fresh(b).version == 1
    assert client_as("clerk_a").post(f"/disputes/{a.pk}/do/escalate/", step).status_code == 302
    a = fresh(a)
    assert a.level.name == "村(社区)调委会" and a.version == 3
    assert client_as("clerk_a").get(f"/disputes/{a.pk}/do/resolve/").status_code == 200
    assert client_as("clerk_a").get(f"/disputes/{a.pk}/do/nonsense/").status_code == 404

    # 部门 sees its department's subjects only
    rows = client_as("dept_edu").get("/disputes/").context["table"].page.object_list
    assert [row.record.pk for row in rows] == [school.pk]


def test_grid_worker_registers_only_for_subjects_in_its_village(world, client_as):
    client = client_as("grid_a")
    response = client.post("/disputes/new/", form_data(world, subject=world.school_a.pk))
    assert response.status_code == 400 and "subject" in response.context["form"].errors
    assert not Dispute.objects.exists()
    response = client.post("/disputes/new/", form_data(world))
    assert response.status_code == 302
    d = Dispute.objects.get()
    assert d.created_by == world.users["grid_a"] and d.level.name == "网格员" and d.status == "调解中"


def test_dispute_form_rejects_bad_input_with_chinese_messages(world, client_as):
    client = client_as("clerk_a")
    for bad, field in [({"found_on": "2026-03-17"}, "found_on"), ({"found_on": "abc"}, "found_on"),
                       ({"found_on": "1999-12-31"}, "found_on"), ({"people_count": "0"}, "people_count"),
                       ({"people_count": "-3"}, "people_count"), ({"summary": "长" * 2001}, "summary"),
                       ({"summary": ""}, "summary"), ({"category": "乱写"}, "category"),
                       ({"risk_colour": "紫"}, "risk_colour"), ({"source": "道听途说"}, "source"),
                       ({"subject": world.shop_b.pk}, "subject"), ({"parties": "甲" * 201}, "parties")]:
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
    response = client.post(f"/disputes/{d.pk}/do/resolve/", {"resolved_on": "2026-03-01", "agreement_type": "书面",
                                                              "agreement": "协议", "version": 1})
    assert response.status_code == 400
    assert "化解日期不能早于登记日期（2026-03-02）。" in response.context["form"].errors["resolved_on"]
    response = client.post(f"/disputes/{d.pk}/do/resolve/", {"resolved_on": "2026-03-17", "agreement_type": "口头",
                                                              "agreement": "协议", "version": 1})
    assert response.status_code == 400 and "化解日期不能晚于今天。" in response.context["form"].errors["resolved_on"]
    response = client.post(f"/disputes/{d.pk}/do/resolve/", {"resolved_on": "2026-03-05", "agreement_type": "口头",
                                                              "agreement": "", "version": 1})
    assert response.status_code == 400 and "agreement" in response.context["form"].errors
    assert fresh(d).status == "调解中" and fresh(d).version == 1
    response = client.post(f"/disputes/{d.pk}/do/resolve/", {"resolved_on": "2026-03-05", "agreement_type": "口头",
                                                              "agreement": "互相谅解", "version": 1})
    assert response.status_code == 302
    response = client.post(f"/disputes/{d.pk}/edit/", form_data(world, found_on="2026-03-06", version=2))
    assert response.status_code == 400
    assert response.context["form"].errors["found_on"] == ["登记日期不能晚于化解日期（2026-03-05）。"]
    response = client.post(f"/disputes/{d.pk}/do/follow_up/", {"visited_on": "2026-03-04", "performance_ok": "1",
                                                                "version": 2})
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


def test_a_list_of_every_level_and_status_costs_the_same_queries_for_3_and_for_30_entries(world, client_as):
    """TestDisputeViews (test_views.py) measures alike rows; these are at all four levels, some resolved, in
    three risk colours: what the 建议升级 and deadline columns read per row."""
    client = client_as("clerk_a")
    levels = ladder()

    def add(rows):
        for i in rows:
            d = dispute(world, subject=world.school_a if i % 2 else world.shop_a, level=levels[i % 4],
                        found_on=datetime.date(2026, 1, 5) + datetime.timedelta(days=i), risk_colour="红蓝黄"[i % 3])
            if i % 5 == 0:
                run(world, d, "resolve", **ALL_DATA)

    flat = assert_flat_queries(lambda: queries_of(client, "/disputes/?per_page=50"), add=add, expected=LIST_QUERIES)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 30]


def test_parties_are_masked_on_the_list_and_detail_until_a_logged_reveal(world, client_as):
    d = dispute(world, parties="张三、李小四,欧阳娜娜")
    client = client_as("clerk_a")
    page = client.get("/disputes/").content.decode()
    assert "张*、李**,欧***" in page and "张三" not in page
    page = client.get(f"/disputes/{d.pk}/").content.decode()
    assert "张*、李**,欧***" in page and "李小四" not in page and "显示完整个人信息" in page
    response = client.post(f"/disputes/{d.pk}/")
    assert response.status_code == 200
    assert "张三、李小四,欧阳娜娜" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.object_id, log.fields) == (
        world.users["clerk_a"], "reveal", "disputes.dispute", str(d.pk), "parties")
    grid = client_as("grid_a")
    assert "显示完整个人信息" not in grid.get(f"/disputes/{d.pk}/").content.decode()
    assert grid.post(f"/disputes/{d.pk}/").status_code == 403
    assert AccessLog.objects.count() == 1


def test_mask_names():
    assert mask_names("张三") == "张*"
    assert mask_names("张三、李四，王小五, 赵六") == "张*、李*，王**, 赵*"
    assert mask_names("") == "" and mask_names("王") == "王"


def test_overdue_dispute_suggests_escalation_on_the_detail_page_and_the_list(world, client_as):
    d = dispute(world, found_on=datetime.date(2026, 3, 9))  # 网格员: due 3-10, today is 3-16
    on_time = dispute(world, found_on=datetime.date(2026, 3, 13))  # due 3-16: not yet past
    client = client_as("clerk_a")
    page = client.get(f"/disputes/{d.pk}/").content.decode()
    assert "已超过本级调解期限，建议升级至：村(社区)调委会" in page
    assert f'href="/disputes/{d.pk}/do/escalate/"' in page
    assert "已超过本级调解期限" not in client.get(f"/disputes/{on_time.pk}/").content.decode()
    county_page = client_as("county").get(f"/disputes/{d.pk}/").content.decode()
    assert "建议升级至：村(社区)调委会" in county_page and "/do/escalate/" not in county_page
    listing = client.get("/disputes/").content.decode()
    assert listing.count("建议升级至：") == 1 and "建议升级至：村(社区)调委会" in listing


def test_the_detail_timeline_shows_escalations_and_follow_up_visits(world, client_as):
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    run(world, d, "escalate", note="本级期限已满")
    run(world, fresh(d), "resolve", **ALL_DATA)
    run(world, fresh(d), "follow_up", visited_on=datetime.date(2026, 3, 12), performance_ok=False, note="尚未付款")
    response = client_as("county").get(f"/disputes/{d.pk}/")
    titles = [e["title"] for e in response.context["timeline"]]
    assert "升级调解：网格员 → 村(社区)调委会" in titles
    assert "回访（2026-03-12）：协议未履行或有反复" in titles
    assert titles.count("修改") == 3 and titles.count("新建") == 1
    page = response.content.decode()
    assert "超期升级" in page and "尚未付款" in page


# --- the ladder settings page -------------------------------------------------------------------------------

def test_ladder_settings_are_for_county_and_admin_only(world, client_as):
    level = ladder()[0]
    forbidden = {"clerk_a": 403, "clerk_b": 403, "grid_a": 403, "dept_edu": 403}
    check_role_matrix(client_as, "/disputes/levels/", {"anonymous": 302, "county": 200, "admin": 200, **forbidden})
    check_role_matrix(client_as, f"/disputes/levels/{level.pk}/edit/", {"anonymous": 302, "county": 200, **forbidden})
    check_role_matrix(client_as, f"/disputes/levels/{level.pk}/edit/", {"anonymous": 302, **forbidden}, method="post",
                      data={"order": 10, "name": "网格员", "working_days": 5, "version": 1})
    check_role_matrix(client_as, f"/disputes/levels/{level.pk}/delete/", {"anonymous": 302, **forbidden},
                      method="post")
    level.refresh_from_db()
    assert level.working_days == 1 and level.version == 1
    with pytest.raises(PermissionDenied):
        services.level_update(actor=world.users["clerk_a"], obj=level, data={"working_days": 3})
    assert "调解层级设置" in client_as("county").get("/disputes/").content.decode()
    assert "调解层级设置" not in client_as("clerk_a").get("/disputes/").content.decode()


def test_county_changes_a_level_s_days_audited_and_new_disputes_use_them(world, client_as):
    old = dispute(world, found_on=datetime.date(2025, 9, 30))
    level = ladder()[0]
    client = client_as("county")
    response = client.post(f"/disputes/levels/{level.pk}/edit/",
                           {"order": 10, "name": "网格员", "working_days": 2, "version": 1})
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.working_days == 2 and level.version == 2
    record = level.history.order_by("-history_id").first()  # the default ladder's rows carry the real date
    assert record.history_user == world.users["county"]
    assert record.history_change_reason == "修改调解层级“网格员”"
    page = client.get("/disputes/levels/").content.decode()
    assert "全程 8 个工作日" in page and "修改调解层级“网格员”" in page
    new = dispute(world, found_on=datetime.date(2025, 9, 30))
    assert new.due_on == datetime.date(2025, 10, 10) and new.overall_due_on == datetime.date(2025, 10, 17)
    assert fresh(old).due_on == datetime.date(2025, 10, 9)  # kept the limit it started with


def test_ladder_form_validation(world, client_as):
    level = ladder()[0]
    client = client_as("admin")
    base = {"order": 10, "name": "网格员", "working_days": 1, "version": 1}
    for bad, field, message in [({"working_days": 0}, "working_days", "调解时限应为1–30个工作日。"),
                                ({"working_days": 31}, "working_days", "调解时限应为1–30个工作日。"),
                                ({"order": 20}, "order", "排序号20已被“村(社区)调委会”使用，请换一个。"),
                                ({"name": "  "}, "name", None), ({"name": "乡镇综治中心"}, "name", None)]:
        response = client.post(f"/disputes/levels/{level.pk}/edit/", {**base, **bad})
        assert response.status_code == 400, bad
        errors = response.context["form"].errors[field]
        assert (message in errors) if message else all(CHINESE.search(e) for e in errors), errors
    level.refresh_from_db()
    assert (level.order, level.name, level.working_days, level.version) == (10, "网格员", 1, 1)


def test_county_adds_a_level_and_a_level_in_use_cannot_be_deleted(world, client_as):
    client = client_as("county")
    response = client.post("/disputes/levels/new/", {"order": 50, "name": "县矛调中心", "working_days": 2})
    assert response.status_code == 302
    top = MediationLevel.objects.get(name="县矛调中心")
    assert top.history.get().history_user == world.users["county"]
    assert MediationLevel.total_working_days() == 9
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    client.post(f"/disputes/levels/{d.level_id}/delete/")
    assert MediationLevel.objects.filter(pk=d.level_id).exists()
    with pytest.raises(ServiceError, match="正被1件矛盾纠纷使用，不能删除"):
        services.level_delete(actor=world.users["county"], obj=d.level)
    response = client.post(f"/disputes/levels/{top.pk}/delete/", follow=True)
    assert "已删除调解层级“县矛调中心”" in response.content.decode()
    assert not MediationLevel.objects.filter(name="县矛调中心").exists()


# --- subject page and demo data ---------------------------------------------------------------------------

def test_the_subject_page_lists_its_disputes(world, client_as):
    dispute(world, found_on=datetime.date(2026, 3, 2))
    page = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/")
    section = next(s for s in page.context["sections"] if s["title"] == "矛盾纠纷")
    assert (section["count"], section["open"], section["overdue"]) == (1, 1, 1)


def test_demo_seeder_makes_a_plausible_year(world):
    subjects = [world.shop_a, world.school_a, world.shop_b, world.school_b]
    result = demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=dict(world.users, grid=None),
                       today=TODAY)
    assert result == {"矛盾纠纷": 650}
    statuses = dict.fromkeys(("调解中", "已化解", "调解不成", "已移交"), 0)
    for status in Dispute.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses["已化解"] > 500 and statuses["调解不成"] + statuses["已移交"] > 10 and statuses["调解中"] > 3
    assert Dispute.objects.overdue(TODAY).exists()
    assert DisputeEscalation.objects.count() > 150 and FollowUpVisit.objects.count() > 100
    assert Dispute.history.count() == 650
    for d in Dispute.objects.select_related("level")[:650]:
        assert d.due_on == d.compute_due_on(None)
        assert d.level_started_on >= d.found_on and (d.resolved_on is None or d.resolved_on >= d.found_on)


def test_a_long_reason_is_kept_in_full_and_the_audit_reason_stays_short(world):
    d = dispute(world)
    reason = "当事人双方对赔偿数额分歧很大，" * 30
    run(world, d, "fail", note=reason[:500])
    d = fresh(d)
    assert d.fail_reason == reason[:500]
    latest = d.history.order_by("-history_id").first().history_change_reason
    assert latest.startswith("调解不成：调解中 → 调解不成（当事人双方") and latest.endswith("…）")
    assert len(latest) <= 100  # simple-history keeps it in a varchar(100)


def test_overdue_disputes_are_supervised_and_notified_once(world, client_as):
    from ledger.supervision import notify_newly_overdue
    from sanzero.models import Notification

    late = dispute(world, found_on=datetime.date(2026, 3, 9))
    soon = dispute(world, found_on=datetime.date(2026, 3, 16))  # due 3-17: yellow
    response = client_as("clerk_a").get("/supervision/")
    assert [item.entry for item in response.context["page"]] == [late, soon]
    assert response.context["red"] == 1 and response.context["yellow"] == 1
    assert client_as("clerk_b").get("/supervision/").context["red"] == 0
    assert notify_newly_overdue() == 1 and notify_newly_overdue() == 0
    note = Notification.objects.get()
    assert note.region == world.town_a and note.url == late.get_absolute_url() and "矛盾纠纷已超期" in note.message


def test_admin_shows_disputes_read_only_and_edits_the_ladder(world, client_as):
    d = dispute(world)
    run(world, d, "escalate", note="本级期限已满")
    client = client_as("admin")
    world.users["admin"].is_staff = world.users["admin"].is_superuser = True
    world.users["admin"].save()
    assert client.get("/admin/disputes/dispute/").status_code == 200
    assert client.get(f"/admin/disputes/dispute/{d.pk}/change/").status_code == 200
    level = ladder()[0]
    url = f"/admin/disputes/mediationlevel/{level.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"order": 10, "name": "网格员", "working_days": 31}).status_code == 200  # form error
    assert client.post(url, {"order": 10, "name": "网格员", "working_days": 3}).status_code == 302
    level.refresh_from_db()
    assert level.working_days == 3 and level.version == 2
    assert level.history.order_by("-history_id").first().history_user == world.users["admin"]
