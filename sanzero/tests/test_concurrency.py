"""Concurrent writers on PostgreSQL: two users (or one user's double click) hitting the same entry at the
same moment never produce a double transition, a lost update or a duplicate entry (DESIGN §8).

Each writer is a thread with its own database connection, released together by a barrier
(sanzero.testing.at_once); `widened` makes the step between reading the row and writing it sleep, so
that both writers are inside that window together on every run: without the row lock, the version
check or the submission token the test fails every time, not now and then.

Needs PostgreSQL (SQLite serialises every writer by locking the whole file, so it proves nothing):
skipped on a bare machine, a failure where SANZERO_REQUIRE_SERVICES names postgres.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import Client

import ledger.services
import ledger.workflow
import sanzero.services
from disputes import services as dispute_services
from disputes.models import Dispute, DisputeEscalation
from hazards import services as hazard_services
from hazards.models import Hazard
from sanzero.services import ServiceError
from sanzero.testing import at_once, need, widened

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOW = datetime.datetime(2026, 3, 16, 10, 0)
CONFLICT = "在您操作期间，该记录已被其他用户修改"
EDIT_CONFLICT = "保存失败：在您编辑期间，该记录已被其他用户修改"


@pytest.fixture(autouse=True)
def _postgres_and_a_fixed_clock():
    need("postgres", connection.vendor == "postgresql", "concurrent writers need PostgreSQL (DATABASE_URL)")
    with time_machine.travel(NOW, tick=False):
        yield


def logged_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def awaiting_acceptance(world) -> Hazard:
    h = hazard_services.hazard_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "消防",
            "level": "一般",
            "description": "灭火器过期",
        },
    )
    hazard_services.hazard_transition(
        actor=world.users["clerk_a"], obj=h, name="rectify", data={"rectified_on": datetime.date(2026, 3, 10)}
    )
    h.refresh_from_db()
    return h


def dispute(world) -> Dispute:
    return dispute_services.dispute_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "邻里纠纷",
            "summary": "邻居间因排水沟堵塞发生争执",
            "parties": "张三、李小四",
        },
    )


def history_reasons(obj) -> list[str]:
    return list(obj.history.order_by("history_id").values_list("history_change_reason", flat=True))


def refused_with(response, text: str) -> bool:
    return response.status_code == 400 and text in response.content.decode()


def one_won(outcomes) -> tuple:
    """The two responses, the winner's first: exactly one saved (302), the other was refused."""
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    responses = [o.value for o in outcomes]
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 400], codes
    return tuple(sorted(responses, key=lambda r: r.status_code))


# --- no double transition ------------------------------------------------------------------------


def test_two_users_accepting_a_hazard_at_once_accept_it_once(world, monkeypatch):
    h = awaiting_acceptance(world)
    url, form = f"/hazards/{h.pk}/do/accept/", {"accepted_on": "2026-03-16", "note": "", "version": h.version}
    grid, admin = logged_in(world, "grid_a"), logged_in(world, "admin")  # both had the form open
    with widened(monkeypatch, ledger.workflow, "transition_apply"):
        outcomes = at_once(lambda: grid.post(url, form), lambda: admin.post(url, form))
    won, refused = one_won(outcomes)
    assert refused_with(refused, CONFLICT)
    h.refresh_from_db()
    assert (h.status, h.version) == ("已销号", h.version)
    assert history_reasons(h).count("验收通过并销号：待验收 → 已销号") == 1


def test_a_double_click_on_accept_without_a_version_is_refused_by_the_status(world, monkeypatch):
    """The service called twice at once with no version (a task, a script): the locked row's status decides."""
    h = awaiting_acceptance(world)
    users = world.users["grid_a"], world.users["admin"]

    def accept(user):
        return lambda: hazard_services.hazard_transition(
            actor=user, obj=Hazard.objects.get(pk=h.pk), name="accept", data={"accepted_on": datetime.date(2026, 3, 16)}
        )

    with widened(monkeypatch, ledger.workflow, "transition_apply"):
        outcomes = at_once(accept(users[0]), accept(users[1]))
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], ServiceError)
    assert str(errors[0]) == "当前状态为“已销号”，不能执行“验收通过并销号”。"
    h.refresh_from_db()
    assert h.status == "已销号" and history_reasons(h).count("验收通过并销号：待验收 → 已销号") == 1


def test_resolving_a_dispute_twice_at_once_resolves_it_once(world, monkeypatch):
    d = dispute(world)
    url = f"/disputes/{d.pk}/do/resolve/"
    forms = [
        {"resolved_on": "2026-03-16", "agreement_type": "书面", "agreement": f"协议{n}", "version": d.version}
        for n in (1, 2)
    ]
    a, b = logged_in(world, "clerk_a"), logged_in(world, "grid_a")
    with widened(monkeypatch, ledger.workflow, "transition_apply"):
        outcomes = at_once(lambda: a.post(url, forms[0]), lambda: b.post(url, forms[1]))
    won, refused = one_won(outcomes)
    assert refused_with(refused, CONFLICT)
    d.refresh_from_db()
    assert d.status == "已化解" and d.agreement in {"协议1", "协议2"}
    assert sum(reason.startswith("登记化解") for reason in history_reasons(d)) == 1


