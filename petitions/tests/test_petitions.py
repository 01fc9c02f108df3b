import datetime
import random
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from petitions import demo, services
from petitions.models import Petition
from petitions.selectors import agent_counts
from sanzero.models import AccessLog, DeadlineSettings
from sanzero.services import ConflictError, ServiceError
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of
from sanzero.validators import id_number_ok

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 16)
ID = "11010519491231002X"
PHONE = "13812341234"
CONTENT = "反映村集体土地流转收益分配不公开，要求公开账目。"
# Every list request: session, user, the user's scope regions, DeadlineSettings (deadline colours), COUNT,
# the filter form's region choices, the page of rows (subject, region and 集体访 in the same query).
LIST_QUERIES = 7
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def petition(world, *, user="clerk_a", subject=None, **extra):
    data = {"subject": subject or world.shop_a, "received_on": datetime.date(2026, 1, 30), "channel": "来访",
            "type": "申诉求决", "petitioner_name": "张伟", "id_number": ID, "phone": PHONE, "headcount": 1,
            "level_reached": "乡镇", "content": CONTENT, **extra}
    return services.petition_create(actor=world.users[user], data=data)


def run(world, p, name, user="clerk_a", **data):
    return services.petition_transition(actor=world.users[user], obj=p, name=name, data=data)


def fresh(p):
    return Petition.objects.get(pk=p.pk)


# --- deadlines --------------------------------------------------------------------------------------

def test_deadlines_follow_the_regulation_and_one_extension_of_at_most_30_days(world):
    p = petition(world)
    assert (p.notify_due, p.handle_due, p.due_on) == (datetime.date(2026, 2, 14), datetime.date(2026, 3, 31),
                                                       datetime.date(2026, 3, 31))
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


@pytest.mark.parametrize("data, message", [
    ({"days": 31, "reason": "x"}, "1至30日"),
    ({"days": 0, "reason": "x"}, "1至30日"),
    ({"days": 10, "reason": "  "}, "说明理由"),
])
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
    services.petition_update(actor=world.users["clerk_a"], obj=p, data={"received_on": datetime.date(2026, 2, 1)},
                             expected_version=p.version)
    p = fresh(p)
    assert (p.notify_due, p.handle_due, p.due_on) == (datetime.date(2026, 2, 16), datetime.date(2026, 4, 12),
                                                       datetime.date(2026, 4, 12))


# --- workflow ---------------------------------------------------------------------------------------

