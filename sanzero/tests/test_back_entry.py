"""Back-entry (issue 9.1): an entry is valid when its own date lies in its subject's active period
(joined_on ≤ date < left_on), not when the subject is active today (DESIGN §5)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from cases.models import PoliceCase
from disputes.models import Dispute
from disputes.services import dispute_create
from hazards.models import Accident, Hazard
from petitions.models import Petition
from sanzero.importing.engine import import_file
from sanzero.services import ServiceError
from sanzero.tests.helpers import DISPUTE_HEADERS, xlsx
from units.models import Subject

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


@pytest.fixture
def closed_shop(world):
    """甲一村超市 closed yesterday; it had been in the campaign since 2025-03-01."""
    shop = world.shop_a
    Subject.objects.filter(pk=shop.pk).update(joined_on=date(2025, 3, 1), left_on=date(2026, 12, 1))
    shop.refresh_from_db()
    return shop


def _dispute_post(subject, day: str, summary="拖欠货款") -> dict:
    return {
        "subject": subject.pk,
        "found_on": day,
        "category": "合同债务",
        "source": "自查",
        "risk_colour": "蓝",
        "people_count": 2,
        "parties": "",
        "summary": summary,
        "remarks": "",
        "version": "",
    }


@time_machine.travel(TODAY, tick=False)
def test_a_clerk_records_last_weeks_dispute_of_a_subject_that_closed_yesterday(world, client_as, closed_shop):
    client = client_as("clerk_a")
    form = client.get("/disputes/new/").content.decode()
    assert 'data-picker-url="/subjects/search/"' in form and "js/subject-period.js" in form
    # the form's subject picker offers it, with its period (for subject-period.js)
    offered = client.get("/subjects/search/?q=甲一村超市").json()["results"]
    assert [(o["id"], o["text"], o["joined"], o["left"]) for o in offered] == [
        (closed_shop.pk, "甲一村超市（甲一村） · 已于2026-12-01退出", "2025-03-01", "2026-12-01")
    ]

    response = client.post("/disputes/new/", _dispute_post(closed_shop, "2026-11-25"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dispute.objects.get(summary="拖欠货款").subject == closed_shop


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("day", ["2026-12-01", "2025-02-28"])
def test_an_entry_dated_outside_the_period_names_the_subjects_dates(world, client_as, closed_shop, day):
    response = client_as("clerk_a").post("/disputes/new/", _dispute_post(closed_shop, day))
    assert response.status_code == 400
    text = response.content.decode()
    assert f"登记日期{day}不在“甲一村超市”的创建期内（纳入日期2025-03-01，退出日期2026-12-01）" in text
    assert text.count("不在“甲一村超市”的创建期内") == 1
    # the re-shown choice keeps its period, for the form's script
    assert f'<option value="{closed_shop.pk}" selected data-joined="2025-03-01" data-left="2026-12-01">' in text
    assert not Dispute.objects.filter(summary="拖欠货款").exists()


@time_machine.travel(TODAY, tick=False)
def test_the_services_refuse_an_entry_outside_the_period_too(world, closed_shop):
    with pytest.raises(ServiceError, match="退出日期2026-12-01"):
        dispute_create(
            actor=world.users["clerk_a"],
            data={"subject": closed_shop, "found_on": date(2026, 12, 1), "category": "合同债务", "summary": "货款"},
        )
    assert not Dispute.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_moving_an_entry_out_of_its_subjects_period_is_refused_on_edit(world, client_as, closed_shop):
    dispute = dispute_create(
        actor=world.users["clerk_a"],
        data={"subject": closed_shop, "found_on": date(2026, 11, 20), "category": "合同债务", "summary": "货款"},
    )
    data = _dispute_post(closed_shop, "2026-12-01", summary="货款")
    data["version"] = dispute.version
    response = client_as("clerk_a").post(f"/disputes/{dispute.pk}/edit/", data)
    assert response.status_code == 400
    assert "不在“甲一村超市”的创建期内" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.found_on == date(2026, 11, 20)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    "url,post,model",
    [
        (
            "/hazards/new/",
            {"found_on": "2026-11-28", "category": "消防", "level": "一般", "description": "灭火器过期"},
            Hazard,
        ),
        (
            "/accidents/new/",
            {"occurred_on": "2026-11-28", "kind": "火灾", "deaths": 0, "injuries": 0, "direct_loss": "0"},
            Accident,
        ),
        (
            "/petitions/new/",
            {
                "received_on": "2026-11-28",
                "channel": "来访",
                "type": "申诉求决",
                "level_reached": "乡镇",
                "headcount": 1,
                "content": "反映拖欠货款",
            },
            Petition,
        ),
        ("/cases/new/", {"occurred_on": "2026-11-28", "kind": "治安", "cause": "盗窃"}, PoliceCase),
    ],
)
def test_every_ledger_accepts_back_entry_for_a_closed_subject(world, client_as, closed_shop, url, post, model):
    form = client_as("clerk_a").get(url).content.decode()
    assert 'data-picker-url="/subjects/search/"' in form
    assert "已于2026-12-01退出" in client_as("clerk_a").get("/subjects/search/?q=超市").json()["results"][0]["text"]
    response = client_as("clerk_a").post(url, {"subject": closed_shop.pk, "version": "", **post})
    assert response.status_code == 302, response.context["form"].errors
    assert model.objects.get(subject=closed_shop)
    date_field = model.DATE_FIELD
    bad = {**post, date_field: "2026-12-01"}
    response = client_as("clerk_a").post(url, {"subject": closed_shop.pk, "version": "", **bad})
    assert response.status_code == 400 and "不在“甲一村超市”的创建期内" in response.content.decode()


def _row(day, summary, name="甲一村超市", **extra):
    row = dict.fromkeys(DISPUTE_HEADERS)
    row.update(
        {
            "所属区划代码": "990121100200",
            "主体名称": name,
            "登记日期": day,
            "纠纷类别": "合同债务",
            "简要情况": summary,
            **extra,
        }
    )
    return [row[h] for h in DISPUTE_HEADERS]


@time_machine.travel(TODAY, tick=False)
def test_a_year_of_history_imports_for_a_subject_that_left_long_ago_and_reimports_unchanged(world):
    shop = world.shop_a
    Subject.objects.filter(pk=shop.pk).update(joined_on=None, left_on=date(2020, 8, 15))
    headers = [*DISPUTE_HEADERS, "协议内容"]
    rows = [
        headers,
        [*_row("2020-05-14", "拖欠货款"), None],
        [*_row(date(2020, 8, 14), "噪音扰民", 状态="已化解", 化解日期="2020-08-14"), "双方和解"],
    ]
    clerk = world.users["clerk_a"]
    result = import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False)
    assert result.ok, result.errors
    assert result.new == 2
    assert set(Dispute.objects.filter(subject=shop).values_list("found_on", flat=True)) == {
        date(2020, 5, 14),
        date(2020, 8, 14),
    }
    again = import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False)
    assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 2)


@time_machine.travel(TODAY, tick=False)
def test_an_imported_row_outside_the_period_is_a_row_error_naming_the_dates(world):
    Subject.objects.filter(pk=world.shop_a.pk).update(left_on=date(2020, 8, 15))
    rows = [DISPUTE_HEADERS, _row("2020-05-14", "拖欠货款"), _row("2020-09-01", "退出后的纠纷")]
    result = import_file(actor=world.users["clerk_a"], kind="disputes", file=xlsx(rows), dry_run=False)
    assert not result.ok
    assert [str(e) for e in result.row_errors] == [
        "第3行 登记日期: 登记日期2020-09-01不在“甲一村超市”的创建期内（退出日期2020-08-15），"
        "该日期的台账不能登记在此主体下，请核对日期或所选主体。"
    ]
    assert not Dispute.objects.exists()  # all rows or none


@time_machine.travel(TODAY, tick=False)
def test_a_closed_subject_and_its_same_named_successor_each_get_their_own_dates(world):
    """A name is unique among active subjects only: the row's date picks the subject of that day."""
    old = world.shop_a
    Subject.objects.filter(pk=old.pk).update(left_on=date(2026, 6, 1))
    successor = Subject.objects.create(
        name=old.name, category=old.category, region=old.region, department=old.department, joined_on=date(2026, 6, 1)
    )
    rows = [DISPUTE_HEADERS, _row("2026-05-20", "旧店纠纷"), _row("2026-06-02", "新店纠纷")]
    clerk = world.users["clerk_a"]
    assert import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False).ok
    assert Dispute.objects.get(summary="旧店纠纷").subject == old
    assert Dispute.objects.get(summary="新店纠纷").subject == successor
    again = import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
