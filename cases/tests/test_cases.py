import datetime
import random
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from cases import demo, services
from cases.models import PoliceCase
from sanzero.services import ConflictError, ServiceError
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 16)
CJK = re.compile(r"[\u4e00-\u9fff]")
# Every list request: session, user, the user's scope regions, COUNT, the region filter's choices, the page
# of rows (subject and region joined in: one query whatever the page size or the filters). No deadline
# settings: cases have no deadline column.
LIST_QUERIES = 6


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def case(world, *, user="clerk_a", subject=None, kind="治安", **extra):
    data = {"subject": subject or world.shop_a, "occurred_on": datetime.date(2026, 3, 2), "kind": kind,
            "cause": "殴打他人", "summary": "邻里纠纷引发打架", "unit": "测试县公安局甲镇派出所", **extra}
    return services.police_case_create(actor=world.users[user], data=data)


def run(world, obj, name, user="clerk_a", **data):
    services.police_case_transition(actor=world.users[user], obj=obj, name=name, data=data)
    obj.refresh_from_db()
    return obj


# --- the 零案件 rule -------------------------------------------------------------------------------

def test_breaks_zero_case_follows_the_default_rule(world):
    criminal = case(world, kind="刑事", cause="盗窃")
    major = case(world, major_influence=True)
    minor = case(world)
    assert criminal.breaks_zero_case and major.breaks_zero_case
    assert not minor.breaks_zero_case
    assert set(PoliceCase.objects.breaking_zero_case()) == {criminal, major}
    assert set(PoliceCase.objects.breaking_zero_case(False)) == {minor}


def test_major_influence_is_stored_false_for_criminal_cases(world):
    criminal = case(world, kind="刑事", major_influence=True)
    criminal.refresh_from_db()
    assert criminal.major_influence is False and criminal.breaks_zero_case
    # A 治安 case of major influence reclassified as 刑事 loses the flag, even when only the kind is sent.
    c = case(world, major_influence=True)
    services.police_case_update(actor=world.users["clerk_a"], obj=c, data={"kind": "刑事"}, expected_version=1)
    c.refresh_from_db()
    assert c.kind == "刑事" and c.major_influence is False and c.version == 2