def test_every_allowed_transition_works(world):
    p = petition(world)
    run(world, p, "notify", notified_on=datetime.date(2026, 2, 3), note="书面告知")
    p = fresh(p)
    assert p.notified_on == datetime.date(2026, 2, 3) and p.status == "办理中"
    run(world, p, "reply", user="grid_a", replied_on=datetime.date(2026, 3, 10), note="已出具处理意见书")
    p = fresh(p)
    assert (p.status, p.replied_on, p.reply_note) == ("已答复", datetime.date(2026, 3, 10), "已出具处理意见书")
    assert p.due_on == datetime.date(2026, 3, 31)  # 已答复 is still open: 超期 counts until 已办结
    run(world, p, "close", closed_on=datetime.date(2026, 3, 15), satisfaction="基本满意")
    p = fresh(p)
    assert (p.status, p.closed_on, p.satisfaction, p.due_on, p.version) == (
        "已办结", datetime.date(2026, 3, 15), "基本满意", None, 4)
    reasons = list(p.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["登记信访", "登记告知（书面告知）", "答复：办理中 → 已答复（已出具处理意见书）", "办结：已答复 → 已办结"]


def test_transitions_outside_the_table_are_refused_and_change_nothing(world):
    p = petition(world)
    args = {"closed_on": TODAY, "satisfaction": "满意", "replied_on": TODAY, "notified_on": TODAY, "days": 5,
            "reason": "x"}
    with pytest.raises(ServiceError, match="当前状态为“办理中”，不能执行“办结”"):
        run(world, p, "close", **args)
    with pytest.raises(ServiceError, match="未知的操作"):
        run(world, p, "reopen")
    assert (fresh(p).status, fresh(p).version) == ("办理中", 1)

    run(world, p, "reply", replied_on=TODAY)
    p = fresh(p)
    for name in ("notify", "extend", "reply"):
        with pytest.raises(ServiceError, match="当前状态为“已答复”"):
            run(world, p, name, **args)
    p = fresh(p)
    assert (p.status, p.version, p.notified_on, p.extended_days) == ("已答复", 2, None, 0)

    run(world, p, "close", closed_on=TODAY, satisfaction="满意")
    p = fresh(p)
    for name in ("notify", "extend", "reply", "close"):
        with pytest.raises(ServiceError, match="当前状态为“已办结”"):
            run(world, p, name, **args)
    assert (fresh(p).status, fresh(p).version) == ("已办结", 3)


def test_closing_needs_a_satisfaction_and_dates_are_checked(world):
    p = petition(world)
    run(world, p, "reply", replied_on=datetime.date(2026, 3, 1))
    p = fresh(p)
    with pytest.raises(ServiceError, match="满意度"):
        run(world, p, "close", closed_on=TODAY)
    with pytest.raises(ServiceError, match="满意度"):
        run(world, p, "close", closed_on=TODAY, satisfaction="还行")
    with pytest.raises(ServiceError, match="不能早于答复日期"):
        run(world, p, "close", closed_on=datetime.date(2026, 2, 28), satisfaction="满意")
    with pytest.raises(ServiceError, match="不能晚于今天"):
        run(world, p, "close", closed_on=TODAY + datetime.timedelta(days=1), satisfaction="满意")
    p = fresh(p)
    assert (p.status, p.closed_on, p.satisfaction, p.version) == ("已答复", None, "", 2)


def test_reply_and_notify_dates_are_checked_and_notify_happens_once(world):
    p = petition(world)
    with pytest.raises(ServiceError, match="不能早于登记日期"):
        run(world, p, "reply", replied_on=datetime.date(2026, 1, 29))
    with pytest.raises(ServiceError, match="不能晚于今天"):
        run(world, p, "reply", replied_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="不能早于登记日期"):
        run(world, p, "notify", notified_on=datetime.date(2026, 1, 1))
    run(world, p, "notify", notified_on=datetime.date(2026, 2, 1))
    with pytest.raises(ServiceError, match="不能重复登记告知"):
        run(world, p, "notify", notified_on=datetime.date(2026, 2, 2))
    p = fresh(p)
    assert (p.status, p.notified_on, p.replied_on, p.version) == ("办理中", datetime.date(2026, 2, 1), None, 2)


def test_a_stale_copy_cannot_extend_twice(world):
    p = petition(world)
    stale = fresh(p)
    run(world, p, "extend", days=30, reason="调查")
    with pytest.raises(ServiceError, match="只能延期一次"):
        run(world, stale, "extend", days=30, reason="再次")
    assert fresh(p).handle_due == datetime.date(2026, 4, 30)


def test_county_other_township_and_department_cannot_act(world):
    p = petition(world)
    for user in ("county", "clerk_b", "dept_edu"):
        with pytest.raises(PermissionDenied):
            run(world, p, "reply", user=user, replied_on=TODAY)
    with pytest.raises(PermissionDenied):
        petition(world, user="clerk_b")  # shop_a is in township A
    assert (fresh(p).status, Petition.objects.count()) == ("办理中", 1)


# --- 集体访, 重点信访, 代办 -----------------------------------------------------------------------------

def test_collective_is_derived_from_the_current_setting(world):
    p = petition(world, headcount=5)
    q = petition(world, headcount=4)
    assert fresh(p).is_collective and not fresh(q).is_collective
    assert set(Petition.objects.with_collective().filter(collective=True)) == {p}
    assert set(Petition.objects.key("collective")) == {p}
    rules = DeadlineSettings.current()
    rules.petition_collective_headcount = 4
    rules.save()
    assert set(Petition.objects.key("collective")) == {p, q}
    assert fresh(q).is_collective and Petition.objects.with_collective().get(pk=q.pk).collective


def test_key_filter_and_agent_counts(world, client_as):
    skip = petition(world, level_reached="市", is_skip_level=True, agent_level="县", agent_name="李书记")
    crowd = petition(world, headcount=12, agent_level="乡镇", agent_name="王书记")
    odd = petition(world, is_abnormal=True, level_reached="县", agent_level="乡镇", agent_name="王书记")
    plain = petition(world, agent_level="村", agent_name="赵书记")
    petition(world)
    run(world, plain, "reply", replied_on=TODAY)  # 已答复 is still open
    run(world, fresh(odd), "reply", replied_on=TODAY)
    run(world, fresh(odd), "close", closed_on=TODAY, satisfaction="满意")
    assert agent_counts(Petition.objects.for_user(world.users["county"])) == {"村": 1, "乡镇": 1, "县": 1}
    assert agent_counts(Petition.objects.for_user(world.users["clerk_b"])) == {"村": 0, "乡镇": 0, "县": 0}
    client = client_as("county")
    for flag, expected in [("skip", {skip}), ("collective", {crowd}), ("abnormal", {odd}),
                           ("any", {skip, crowd, odd})]:
        response = client.get("/petitions/", {"key": flag})
        assert {row.record for row in response.context["table"].page.object_list} == expected, flag
    response = client.get("/petitions/", {"agent_level": "乡镇"})
    assert {row.record for row in response.context["table"].page.object_list} == {crowd, odd}
    response = client.get("/petitions/", {"agent_level": "none"})
    assert len(response.context["table"].page.object_list) == 1
    html = client.get("/petitions/").content.decode()
    assert "集体访</span>" in html and "越级</span>" in html and "非正常</span>" in html and "李书记" in html


# --- views, roles, personal data --------------------------------------------------------------------

def test_refused_edits_and_replies_change_nothing_and_the_township_s_go_through(world, client_as):
    """The five pages' matrix is TestPetitionViews' (test_views.py); this is who may post an edit or a reply."""
    p = petition(world)
    anon = {"anonymous": 302}
    edit = {"subject": world.shop_a.pk, "received_on": "2026-01-30", "channel": "来信", "type": "申诉求决",
            "petitioner_name": "张伟", "id_number": ID, "phone": PHONE, "headcount": 1, "level_reached": "乡镇", "content": "改过的内容", "version": 1}
    check_role_matrix(client_as, f"/petitions/{p.pk}/edit/", {**anon, "county": 403, "clerk_b": 404,
                                                              "dept_edu": 404}, method="post", data=edit)
    check_role_matrix(client_as, f"/petitions/{p.pk}/do/reply/", {**anon, "county": 403, "clerk_b": 404,
                                                                  "dept_edu": 404},
                      method="post", data={"replied_on": "2026-03-10", "version": 1})
    p = fresh(p)
    assert (p.status, p.channel, p.version) == ("办理中", "来访", 1)
    response = client_as("grid_a").post(f"/petitions/{p.pk}/edit/", edit)
    assert response.status_code == 302
    response = client_as("clerk_a").post(f"/petitions/{p.pk}/do/reply/", {"replied_on": "2026-03-10", "version": 2})
    assert response.status_code == 302
    p = fresh(p)
    assert (p.status, p.channel, p.content, p.version) == ("已答复", "来信", "改过的内容", 3)
    assert (p.petitioner_name, p.id_number, p.phone) == ("张伟", ID, PHONE)


def test_role_matrix_for_a_school_petition(world, client_as):
    p = petition(world, subject=world.school_a, type="建议意见")
    check_role_matrix(client_as, f"/petitions/{p.pk}/", {"county": 200, "clerk_a": 200, "clerk_b": 404,
                                                         "grid_a": 404, "dept_edu": 200})
    check_role_matrix(client_as, f"/petitions/{p.pk}/edit/", {"clerk_a": 200, "grid_a": 404, "dept_edu": 403})
    check_role_matrix(client_as, f"/petitions/{p.pk}/do/notify/", {"grid_a": 404, "dept_edu": 403},
                      method="post", data={"notified_on": "2026-02-01", "version": 1})
    assert fresh(p).notified_on is None
    response = client_as("dept_edu").get(f"/petitions/{p.pk}/")
    assert CONTENT in response.content.decode()  # not 检举控告: the department reads it
    listing = client_as("dept_edu").get("/petitions/")
    assert [row.record for row in listing.context["table"].page.object_list] == [p]


def test_personal_data_is_masked_on_list_and_detail(world, client_as):
    p = petition(world)
    for user in ("clerk_a", "county", "grid_a", "admin"):
        client = client_as(user)
        listing = client.get("/petitions/").content.decode()
        assert "张*" in listing and "张伟" not in listing and ID not in listing and PHONE not in listing
        detail = client.get(f"/petitions/{p.pk}/").content.decode()
        assert "110105********002X" in detail and "138****1234" in detail and "张*" in detail
        assert ID not in detail and PHONE not in detail and "张伟" not in detail
    assert "显示完整个人信息" in client_as("clerk_a").get(f"/petitions/{p.pk}/").content.decode()
    assert "显示完整个人信息" not in client_as("grid_a").get(f"/petitions/{p.pk}/").content.decode()


def test_reveal_shows_full_values_and_is_logged(world, client_as):
    p = petition(world)
    response = client_as("clerk_a").post(f"/petitions/{p.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ID in html and PHONE in html and "张伟" in html and "已显示完整个人信息" in html
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.object_id) == (
        world.users["clerk_a"], "reveal", "petitions.petition", str(p.pk))
    assert set(log.fields.split(",")) == {"petitioner_name", "id_number", "phone"}

    assert client_as("grid_a").post(f"/petitions/{p.pk}/").status_code == 403
    assert client_as("clerk_b").post(f"/petitions/{p.pk}/").status_code == 404
    school = petition(world, subject=world.school_a)
    assert client_as("dept_edu").post(f"/petitions/{school.pk}/").status_code == 403
    assert client_as("county").post(f"/petitions/{school.pk}/").status_code == 200
    assert AccessLog.objects.count() == 2
    assert ID not in client_as("clerk_a").get(f"/petitions/{p.pk}/").content.decode()  # the next view is masked


def test_the_edit_form_never_shows_stored_personal_data_and_blank_keeps_it(world, client_as):
    p = petition(world)
    client = client_as("grid_a")
    html = client.get(f"/petitions/{p.pk}/edit/").content.decode()
    assert ID not in html and PHONE not in html and "张伟" not in html
    assert 'placeholder="110105********002X"' in html and 'placeholder="138****1234"' in html and "不修改请留空" in html
    form = {"subject": world.shop_a.pk, "received_on": "2026-01-30", "channel": "来访", "type": "申诉求决",
            "petitioner_name": "", "id_number": "", "phone": "13999998888", "headcount": 2, "level_reached": "乡镇",
            "content": CONTENT, "version": 1}
    assert client.post(f"/petitions/{p.pk}/edit/", form).status_code == 302
    p = fresh(p)
    assert (p.petitioner_name, p.id_number, p.phone, p.headcount) == ("张伟", ID, "13999998888", 2)


def test_the_audit_trail_does_not_leak_personal_data(world, client_as):
    p = petition(world)
    services.petition_update(actor=world.users["clerk_a"], obj=p, expected_version=1,
                             data={"phone": "13999998888", "petitioner_name": "张伟民"})
    html = client_as("grid_a").get(f"/petitions/{p.pk}/").content.decode()
    assert "联系电话" in html and "139****8888" in html and "138****1234" in html
    assert "13999998888" not in html and PHONE not in html and "张伟民" not in html
    html = client_as("clerk_a").post(f"/petitions/{p.pk}/").content.decode()
    assert "13999998888" in html and "张伟民" in html


def test_an_accusation_is_hidden_from_the_accused_department(world, client_as):
    p = petition(world, subject=world.school_a, type="检举控告", content="检举校长违规收费")
    ordinary = petition(world, user="clerk_b", subject=world.school_b, content="建议增设校车线路")
    client = client_as("dept_edu")
    detail = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "检举校长违规收费" not in detail and "张*" not in detail and "002X" not in detail and "1234" not in detail
    assert "（按规定对您不可见）" in detail and "信访工作条例》第三十条" in detail
    listing = client.get("/petitions/")
    html = listing.content.decode()
    assert "检举校长违规收费" not in html and "检举校长" not in html and "（按规定对您不可见）" in html
    assert "建议增设校车线路" in html  # other types stay readable for the department
    assert {row.record for row in listing.context["table"].page.object_list} == {p, ordinary}
    for user in ("county", "clerk_a"):
        assert "检举校长违规收费" in client_as(user).get(f"/petitions/{p.pk}/").content.decode()
        assert "检举校长违规收费" in client_as(user).get("/petitions/").content.decode()


def test_petition_form_rejects_bad_input_with_chinese_messages(world, client_as):
    client = client_as("clerk_a")
    base = {"subject": world.shop_a.pk, "received_on": "2026-01-30", "channel": "来访", "type": "申诉求决",
            "petitioner_name": "张伟", "id_number": "", "phone": "", "headcount": 1, "level_reached": "乡镇",
            "content": CONTENT}
    for bad, field in [({"id_number": "110105194912310021"}, "id_number"), ({"id_number": "1101051949"}, "id_number"),
                       ({"phone": "12345"}, "phone"), ({"phone": "2381234123"}, "phone"),
                       ({"headcount": 0}, "headcount"), ({"received_on": "2026-03-17"}, "received_on"),
                       ({"received_on": "abc"}, "received_on"), ({"content": "长" * 4001}, "content"),
                       ({"content": ""}, "content"), ({"channel": "微信"}, "channel"), ({"type": "投诉"}, "type"),
                       ({"level_reached": "村"}, "level_reached"), ({"subject": world.shop_b.pk}, "subject"),
                       ({"is_skip_level": "on"}, "is_skip_level"), ({"agent_level": "县"}, "agent_name"),
                       ({"agent_name": "李书记"}, "agent_level")]:
        response = client.post("/petitions/new/", {**base, **bad})
        assert response.status_code == 400, bad
        errors = response.context["form"].errors
        assert field in errors, (bad, errors)
        assert CHINESE.search(" ".join(errors[field])), (bad, errors[field])
    assert not Petition.objects.exists()
    response = client.post("/petitions/new/", {**base, "id_number": "11010519491231002x", "phone": "+86 138 1234 1234"})
    assert response.status_code == 302
    p = Petition.objects.get()
    assert (p.id_number, p.phone, p.created_by) == (ID, PHONE, world.users["clerk_a"])
    assert id_number_ok(p.id_number)


def test_transition_forms_reject_bad_input(world, client_as):
    p = petition(world)
    client = client_as("clerk_a")
    for name, data, field in [("reply", {"replied_on": "2026-03-17"}, "replied_on"),
                              ("reply", {"replied_on": "2026-01-01"}, "replied_on"),
                              ("extend", {"days": 31, "reason": "x"}, "days"),
                              ("extend", {"days": 10, "reason": ""}, "reason"),
                              ("notify", {"notified_on": ""}, "notified_on")]:
        response = client.post(f"/petitions/{p.pk}/do/{name}/", {**data, "version": 1})
        assert response.status_code == 400, data
        assert CHINESE.search(" ".join(response.context["form"].errors[field])), data
    run(world, p, "reply", replied_on=TODAY)
    response = client.post(f"/petitions/{p.pk}/do/close/", {"closed_on": "2026-03-16", "version": 2})
    assert response.status_code == 400
    assert response.context["form"].errors["satisfaction"] == ["办结须填写信访人满意度。"]
    response = client.get(f"/petitions/{p.pk}/do/extend/")  # not from 已答复: back to the page with a message
    assert response.status_code == 302
    p = fresh(p)
    assert (p.status, p.extended_days, p.version) == ("已答复", 0, 2)


def test_a_stale_reply_is_refused_on_the_page_and_by_the_service(world, client_as):
    """A stale edit is TestPetitionViews' (test_views.py); a step taken on a stale version is refused too."""
    p = petition(world)
    services.petition_update(actor=world.users["grid_a"], obj=p, data={"headcount": 2}, expected_version=1)
    client = client_as("clerk_a")
    response = client.post(f"/petitions/{p.pk}/do/reply/", {"replied_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert "已被其他用户修改" in response.content.decode()
    with pytest.raises(ConflictError):
        services.petition_transition(actor=world.users["clerk_a"], obj=p, name="reply",
                                     data={"replied_on": TODAY}, expected_version=1)
    p = fresh(p)
    assert (p.headcount, p.content, p.status, p.version) == (2, CONTENT, "办理中", 2)


def test_the_list_costs_the_same_queries_for_3_and_30_petitions(world, client_as):
    """TestPetitionViews (test_views.py) measures alike rows; these are 集体访, 越级, 检举控告, and a department's
    list, which hides 检举控告 from the accused."""
    client = client_as("clerk_a")
    url = "/petitions/?per_page=50"

    def add(rows):
        for i in rows:
            if i < 3:  # 集体访 with a 代办 secretary
                petition(world, headcount=6, agent_level="村", agent_name="赵书记")
                continue
            j = i - 3  # then, alternately, a shop's 检举控告 and a school's 建议意见, most of them 越级
            petition(world, subject=[world.shop_a, world.school_a][j % 2], type=["检举控告", "建议意见"][j % 2],
                     is_skip_level=bool(j % 3), level_reached="市")

    flat = assert_flat_queries(lambda: queries_of(client, url), add=add, expected=LIST_QUERIES)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 30]
    # the 检举控告 check reads the subject already joined: no query per row
    response, sqls = queries_of(client_as("dept_edu"), url)
    assert (len(sqls), len(response.context["table"].page.object_list)) == (LIST_QUERIES, 13)


def test_the_detail_and_subject_pages_render(world, client_as):
    p = petition(world, headcount=7, level_reached="省", is_skip_level=True, agent_level="县", agent_name="李书记")
    run(world, p, "extend", days=20, reason="需调取档案")
    html = client_as("clerk_a").get(f"/petitions/{p.pk}/").content.decode()
    for text in ("集体访（7人，标准5人）", "越级访·到省", "已延期20日", "超过告知期限未告知", "县级书记代办：李书记",
                 "2026-04-20", "登记告知", "答复", "延期办理"):
        assert text in html, text
    page = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/").content.decode()
    assert "信访" in page and p.get_absolute_url() in page


def test_demo_seed_makes_a_plausible_valid_year(world):
    from units.models import Subject

    subjects = list(Subject.objects.select_related("region", "category"))
    users = {"clerk_a": world.users["clerk_a"]}
    assert demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=users, today=TODAY) == {"信访": 180}
    rows = list(Petition.objects.with_collective().select_related("subject"))
    assert len(rows) == 180
    for p in rows:
        p.full_clean()
        assert not p.id_number or (id_number_ok(p.id_number) and p.id_number.startswith("990121"))
    key = sum(p.is_key for p in rows)
    assert 10 <= key <= 45
    assert {p.status for p in rows} == {"办理中", "已答复", "已办结"}
    assert any(p.extended_days for p in rows) and any(p.agent_level for p in rows)
    assert 1 <= Petition.objects.overdue(TODAY).count() <= 30
    assert Petition.history.count() == 180
