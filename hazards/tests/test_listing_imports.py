"""The 挂牌督办 sheet: the hazard named by its subject, 发现日期 and 描述; statuses through the listing's own
steps and their roles; the hazard follows; every bad row as 第N行 列名: 原因, nothing written."""

import datetime

import pytest

from hazards.models import Hazard, HazardListing, ListingReview
from ledger.testing import xlsx_of
from sanzero.importing.engine import import_file

from .helpers import hazard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
D = datetime.date
HEAD = [
    "所属区划代码",
    "主体名称",
    "隐患发现日期",
    "隐患描述",
    "挂牌层级",
    "督办通知书文号",
    "挂牌日期",
    "整改时限",
    "责任单位",
    "整改责任人",
    "整改措施",
    "整改资金(万元)",
    "计划完成日期",
    "应急预案",
    "整改完成日期",
    "初审日期",
    "验收日期",
    "摘牌日期",
]
PLAN = ["甲一村超市", "王经理", "更换灭火器", 2, "2026-03-10", "停业整改"]


def row(number, description="灭火器过期", *, listed="2026-03-03", plan=PLAN, dates=(None, None, None, None)):
    return [
        "990121100200",
        "甲一村超市",
        "2026-03-02",
        description,
        "县安委会",
        number,
        listed,
        "2026-03-12",
        *plan,
        *dates,
    ]


def test_the_administrator_imports_a_finished_listing_and_the_hazard_is_closed_with_it(world):
    h = hazard(world, level="重大")
    data = xlsx_of([HEAD, row("测安委〔2026〕1号", dates=("2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11"))])
    result = import_file(actor=world.users["admin"], kind="listings", file=data, dry_run=False)
    assert result.ok and result.new == 1, result.errors
    listing = HazardListing.objects.get()
    h.refresh_from_db()
    assert (listing.status, listing.hazard, listing.delisted_on) == ("已摘牌", h, D(2026, 3, 11))
    assert (h.status, h.rectified_on, h.accepted_on) == ("已销号", D(2026, 3, 8), D(2026, 3, 10))
    assert [(r.stage, r.passed) for r in ListingReview.objects.order_by("pk")] == [("初审", True), ("验收", True)]
    again = import_file(actor=world.users["admin"], kind="listings", file=data, dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1), again.errors


def test_county_staff_import_listings_in_force_and_are_told_why_not_a_finished_one(world):
    hazard(world, level="重大")
    hazard(world, level="重大", description="安全出口堵塞")
    data = xlsx_of(
        [
            HEAD,
            row("测安委〔2026〕1号"),
            row("测安委〔2026〕2号", "安全出口堵塞", dates=("2026-03-08", None, None, None)),
        ]
    )
    result = import_file(actor=world.users["county"], kind="listings", file=data, dry_run=False)
    assert not result.ok and not HazardListing.objects.exists()
    assert [str(e) for e in result.errors] == ["第3行 整改完成日期: 您的角色不能执行“登记整改完成”"]


def test_bad_rows_name_their_column(world):
    hazard(world, level="重大")
    hazard(world, description="一般隐患")
    data = xlsx_of(
        [
            HEAD,
            row("测安委〔2026〕1号", "没有这条隐患"),
            row("测安委〔2026〕2号", "一般隐患"),
            row("测安委〔2026〕3号", listed="2026-03-01"),
            row("测安委〔2026〕4号", plan=["甲一村超市", "王经理", "x", 2, "2026-04-30", "y"]),
        ]
    )
    result = import_file(actor=world.users["county"], kind="listings", file=data, dry_run=True)
    messages = [str(e) for e in result.errors]
    assert "第2行 隐患描述: 该主体没有这一天发现、描述相同的安全隐患，请先导入或登记该隐患" in messages
    assert "第3行 隐患描述: 该隐患不能挂牌：须为整改中的重大隐患，且不在挂牌督办中" in messages
    assert any(m.startswith("第4行 挂牌日期: 挂牌日期不能早于隐患发现日期") for m in messages), messages
    assert any(m.startswith("第5行 计划完成日期: 计划完成日期不能晚于整改时限") for m in messages), messages
    assert not HazardListing.objects.exists() and Hazard.objects.count() == 2