def test_the_form_ignores_major_influence_for_criminal_cases(world, client_as):
    client = client_as("clerk_a")
    response = client.get("/cases/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="major-influence-box"' in html and "cases/case_form.js" in html
    response = client.post("/cases/new/", {"subject": world.shop_a.pk, "occurred_on": "2026-03-02", "kind": "刑事",
                                            "major_influence": "on", "cause": "盗窃"})
    assert response.status_code == 302
    assert PoliceCase.objects.get().major_influence is False


# --- the transition table ---------------------------------------------------------------------

def test_a_criminal_case_is_solved_then_closed(world):
    c = case(world, kind="刑事", cause="盗窃")
    assert c.status == "侦办中" and c.due_on is None and c.is_open
    run(world, c, "solve", solved_on=datetime.date(2026, 3, 5), note="嫌疑人到案")
    assert c.status == "已破案" and c.solved_on == datetime.date(2026, 3, 5) and c.version == 2 and c.is_open
    run(world, c, "close", user="grid_a", closed_on=datetime.date(2026, 3, 12))
    assert c.status == "已结案" and c.closed_on == datetime.date(2026, 3, 12) and c.version == 3
    assert not c.is_open and c.due_on is None
    reasons = list(c.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["登记刑事/治安案件", "破案：侦办中 → 已破案（嫌疑人到案）", "结案：已破案 → 已结案"]


def test_a_public_security_case_closes_directly_or_after_being_solved(world):
    direct = run(world, case(world), "close", closed_on=datetime.date(2026, 3, 3), note="行政拘留五日")
    assert direct.status == "已结案" and direct.solved_on is None
    solved = run(world, case(world, major_influence=True), "solve", solved_on=datetime.date(2026, 3, 4))
    run(world, solved, "close", closed_on=datetime.date(2026, 3, 6))
    assert solved.status == "已结案" and solved.solved_on == datetime.date(2026, 3, 4)


def test_closing_an_unsolved_criminal_case_is_refused(world, client_as):
    c = case(world, kind="刑事")
    with pytest.raises(ServiceError, match="刑事案件须先登记破案"):
        services.police_case_transition(actor=world.users["clerk_a"], obj=c, name="close",
                                        data={"closed_on": TODAY})
    c.refresh_from_db()
    assert c.status == "侦办中" and c.closed_on is None and c.version == 1
    client = client_as("clerk_a")
    detail = client.get(f"/cases/{c.pk}/")
    assert [t.name for t in detail.context["transitions"]] == ["solve"]
    response = client.get(f"/cases/{c.pk}/do/close/", follow=True)
    assert "刑事案件须先登记破案" in response.content.decode()
    response = client.post(f"/cases/{c.pk}/do/close/", {"closed_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert "刑事案件须先登记破案" in " ".join(response.context["form"].non_field_errors())
    c.refresh_from_db()
    assert c.status == "侦办中" and c.version == 1


def test_transitions_outside_the_table_are_refused_and_change_nothing(world, client_as):
    c = run(world, case(world), "close", closed_on=datetime.date(2026, 3, 10))
    for name in ("solve", "close"):
        with pytest.raises(ServiceError, match="当前状态为“已结案”，不能执行"):
            services.police_case_transition(actor=world.users["clerk_a"], obj=c, name=name,
                                            data={"solved_on": TODAY, "closed_on": TODAY})
    with pytest.raises(ServiceError, match="未知的操作"):
        services.police_case_transition(actor=world.users["clerk_a"], obj=c, name="reopen")
    c.refresh_from_db()
    assert c.status == "已结案" and c.solved_on is None and c.closed_on == datetime.date(2026, 3, 10)
    assert c.version == 2
    solved = run(world, case(world, kind="刑事"), "solve", solved_on=datetime.date(2026, 3, 4))
    with pytest.raises(ServiceError, match="当前状态为“已破案”，不能执行“破案”"):
        services.police_case_transition(actor=world.users["clerk_a"], obj=solved, name="solve",
                                        data={"solved_on": TODAY})
    solved.refresh_from_db()
    assert solved.solved_on == datetime.date(2026, 3, 4) and solved.version == 2
    client = client_as("clerk_a")
    assert client.post(f"/cases/{c.pk}/do/reopen/", {"version": 2}).status_code == 404
    response = client.post(f"/cases/{c.pk}/do/solve/", {"solved_on": "2026-03-11", "version": 2})
    assert response.status_code == 400
    assert "当前状态为“已结案”" in " ".join(response.context["form"].non_field_errors())
    c.refresh_from_db()
    assert c.status == "已结案" and c.version == 2


def test_transition_dates_are_checked(world, client_as):
    c = case(world, kind="刑事")
    client = client_as("clerk_a")
    for bad, message in [("2026-03-01", "破案日期不能早于发案日期"), ("2026-03-17", "破案日期不能晚于今天")]:
        response = client.post(f"/cases/{c.pk}/do/solve/", {"solved_on": bad, "version": 1})
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors["solved_on"])
    run(world, c, "solve", solved_on=datetime.date(2026, 3, 8))
    response = client.post(f"/cases/{c.pk}/do/close/", {"closed_on": "2026-03-07", "version": 2})
    assert "结案日期不能早于破案日期" in " ".join(response.context["form"].errors["closed_on"])
    c.refresh_from_db()
    assert c.status == "已破案" and c.closed_on is None


def test_county_and_other_township_cannot_act(world):
    c = case(world)
    with pytest.raises(PermissionDenied):
        services.police_case_transition(actor=world.users["county"], obj=c, name="close", data={"closed_on": TODAY})
    with pytest.raises(PermissionDenied):
        services.police_case_transition(actor=world.users["clerk_b"], obj=c, name="close", data={"closed_on": TODAY})
    with pytest.raises(PermissionDenied):
        case(world, user="clerk_b")  # shop_a is in township A
    with pytest.raises(PermissionDenied):
        case(world, user="county")
    c.refresh_from_db()
    assert c.status == "侦办中" and PoliceCase.objects.count() == 1


# --- views and roles -----------------------------------------------------------------------------

def test_a_department_sees_its_school_s_case_and_refused_edits_and_steps_change_nothing(world, client_as):
    """The five pages' matrix for a shop's case is TestCaseViews' (test_views.py); this adds a school's case
    (教育局, in the township itself), edits and steps by role."""
    shop = case(world)  # shop_a: village_a (grid_a's village), 市场监督管理局
    school = case(world, subject=world.school_a, kind="刑事")  # school_a: town_a itself, 教育局
    other = case(world, user="clerk_b", subject=world.shop_b)
    anon = {"anonymous": 302}
    responses = check_role_matrix(client_as, "/cases/", {**anon, "admin": 200, "county": 200, "clerk_a": 200,
                                                         "clerk_b": 200, "grid_a": 200, "dept_edu": 200})
    listed = {role: {row.record.pk for row in r.context["table"].rows} for role, r in responses.items()
              if role != "anonymous"}
    assert listed == {"admin": {shop.pk, school.pk, other.pk}, "county": {shop.pk, school.pk, other.pk},
                      "clerk_a": {shop.pk, school.pk}, "clerk_b": {other.pk}, "grid_a": {shop.pk},
                      "dept_edu": {school.pk}}
    check_role_matrix(client_as, f"/cases/{school.pk}/", {**anon, "admin": 200, "county": 200, "clerk_a": 200,
                                                          "clerk_b": 404, "grid_a": 404, "dept_edu": 200})
    check_role_matrix(client_as, f"/cases/{other.pk}/", {"clerk_a": 404, "clerk_b": 200, "grid_a": 404})
    check_role_matrix(client_as, f"/cases/{school.pk}/edit/", {**anon, "admin": 200, "county": 403,
                                                               "clerk_a": 200, "clerk_b": 404, "grid_a": 404,
                                                               "dept_edu": 403})

    edit = {"subject": world.shop_a.pk, "occurred_on": "2026-03-02", "kind": "治安", "cause": "寻衅滋事",
            "version": 1}
    check_role_matrix(client_as, f"/cases/{shop.pk}/edit/", {**anon, "county": 403, "clerk_b": 404,
                                                             "dept_edu": 404}, method="post", data=edit)
    check_role_matrix(client_as, f"/cases/{school.pk}/edit/", {"grid_a": 404, "dept_edu": 403}, method="post",
                      data={**edit, "subject": world.school_a.pk, "kind": "刑事"})
    shop.refresh_from_db()
    school.refresh_from_db()
    assert shop.cause == "殴打他人" and shop.version == 1 and school.version == 1
    assert client_as("grid_a").post(f"/cases/{shop.pk}/edit/", edit).status_code == 302
    shop.refresh_from_db()
    assert shop.cause == "寻衅滋事" and shop.version == 2

    solve = {"solved_on": "2026-03-10", "version": 2}
    check_role_matrix(client_as, f"/cases/{shop.pk}/do/solve/", {**anon, "county": 403, "clerk_b": 404,
                                                                 "dept_edu": 404}, method="post", data=solve)
    check_role_matrix(client_as, f"/cases/{school.pk}/do/solve/", {"grid_a": 404, "dept_edu": 403},
                      method="post", data={**solve, "version": 1})
    shop.refresh_from_db()
    school.refresh_from_db()
    assert shop.status == "侦办中" and shop.version == 2 and school.status == "侦办中"
    check_role_matrix(client_as, f"/cases/{shop.pk}/do/solve/", {**anon, "clerk_a": 200, "grid_a": 200,
                                                                 "county": 403, "dept_edu": 404})  # GET: the form
    assert client_as("grid_a").post(f"/cases/{shop.pk}/do/solve/", solve).status_code == 302
    shop.refresh_from_db()
    assert shop.status == "已破案" and shop.solved_on == datetime.date(2026, 3, 10)


def test_read_only_users_see_no_buttons(world, client_as):
    c = case(world, subject=world.school_a)
    for role in ("county", "dept_edu"):
        response = client_as(role).get(f"/cases/{c.pk}/")
        assert response.context["transitions"] == [] and not response.context["can_change"]
    response = client_as("clerk_a").get(f"/cases/{c.pk}/")
    assert [t.name for t in response.context["transitions"]] == ["solve", "close"]
    rows = dict(response.context["rows"])
    assert rows["是否有重大影响"] == "否" and rows["影响零案件"] == "否" and rows["案由"] == "殴打他人"


def test_case_form_rejects_bad_input(world, client_as):
    existing = case(world, case_no="青公刑〔2026〕0001号")
    client = client_as("clerk_a")
    base = {"subject": world.shop_a.pk, "occurred_on": "2026-03-02", "kind": "治安", "cause": "赌博",
            "summary": "x", "unit": "甲镇派出所"}
    for bad, field in [({"occurred_on": "2026-03-17"}, "occurred_on"), ({"occurred_on": "abc"}, "occurred_on"),
                       ({"kind": "民事"}, "kind"), ({"kind": ""}, "kind"), ({"summary": "长" * 2001}, "summary"),
                       ({"cause": "长" * 101}, "cause"), ({"case_no": " 青公刑〔2026〕0001号 "}, "case_no"),
                       ({"subject": world.shop_b.pk}, "subject")]:
        response = client.post("/cases/new/", {**base, **bad})
        assert response.status_code == 400, bad
        errors = response.context["form"].errors
        assert field in errors, bad
        assert all(CJK.search(e) for e in errors[field]), errors[field]
    assert list(PoliceCase.objects.all()) == [existing]
    assert "该案件编号已被登记" in client.post("/cases/new/", {**base, "case_no": "青公刑〔2026〕0001号"}).content.decode()
    assert "发案日期不能晚于今天" in client.post("/cases/new/", {**base, "occurred_on": "2026-03-17"}).content.decode()
    # Several cases may leave 案件编号 empty.
    for _ in range(2):
        assert client.post("/cases/new/", {**base, "case_no": " "}).status_code == 302
    assert PoliceCase.objects.filter(case_no__isnull=True).count() == 2
    assert PoliceCase.objects.latest("pk").created_by == world.users["clerk_a"]


def test_a_stale_step_is_refused_on_the_page_and_by_the_service(world, client_as):
    """A stale edit is TestCaseViews' (test_views.py); a step taken on a stale version is refused too."""
    c = case(world)
    services.police_case_update(actor=world.users["grid_a"], obj=c, data={"cause": "赌博"}, expected_version=1)
    client = client_as("clerk_a")
    response = client.post(f"/cases/{c.pk}/do/close/", {"closed_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert "其他用户修改" in " ".join(response.context["form"].non_field_errors())
    with pytest.raises(ConflictError):
        services.police_case_transition(actor=world.users["clerk_a"], obj=c, name="close",
                                        data={"closed_on": TODAY}, expected_version=1)
    c.refresh_from_db()
    assert c.cause == "赌博" and c.status == "侦办中" and c.version == 2


# --- the list page -------------------------------------------------------------------------------

def test_list_filters(world, client_as):
    minor = case(world)
    major = case(world, major_influence=True, occurred_on=datetime.date(2026, 2, 10))
    criminal = case(world, subject=world.school_a, kind="刑事", occurred_on=datetime.date(2026, 1, 5))
    other = case(world, user="clerk_b", subject=world.shop_b, kind="刑事")
    run(world, criminal, "solve", solved_on=datetime.date(2026, 1, 9))
    client = client_as("county")

    def listed(query):
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200, query
        return {row.record.pk for row in response.context["table"].rows}

    assert listed("") == {minor.pk, major.pk, criminal.pk, other.pk}
    assert listed("kind=刑事") == {criminal.pk, other.pk}
    assert listed("major=yes") == {major.pk}
    assert listed("major=no") == {minor.pk, criminal.pk, other.pk}
    assert listed("breaks_zero=yes") == {major.pk, criminal.pk, other.pk}
    assert listed("breaks_zero=no") == {minor.pk}
    assert listed("status=已破案") == {criminal.pk}
    assert listed("region=990121100000") == {minor.pk, major.pk, criminal.pk}
    assert listed("region=990121100200") == {minor.pk, major.pk}
    assert listed("q=学校") == {criminal.pk}
    assert listed("date_from=2026-02-01&date_to=2026-02-28") == {major.pk}
    assert listed(f"subject={world.shop_a.pk}") == {minor.pk, major.pk}
    response = client.get("/cases/")
    assert "deadline" not in response.context["filter"].form.fields
    html = response.content.decode()
    assert "影响零案件" in html and "重大影响" in html and "测试县公安局甲镇派出所" in html


def test_a_clerks_list_and_its_filters_cost_the_same_queries_for_3_and_30_cases(world, client_as):
    """The county's list is TestCaseViews' (test_views.py); a clerk's scope and the filters cost no more."""
    client = client_as("clerk_a")
    subjects = [world.shop_a, world.school_a]

    def add(rows):
        for i in rows:
            case(world, subject=subjects[i % 2], kind="刑事" if i % 3 == 0 else "治安", major_influence=i % 4 == 0)

    flat = assert_flat_queries(lambda: queries_of(client, "/cases/"), add=add, expected=LIST_QUERIES)
    assert [len(r.context["table"].page.object_list) for r in flat.responses] == [3, 25]
    response, sqls = queries_of(client, "/cases/?per_page=50&breaks_zero=yes&kind=治安")
    assert 0 < len(response.context["table"].page.object_list) < 30
    assert len(sqls) == LIST_QUERIES, "\n".join(sqls)


def test_the_subject_page_shows_the_case_section(world, client_as):
    case(world)
    case(world, kind="刑事")
    closed = run(world, case(world), "close", closed_on=datetime.date(2026, 3, 9))
    case(world, subject=world.school_a)
    response = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/")
    assert response.status_code == 200
    section = next(s for s in response.context["sections"] if s["title"] == "案件")
    assert section["count"] == 3 and section["open"] == 2 and section["overdue"] == 0
    assert closed in section["entries"]
    assert section["url"] == f"/cases/?subject={world.shop_a.pk}"
    assert f'href="/cases/new/?subject={world.shop_a.pk}"' in response.content.decode()


def test_the_nav_links_to_the_case_list(world, client_as):
    html = client_as("grid_a").get("/").content.decode()
    assert 'href="/cases/"' in html and "bi-shield-exclamation" in html


def test_the_demo_seeder_makes_a_plausible_year(world):
    subjects = [world.shop_a, world.school_a, world.shop_b, world.school_b]
    counts = demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=world.users, today=TODAY)
    cases = list(PoliceCase.objects.all())
    assert counts == {"案件": len(cases)} and len(cases) == 120
    criminal = [c for c in cases if c.kind == "刑事"]
    public = [c for c in cases if c.kind == "治安"]
    assert len(criminal) == 36 and len(public) == 84
    assert sum(c.major_influence for c in public) == 13
    assert not any(c.major_influence for c in criminal)
    assert {c.status for c in cases} == {"侦办中", "已破案", "已结案"}
    for c in cases:
        c.full_clean()
        assert c.occurred_on <= TODAY and (c.closed_on or c.occurred_on) <= TODAY
        assert c.unit.startswith("测试县公安局") and (c.unit.endswith("派出所") or c.unit.endswith("大队"))
        assert c.status != "已结案" or c.kind == "治安" or c.solved_on is not None
    assert len({c.case_no for c in cases}) == 120
    assert PoliceCase.history.count() == 120