def test_escalating_a_dispute_twice_at_once_escalates_it_one_level(world, monkeypatch):
    d = dispute(world)
    first_level = d.level
    url, form = f"/disputes/{d.pk}/do/escalate/", {"note": "本级期限已满", "version": d.version}
    a, b = logged_in(world, "clerk_a"), logged_in(world, "clerk_a")  # one clerk, two tabs
    with widened(monkeypatch, ledger.workflow, "transition_apply"):
        outcomes = at_once(lambda: a.post(url, form), lambda: b.post(url, form))
    won, refused = one_won(outcomes)
    assert refused_with(refused, CONFLICT)
    d.refresh_from_db()
    assert DisputeEscalation.objects.filter(dispute=d).count() == 1
    assert d.level == first_level.next_level()


def test_an_escalation_posted_without_its_version_is_refused(world):
    """The status stays 调解中 on an escalation, so only the version tells a second click from a new
    decision: a step posted without it is refused, nothing written."""
    d = dispute(world)
    response = logged_in(world, "clerk_a").post(f"/disputes/{d.pk}/do/escalate/", {"note": "本级期限已满"})
    assert refused_with(response, "缺少版本信息，请刷新页面后重新修改。")
    assert not DisputeEscalation.objects.filter(dispute=d).exists()


# --- no lost update ------------------------------------------------------------------------------


def test_two_edits_from_forms_loaded_at_the_same_version_the_second_is_refused(world, monkeypatch):
    d = dispute(world)
    url = f"/disputes/{d.pk}/edit/"
    base = {
        "subject": world.shop_a.pk,
        "found_on": "2026-03-02",
        "category": "邻里纠纷",
        "source": "网格排查",
        "risk_colour": "蓝",
        "people_count": 2,
        "parties": "张三、李小四",
        "remarks": "",
        "version": d.version,
    }
    a, b = logged_in(world, "clerk_a"), logged_in(world, "grid_a")
    with widened(monkeypatch, sanzero.services, "full_clean"):
        outcomes = at_once(
            lambda: a.post(url, {**base, "summary": "甲的修改"}), lambda: b.post(url, {**base, "summary": "乙的修改"})
        )
    won, refused = one_won(outcomes)
    assert refused_with(refused, EDIT_CONFLICT)
    d.refresh_from_db()
    assert d.summary in {"甲的修改", "乙的修改"} and d.version == 2
    assert history_reasons(d).count("修改矛盾纠纷") == 1


# --- a create form submitted twice ---------------------------------------------------------------


def hazard_form(world, token: str | None) -> dict:
    form = {
        "subject": world.shop_a.pk,
        "found_on": "2026-03-02",
        "category": "用电",
        "level": "一般",
        "description": "私拉电线",
        "rectify_due": "",
        "responsible_person": "",
        "measures": "",
        "plan_responsibility": "",
        "plan_measures": "",
        "plan_funds": "",
        "plan_deadline": "",
        "plan_contingency": "",
    }
    return form if token is None else {**form, "form_token": token}


def test_the_same_create_form_posted_twice_at_once_registers_one_entry(world, monkeypatch):
    token = logged_in(world, "clerk_a").get("/hazards/new/").context["form_token"]
    form = hazard_form(world, token)
    a, b = logged_in(world, "clerk_a"), logged_in(world, "clerk_a")
    with widened(monkeypatch, ledger.services, "full_clean"):
        outcomes = at_once(lambda: a.post("/hazards/new/", form), lambda: b.post("/hazards/new/", form))
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    h = Hazard.objects.get(description="私拉电线")  # exactly one
    assert [o.value.status_code for o in outcomes] == [302, 302]
    assert {o.value.headers["Location"] for o in outcomes} == {f"/hazards/{h.pk}/"}
    assert history_reasons(h) == ["登记安全隐患"]
    # posted again later (the back button, a reload): still the one entry, and the clerk is told so
    again = logged_in(world, "clerk_a").post("/hazards/new/", form, follow=True)
    assert Hazard.objects.filter(description="私拉电线").count() == 1
    assert "该表单已提交过" in again.content.decode()


def test_two_new_forms_register_two_entries(world):
    client = logged_in(world, "clerk_a")
    for _ in range(2):
        token = client.get("/hazards/new/").context["form_token"]
        assert client.post("/hazards/new/", hazard_form(world, token)).status_code == 302
    assert Hazard.objects.filter(description="私拉电线").count() == 2


def test_a_submission_token_is_the_users_own(world):
    """Another user's token (or a forged one) never hands back someone else's entry."""
    token = uuid.uuid4().hex
    assert logged_in(world, "clerk_a").post("/hazards/new/", hazard_form(world, token)).status_code == 302
    response = logged_in(world, "grid_a").post("/hazards/new/", hazard_form(world, token))
    assert refused_with(response, "表单已失效，请刷新页面后重新填写。")
    assert Hazard.objects.filter(description="私拉电线").count() == 1
