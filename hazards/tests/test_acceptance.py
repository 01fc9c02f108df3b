"""Acceptance (验收) is offered to the right people: not the rectifier, and the 待我验收 queue."""

import datetime
import re

import pytest

from hazards import services
from hazards.models import Hazard
from hazards.workflow import HAZARD_WORKFLOW, RECTIFIER_MAY_NOT_ACCEPT
from sanzero.services import ServiceError
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
QUEUE = "/hazards/acceptance/"
EMPTY = "暂无待您验收的隐患"


def rectified(world, *, by="clerk_a", subject=None, on=datetime.date(2026, 3, 10)):
    """A hazard in 待验收 whose rectification `by` recorded on `on`."""
    h = services.hazard_create(
        actor=world.users[by],
        data={
            "subject": subject or world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "消防",
            "level": "一般",
            "description": "灭火器过期",
        },
    )
    services.hazard_transition(actor=world.users[by], obj=h, name="rectify", data={"rectified_on": on})
    h.refresh_from_db()
    return h


def action_links(html: str, pk: int) -> set[str]:
    return set(re.findall(rf'href="/hazards/{pk}/do/(\w+)/"', html))


# --- the detail page offers 验收 only to those who may accept --------------------------------------


def test_the_rectifier_is_not_offered_acceptance_and_is_told_why_once(world, client_as):
    h = rectified(world)
    response = client_as("clerk_a").get(f"/hazards/{h.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert action_links(html, h.pk) == set()
    assert html.count(RECTIFIER_MAY_NOT_ACCEPT) == 1  # accept and reject share the reason: said once
    assert response.context["transitions"] == []


@pytest.mark.parametrize(
    "username, subject",
    [
        ("clerk_a2", "shop_a"),  # another clerk of the township
        ("grid_a", "shop_a"),  # the grid worker of the village
        ("admin", "shop_a"),
        ("dept_edu", "school_a"),  # the supervising department of a school (reads, does not edit, may accept)
    ],
)
def test_another_permitted_user_is_offered_acceptance(world, client_as, clerk_a2, username, subject):
    h = rectified(world, subject=getattr(world, subject))
    html = client_as(username).get(f"/hazards/{h.pk}/").content.decode()
    assert action_links(html, h.pk) == {"accept", "reject"}
    assert RECTIFIER_MAY_NOT_ACCEPT not in html


def test_a_role_outside_the_acceptance_roles_is_not_offered_acceptance(world, client_as):
    h = rectified(world)
    html = client_as("county").get(f"/hazards/{h.pk}/").content.decode()
    assert action_links(html, h.pk) == set()
    assert RECTIFIER_MAY_NOT_ACCEPT not in html  # not the rectifier: the role decides, nothing to explain


def test_out_of_scope_users_get_404_for_the_hazard_and_its_acceptance(world, client_as):
    h = rectified(world)  # 甲一村超市 (市场监督管理局), in 甲一村 of 甲镇
    school = rectified(world, subject=world.school_a)  # 甲镇中心学校, in 甲镇 itself: not the grid's village
    for username, obj in [("clerk_b", h), ("dept_edu", h), ("grid_a", school)]:
        client = client_as(username)
        assert client.get(f"/hazards/{obj.pk}/").status_code == 404, username
        assert client.get(f"/hazards/{obj.pk}/do/accept/").status_code == 404, username
        response = client.post(f"/hazards/{obj.pk}/do/accept/", {"accepted_on": "2026-03-12", "version": obj.version})
        assert response.status_code == 404, username
    for obj in (h, school):
        obj.refresh_from_db()
        assert obj.status == "待验收" and obj.accepted_by is None


# --- the guard refuses the rectifier, whatever the way in ------------------------------------------


@pytest.mark.parametrize("name, data", [("accept", {"accepted_on": "2026-03-12"}), ("reject", {"note": "不合格"})])
def test_a_direct_post_by_the_rectifier_is_refused_once_and_changes_nothing(world, client_as, name, data):
    h = rectified(world)
    versions = h.history.count()
    response = client_as("clerk_a").post(f"/hazards/{h.pk}/do/{name}/", {**data, "version": h.version})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count(RECTIFIER_MAY_NOT_ACCEPT) == 1
    assert list(response.context["form"].non_field_errors()) == [RECTIFIER_MAY_NOT_ACCEPT]
    before = h.version
    h.refresh_from_db()
    assert (h.status, h.version, h.accepted_by, h.rectified_by) == ("待验收", before, None, world.users["clerk_a"])
    assert h.history.count() == versions


def test_the_rectifier_opening_the_accept_form_is_refused_with_the_reason(world, client_as):
    h = rectified(world)
    response = client_as("clerk_a").get(f"/hazards/{h.pk}/do/accept/")
    assert response.status_code == 403
    assert response.content.decode().count(RECTIFIER_MAY_NOT_ACCEPT) == 1


def test_the_guard_reads_the_locked_row_not_the_callers_copy(world):
    h = rectified(world)
    stale = Hazard.objects.get(pk=h.pk)
    stale.rectified_by = None  # the caller's copy says nobody rectified it; the row says clerk_a did
    with pytest.raises(ServiceError, match=RECTIFIER_MAY_NOT_ACCEPT):
        services.hazard_transition(
            actor=world.users["clerk_a"], obj=stale, name="accept", data={"accepted_on": datetime.date(2026, 3, 12)}
        )
    h.refresh_from_db()
    assert h.status == "待验收" and h.accepted_by is None


def test_another_user_accepts_and_the_hazard_is_closed(world, client_as, clerk_a2):
    h = rectified(world)
    response = client_as("clerk_a2").post(
        f"/hazards/{h.pk}/do/accept/", {"accepted_on": "2026-03-12", "version": h.version}
    )
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.status == "已销号" and h.accepted_by == clerk_a2


# --- 待我验收 -------------------------------------------------------------------------------------


@pytest.fixture
def queue_world(world, clerk_a2):
    """Four hazards awaiting acceptance and one still being rectified, rectified on different days."""
    return {
        "shop_by_clerk": rectified(world, by="clerk_a", on=datetime.date(2026, 3, 12)),
        "school_by_clerk": rectified(world, by="clerk_a", subject=world.school_a, on=datetime.date(2026, 3, 5)),
        "shop_by_grid": rectified(world, by="grid_a", on=datetime.date(2026, 3, 8)),
        "school_b_by_clerk_b": rectified(world, by="clerk_b", subject=world.school_b, on=datetime.date(2026, 3, 3)),
        "open": services.hazard_create(
            actor=world.users["clerk_a"],
            data={
                "subject": world.shop_a,
                "found_on": datetime.date(2026, 3, 2),
                "category": "用电",
                "level": "一般",
                "description": "私拉电线",
            },
        ),
    }


@pytest.mark.parametrize(
    "username, expected",
    [
        ("admin", ["school_b_by_clerk_b", "school_by_clerk", "shop_by_grid", "shop_by_clerk"]),
        ("clerk_a", ["shop_by_grid"]),  # not the two clerk_a rectified
        ("clerk_a2", ["school_by_clerk", "shop_by_grid", "shop_by_clerk"]),  # oldest rectification first
        ("grid_a", ["shop_by_clerk"]),  # the school is outside the grid's village; its own rectification left out
        ("clerk_b", []),  # township B's only one is its own
        ("dept_edu", ["school_b_by_clerk_b", "school_by_clerk"]),  # the schools it supervises, in every township
    ],
)
def test_the_queue_lists_what_this_user_may_accept_oldest_first(client_as, queue_world, username, expected):
    response = client_as(username).get(QUEUE)
    assert response.status_code == 200
    assert [h.pk for h in response.context["page"]] == [queue_world[k].pk for k in expected]
    html = response.content.decode()
    for key in expected:
        pk = queue_world[key].pk
        assert f'href="/hazards/{pk}/"' in html and f'href="/hazards/{pk}/do/accept/"' in html
    assert (EMPTY in html) == (not expected)


@pytest.mark.parametrize("username", ["admin", "clerk_a", "clerk_a2", "grid_a", "clerk_b", "dept_edu", "county"])
def test_the_queue_and_the_accept_button_agree(world, queue_world, username):
    """The queue's query and the accept step's guard say the same thing about every hazard in scope."""
    from hazards.selectors import acceptance_queue

    user = world.users[username]
    queued = set(acceptance_queue(user).values_list("pk", flat=True))
    for h in Hazard.objects.for_user(user).filter(status="待验收"):
        offered = "accept" in [t.name for t in HAZARD_WORKFLOW.available(h, user)]
        assert offered == (h.pk in queued), (username, h)


def test_the_queue_says_when_it_is_empty(world, client_as):
    response = client_as("clerk_a").get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count(EMPTY) == 1


def test_the_queue_role_matrix(world, client_as):
    check_role_matrix(
        client_as,
        QUEUE,
        {"anonymous": 302, "admin": 200, "county": 403, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 200},
    )


def test_the_queue_paginates_and_runs_a_fixed_number_of_queries(world, client_as, clerk_a2, settings):
    client = client_as("clerk_a2")

    def add(rows):
        for i in rows:
            rectified(world, subject=world.shop_a if i % 2 else world.school_a, on=datetime.date(2026, 3, 3 + i % 10))

    flat = assert_flat_queries(lambda: queries_of(client, QUEUE), add=add)
    response = flat.responses[-1]
    assert len(response.context["page"]) == settings.PAGE_SIZE
    assert response.context["page"].paginator.count == 30
    assert "第 1 / 2 页" in response.content.decode()
    response, sqls = queries_of(client, f"{QUEUE}?page=2")
    assert len(response.context["page"]) == 30 - settings.PAGE_SIZE and len(sqls) == flat.count
    rectified_on = [h.rectified_on for h in response.context["page"]]
    assert rectified_on == sorted(rectified_on)


# --- the count, as a badge ------------------------------------------------------------------------


def badge(html: str, marker: str) -> int | None:
    found = re.search(rf"<span[^>]*{marker}[^>]*>(\d+)</span>", html)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize(
    "username, expected", [("clerk_a2", 3), ("clerk_a", 1), ("clerk_b", 0), ("dept_edu", 2), ("county", None)]
)
def test_the_hazard_list_and_the_home_page_show_the_count(client_as, queue_world, username, expected):
    client = client_as(username)
    assert badge(client.get("/hazards/").content.decode(), "data-acceptance-count") == expected
    home = client.get("/").content.decode()
    assert badge(home, 'data-task-count="acceptance"') == expected  # the 待我验收 card of the work queue
    assert ('href="/hazards/acceptance/"' in home) == (expected is not None)


def test_the_nav_links_to_the_queue_for_those_who_may_accept(world, client_as):
    html = client_as("clerk_a").get(QUEUE).content.decode()
    active = re.findall(r'class="dropdown-item active" href="([^"]+)"', html)
    assert active == [QUEUE]  # 待我验收, not also 安全隐患 (/hazards/ is a prefix of it)
    assert 'href="/hazards/acceptance/"' not in client_as("county").get("/hazards/").content.decode()
