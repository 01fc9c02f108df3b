"""Entry speed (issue 10 point 2): the date starts at today (Asia/Shanghai), 保存并继续登记 keeps the
subject, ?subject= preselects only a subject the user may record for, and the subject page offers a
登记 button per ledger the role may add."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from disputes.models import Dispute
from disputes.tests.helpers import form_data
from sanzero.audit import audit_trail
from units import services as unit_services

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 00:30 on 16 March in Shanghai is still 15 March in UTC: the form must say the 16th
JUST_AFTER_MIDNIGHT = datetime.datetime(2026, 3, 16, 0, 30, tzinfo=SHANGHAI)
CREATE_FORMS = {
    "/disputes/new/": "found_on",
    "/hazards/new/": "found_on",
    "/accidents/new/": "occurred_on",
    "/petitions/new/": "received_on",
    "/cases/new/": "occurred_on",
    "/places/new/": "registered_on",
}
LABELS = ["登记矛盾纠纷", "登记安全隐患", "登记事故", "登记信访", "登记案件", "登记重点场所"]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(JUST_AFTER_MIDNIGHT, tick=False):
        yield


def selected_subject(response) -> str | None:
    """The subject option the page shows selected (None: the empty choice)."""
    match = re.search(r'<option value="(\d+)"[^>]*selected', response.content.decode())
    return match.group(1) if match else None


@pytest.mark.parametrize(("url", "field"), CREATE_FORMS.items())
def test_every_create_form_starts_at_today_in_shanghai(world, client_as, url, field):
    response = client_as("clerk_a").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    box = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
    assert 'value="2026-03-16"' in box


def test_an_edit_keeps_its_own_date(world, client_as):
    from disputes.tests.helpers import dispute

    entry = dispute(world, found_on=datetime.date(2026, 3, 2))
    html = client_as("clerk_a").get(f"/disputes/{entry.pk}/edit/").content.decode()
    box = re.search(r'<input[^>]*name="found_on"[^>]*>', html).group(0)
    assert 'value="2026-03-02"' in box


def test_the_first_box_to_fill_has_the_focus(world, client_as):
    client = client_as("clerk_a")
    blank = client.get("/disputes/new/").content.decode()
    assert re.search(r'<select[^>]*name="subject"[^>]*autofocus', blank)
    # subject preselected and the date today: the cursor starts at 纠纷类别
    chosen = client.get(f"/disputes/new/?subject={world.shop_a.pk}").content.decode()
    assert re.search(r'<select[^>]*name="category"[^>]*autofocus', chosen)
    assert not re.search(r'<select[^>]*name="subject"[^>]*autofocus', chosen)
    assert chosen.count("autofocus") == 1
    # the form is wired for keyboard entry (focus the first error; Ctrl+Enter in a textarea saves)
    assert "data-entry-form" in chosen and "js/entry-form.js" in chosen


def test_subject_in_scope_is_preselected(world, client_as):
    response = client_as("clerk_a").get(f"/hazards/new/?subject={world.shop_a.pk}")
    assert response.status_code == 200
    assert selected_subject(response) == str(world.shop_a.pk)


@pytest.mark.parametrize("raw", ["other-township", "²", "-1", "0", "abc", "1e3", "9" * 25, " ", "1;DROP TABLE"])
def test_a_forged_subject_is_never_preselected(world, client_as, raw):
    """Township B's subject, or any id that is not one, leaves the choice empty: no 500, no leak."""
    value = str(world.shop_b.pk) if raw == "other-township" else raw
    response = client_as("clerk_a").get("/disputes/new/", {"subject": value})
    assert response.status_code == 200
    assert selected_subject(response) is None
    assert "乙一村商店" not in response.content.decode()


def test_a_subject_that_left_is_not_preselected(world, client_as):
    unit_services.subject_deregister(
        actor=world.users["clerk_a"], subject=world.shop_a, left_on=datetime.date(2026, 3, 10), reason="关停"
    )
    response = client_as("clerk_a").get(f"/disputes/new/?subject={world.shop_a.pk}")
    assert selected_subject(response) is None


def test_save_and_continue_returns_to_an_empty_form_for_the_same_subject(world, client_as):
    client = client_as("clerk_a")
    response = client.post("/disputes/new/", {**form_data(world, summary="第一条：排水沟纠纷"), "continue": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/new/?subject={world.shop_a.pk}"
    saved = Dispute.objects.get()
    assert saved.summary == "第一条：排水沟纠纷"
    assert audit_trail(saved)  # written through the service: the audit log has it

    page = client.get(response["Location"])
    html = page.content.decode()
    assert selected_subject(page) == str(world.shop_a.pk)
    assert "第一条：排水沟纠纷" not in html  # the other boxes are empty again
    assert 'value="2026-03-16"' in re.search(r'<input[^>]*name="found_on"[^>]*>', html).group(0)
    assert f"已登记矛盾纠纷：{saved}。可继续为“甲一村超市”登记下一条。" in html

    # the second entry of the run, saved with plain 保存, lands on its own page
    second = client.post("/disputes/new/", form_data(world, summary="第二条"))
    assert second["Location"] == Dispute.objects.get(summary="第二条").get_absolute_url()


def test_save_and_continue_with_an_error_stays_on_the_form(world, client_as):
    response = client_as("clerk_a").post("/disputes/new/", {**form_data(world, summary=""), "continue": "1"})
    assert response.status_code == 400
    assert "简要情况为必填项" in response.content.decode()
    assert not Dispute.objects.exists()


def test_an_edit_has_no_continue_button_and_ignores_one(world, client_as):
    from disputes.tests.helpers import dispute

    entry = dispute(world)
    client = client_as("clerk_a")
    assert "保存并继续登记" not in client.get(f"/disputes/{entry.pk}/edit/").content.decode()
    assert "保存并继续登记" in client.get("/disputes/new/").content.decode()
    data = {**form_data(world, summary="改过的"), "version": entry.version, "continue": "1"}
    response = client.post(f"/disputes/{entry.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()


@pytest.mark.parametrize(
    ("role", "subject", "offered"),
    [
        ("clerk_a", "shop_a", LABELS),
        ("grid_a", "shop_a", LABELS),
        ("admin", "shop_b", LABELS),
        ("county", "shop_a", []),
        ("dept_edu", "school_a", []),
    ],
)
def test_the_subject_page_offers_the_ledgers_the_role_may_record(world, client_as, role, subject, offered):
    target = getattr(world, subject)
    html = client_as(role).get(f"/subjects/{target.pk}/").content.decode()
    for label in LABELS:
        assert (label in html) == (label in offered), label
    if offered:
        assert f'href="/disputes/new/?subject={target.pk}"' in html
        assert f'href="/accidents/new/?subject={target.pk}"' in html


def test_a_subject_that_left_offers_no_new_entries(world, client_as):
    unit_services.subject_deregister(
        actor=world.users["clerk_a"], subject=world.shop_a, left_on=datetime.date(2026, 3, 10), reason="关停"
    )
    html = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/").content.decode()
    assert not any(label in html for label in LABELS)
    assert "已退出创建，不能再登记新的台账" in html


def test_the_subject_page_button_opens_the_form_with_the_subject(world, client_as):
    client = client_as("grid_a")
    html = client.get(f"/subjects/{world.shop_a.pk}/").content.decode()
    url = re.search(r'href="(/petitions/new/\?subject=\d+)"', html).group(1)
    assert selected_subject(client.get(url)) == str(world.shop_a.pk)
