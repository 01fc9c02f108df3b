"""重点场所: the next inspection is due a period after the last; overdue ones are supervised (督办);
retiring a place ends its deadline. The shape is the ledgers': it needed no change to the framework."""

import datetime

import pytest
import time_machine

from ledger.supervision import SUPERVISED, supervision_items
from places import services
from places.models import KeyPlace, PlaceInspection
from sanzero.services import ServiceError

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def place(world, **extra):
    data = {
        "subject": world.shop_a,
        "registered_on": D(2026, 1, 10),
        "name": "欢乐KTV",
        "category": "娱乐场所",
        "risk_level": "高",
        "inspect_every_days": 7,
        **extra,
    }
    return services.key_place_create(actor=world.users["clerk_a"], data=data)


def test_the_next_inspection_is_due_a_period_after_the_last_and_an_overdue_one_is_supervised(world):
    p = place(world)
    assert p.due_on == D(2026, 1, 17) and p.colour(D(2026, 3, 16)) == "red"
    assert KeyPlace in SUPERVISED
    items = supervision_items(user=world.users["clerk_a"], today=D(2026, 3, 16))
    assert [(i.entry, i.days_overdue) for i in items if isinstance(i.entry, KeyPlace)] == [(p, 58)]

    services.key_place_transition(
        actor=world.users["grid_a"],
        obj=p,
        name="inspect",
        data={"inspected_on": D(2026, 3, 12), "finding": "消防器材齐全"},
    )
    p.refresh_from_db()
    assert (p.last_inspected_on, p.due_on, p.status) == (D(2026, 3, 12), D(2026, 3, 19), "在管")
    inspection = PlaceInspection.objects.get()
    assert (inspection.by, inspection.finding) == (world.users["grid_a"], "消防器材齐全")
    assert not [
        i
        for i in supervision_items(user=world.users["clerk_a"], today=D(2026, 3, 16))
        if isinstance(i.entry, KeyPlace) and i.colour == "red"
    ]


def test_an_inspection_needs_a_date_in_range_and_a_finding(world):
    p = place(world)
    for data, message in [
        ({"inspected_on": D(2026, 1, 1), "finding": "x"}, "检查日期应在登记日期与今天之间"),
        ({"inspected_on": D(2026, 3, 1), "finding": " "}, "请填写检查情况"),
    ]:
        with pytest.raises(ServiceError, match=message):
            services.key_place_transition(actor=world.users["clerk_a"], obj=p, name="inspect", data=data)
    assert not PlaceInspection.objects.exists()


def test_retiring_a_place_ends_its_deadline_and_is_audited(world, client_as):
    p = place(world)
    response = client_as("clerk_a").post(
        f"/places/{p.pk}/do/retire/", {"retired_on": "2026-03-10", "note": "场所已停业", "version": p.version}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.retired_on, p.retire_reason, p.due_on) == ("已撤管", D(2026, 3, 10), "场所已停业", None)
    assert p.history.first().history_change_reason == "撤管：在管 → 已撤管（场所已停业）"
    page = client_as("clerk_a").get(f"/places/{p.pk}/").content.decode()
    assert "已撤管" in page and "登记检查" not in page.split("办理过程")[0]


def test_the_detail_page_shows_the_inspection_log_and_the_subject_page_its_section(world, client_as):
    p = place(world)
    services.key_place_transition(
        actor=world.users["clerk_a"],
        obj=p,
        name="inspect",
        data={"inspected_on": D(2026, 3, 12), "finding": "发现安全出口堵塞", "problems_found": True},
    )
    page = client_as("clerk_a").get(f"/places/{p.pk}/").content.decode()
    assert "检查（2026-03-12）：发现问题" in page and "发现安全出口堵塞" in page
    subject_page = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/").content.decode()
    assert "重点场所" in subject_page and "/places/new/?subject=" in subject_page


def test_the_nav_the_import_kinds_and_the_demo_know_the_new_ledger(world, client_as):
    import random

    from places import demo
    from sanzero.importing.base import kind_names
    from units.models import Subject

    assert "places" in kind_names()
    assert "/places/" in client_as("clerk_a").get("/").content.decode()
    counts = demo.seed(
        rng=random.Random(1), subjects=list(Subject.objects.all()), year=2026, users=world.users, today=D(2026, 3, 16)
    )
    assert counts["重点场所"] == KeyPlace.objects.count() == 150
    assert KeyPlace.objects.filter(due_on__lt=D(2026, 3, 16)).exists()


@pytest.mark.parametrize(("risk", "days"), [("高", 7), ("中", 30), ("低", 90)])
def test_a_blank_inspection_period_follows_the_risk_level_on_the_form_and_in_the_sheet(world, client_as, risk, days):
    from ledger.testing import xlsx_of
    from sanzero.importing.engine import import_file

    response = client_as("clerk_a").post(
        "/places/new/",
        {
            "subject": world.shop_a.pk,
            "registered_on": "2026-03-01",
            "name": "欢乐KTV",
            "category": "娱乐场所",
            "risk_level": risk,
            "inspect_every_days": "",
        },
    )
    assert response.status_code == 302
    assert KeyPlace.objects.get(name="欢乐KTV").inspect_every_days == days
    header = ["所属区划代码", "主体名称", "登记日期", "场所名称", "场所类别", "风险等级", "检查周期(天)"]
    row = ["990121100200", "甲一村超市", "2026-03-02", "快递驿站", "寄递物流", risk, None]
    result = import_file(actor=world.users["clerk_a"], kind="places", file=xlsx_of([header, row]), dry_run=False)
    assert result.ok, result.errors
    imported = KeyPlace.objects.get(name="快递驿站")
    assert (imported.inspect_every_days, imported.due_on) == (days, D(2026, 3, 2) + datetime.timedelta(days=days))
    # re-importing with the period blank keeps it (and changes nothing)
    again = import_file(actor=world.users["clerk_a"], kind="places", file=xlsx_of([header, row]), dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1), again.errors


def test_overdue_inspections_have_their_card_on_the_work_queue(world, client_as):
    p = place(world)  # due 01-17: 58 days overdue
    home = client_as("grid_a").get("/").content.decode()
    card = home.split('data-task="place_inspections"', 1)[1].split('data-task="', 1)[0]
    assert "重点场所检查" in card and 'data-task-count="place_inspections">1<' in card
    assert str(p) in card and "检查：超期58天（期限 2026-01-17）" in card
    assert 'href="/places/?deadline=overdue"' in card
    assert 'data-task="place_inspections"' not in client_as("county").get("/").content.decode()  # read only
    services.key_place_transition(
        actor=world.users["clerk_a"], obj=p, name="inspect", data={"inspected_on": D(2026, 3, 15), "finding": "正常"}
    )
    home = client_as("grid_a").get("/").content.decode()
    assert 'data-task-count="place_inspections">0<' in home and "没有逾期或3天内到期的重点场所检查" in home


def test_the_place_page_has_the_inspection_log_card(world, client_as):
    p = place(world)
    page = client_as("clerk_a").get(f"/places/{p.pk}/").content.decode()
    assert "尚未检查，请在 2026-01-17 前登记首次检查" in page
    services.key_place_transition(
        actor=world.users["clerk_a"],
        obj=p,
        name="inspect",
        data={"inspected_on": D(2026, 3, 12), "finding": "灭火器过期", "problems_found": True},
    )
    card = client_as("clerk_a").get(f"/places/{p.pk}/").content.decode().split('id="inspections"', 1)[1]
    assert "2026-03-12" in card.split("办理过程")[0] and "灭火器过期" in card and "发现问题" in card
