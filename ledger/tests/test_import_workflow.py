"""An imported row reaches its status through the ledger's own workflow (issue 12): whatever the web
refuses, the import refuses, with the same message as ``第N行 列名: 原因``."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from disputes.models import Dispute
from disputes.services import dispute_create, dispute_transition
from hazards.models import Hazard
from hazards.services import hazard_create, hazard_transition
from ledger.workflow import transition_apply
from petitions.models import Petition
from sanzero.importing.base import KINDS
from sanzero.importing.engine import import_file
from sanzero.services import ServiceError
from sanzero.tests.helpers import xlsx

pytestmark = pytest.mark.django_db

HAZARD = [
    "所属区划代码",
    "主体名称",
    "发现日期",
    "隐患类别",
    "隐患等级",
    "隐患描述",
    "状态",
    "整改完成日期",
    "验收人",
    "验收日期",
]
PLAN = ["责任落实", "措施落实", "资金落实", "时限落实", "预案落实"]
DISPUTE = ["所属区划代码", "主体名称", "登记日期", "纠纷类别", "简要情况", "状态", "化解日期"]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(date(2026, 6, 10), tick=False):
        yield


def run(world, kind, rows, user="clerk_a", dry_run=False):
    return import_file(actor=world.users[user], kind=kind, file=xlsx(rows), dry_run=dry_run)


# --- the two defects the structure let through -------------------------------------------------------


def test_a_major_hazard_imported_as_rectified_without_its_five_plans_is_refused_like_the_web(world):
    rows = [
        HAZARD,
        [
            "990121100200",
            "甲一村超市",
            "2026-03-01",
            "消防",
            "重大",
            "消防通道堵塞",
            "待验收",
            "2026-03-20",
            None,
            None,
        ],
    ]
    result = run(world, "hazards", rows)
    message = "重大隐患须先填全“五落实”（责任落实、措施落实、资金落实、时限落实、预案落实），才能登记整改完成"
    assert result.errors == [f"第2行 整改完成日期: {message}"]
    assert not Hazard.objects.exists()
    # the web says exactly the same for the same hazard
    hazard = hazard_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": date(2026, 3, 1),
            "category": "消防",
            "level": "重大",
            "description": "消防通道堵塞",
        },
    )
    with pytest.raises(ServiceError) as exc:
        hazard_transition(
            actor=world.users["clerk_a"], obj=hazard, name="rectify", data={"rectified_on": date(2026, 3, 20)}
        )
    assert str(exc.value) == message + "。"
    hazard.delete()

    with_plans = [
        [*HAZARD, *PLAN],
        [*rows[1], "村委会主任负责", "清理通道、设置标识", "村集体经费2000元", "2026-03-15", "火灾应急预案"],
    ]
    result = run(world, "hazards", with_plans)
    assert result.ok, result.errors
    hazard = Hazard.objects.get()
    assert (hazard.status, hazard.rectified_on, hazard.plan_funds, hazard.rectified_by) == (
        "待验收",
        date(2026, 3, 20),
        "村集体经费2000元",
        None,
    )
    assert not hazard.missing_plan_fields()
    assert run(world, "hazards", with_plans).unchanged == 1


def test_a_dispute_imported_as_resolved_carries_its_agreement_or_is_refused(world):
    rows = [DISPUTE, ["990121100200", "甲一村", "2026-03-05", "邻里纠纷", "宅基地边界争执", "已化解", "2026-03-08"]]
    result = run(world, "disputes", rows)
    assert result.errors == ["第2行 协议内容: 协议内容为必填项，请填写。"]
    assert not Dispute.objects.exists()

    rows = [[*DISPUTE, "协议形式", "协议内容"], [*rows[1], "口头", "以院墙为界，各自退让半米"]]
    result = run(world, "disputes", rows)
    assert result.ok, result.errors
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.agreement_type, dispute.agreement, dispute.resolved_on, dispute.due_on) == (
        "已化解",
        "口头",
        "以院墙为界，各自退让半米",
        date(2026, 3, 8),
        None,
    )
    assert dispute.history.get().history_change_reason == "登记矛盾纠纷（调解中 → 已化解）"
    rows[1][7] = None  # a blank 协议形式 is the web's preselected 书面
    rows[1][4] = "另一纠纷"
    assert run(world, "disputes", rows).ok
    assert Dispute.objects.get(summary="另一纠纷").agreement_type == "书面"


# --- the path through the workflow -------------------------------------------------------------------


def test_a_transferred_dispute_is_imported_through_fail_and_transfer(world):
    headers = [*DISPUTE, "调解不成原因", "移交去向", "移交说明"]
    rows = [
        headers,
        [
            "990121100200",
            "甲一村",
            "2026-03-05",
            "劳资纠纷",
            "拖欠工资",
            "已移交",
            None,
            "双方分歧过大",
            "诉讼",
            "引导当事人向县人民法院起诉",
        ],
    ]
    assert run(world, "disputes", rows).ok
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.fail_reason, dispute.transfer_to, dispute.transfer_note) == (
        "已移交",
        "双方分歧过大",
        "诉讼",
        "引导当事人向县人民法院起诉",
    )
    missing = [headers, [*rows[1][:4], "另一件", "已移交", None, "双方分歧过大", None, None]]
    assert run(world, "disputes", missing).errors == [
        "第2行 移交去向: 移交去向为必填项，请选择。",
        "第2行 移交说明: 移交说明为必填项，请填写。",
    ]


def test_an_existing_entry_moves_on_by_its_transition_services_each_step_audited(world):
    clerk = world.users["clerk_a"]
    petition_rows = [
        ["所属区划代码", "主体名称", "登记日期", "信访形式", "诉求内容", "状态", "答复日期", "办结日期", "满意度"],
        ["990121100200", "甲一村", "2026-03-01", "来访", "要求修路", None, None, None, None],
    ]
    assert run(world, "petitions", petition_rows).new == 1
    petition = Petition.objects.get()
    petition_rows[1][5:] = ["已办结", "2026-03-10", "2026-03-20", "满意"]
    result = run(world, "petitions", petition_rows)
    assert (result.changed, result.errors) == (1, [])
    petition.refresh_from_db()
    assert (petition.status, petition.replied_on, petition.closed_on, petition.satisfaction) == (
        "已办结",
        date(2026, 3, 10),
        date(2026, 3, 20),
        "满意",
    )
    reasons = list(petition.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[1:] == ["答复：办理中 → 已答复", "办结：已答复 → 已办结"]
    assert {h.history_user for h in petition.history.all()} == {clerk}
    assert run(world, "petitions", petition_rows).unchanged == 1

    petition_rows[1][7] = "2026-03-21"  # a done step's date cannot be rewritten by an import
    assert run(world, "petitions", petition_rows).errors == [
        "第2行 办结日期: 该信访已办理此环节，系统中的办结日期为“2026-03-20”，不能通过导入修改，请在系统中核对"
    ]


def test_columns_of_a_status_the_row_does_not_reach_are_refused(world):
    rows = [DISPUTE, ["990121100200", "甲一村", "2026-03-05", "邻里纠纷", "噪音", "调解中", "2026-03-08"]]
    assert run(world, "disputes", rows).errors == ["第2行 化解日期: 状态为“调解中”的矛盾纠纷不填写化解日期"]


def test_an_imported_acceptance_is_refused_to_the_one_who_recorded_the_rectification(world):
    clerk = world.users["clerk_a"]
    hazard = hazard_create(
        actor=clerk,
        data={
            "subject": world.shop_a,
            "found_on": date(2026, 3, 1),
            "category": "用电",
            "level": "一般",
            "description": "私拉电线",
        },
    )
    hazard_transition(actor=world.users["grid_a"], obj=hazard, name="rectify", data={"rectified_on": date(2026, 3, 5)})
    rows = [
        HAZARD,
        [
            "990121100200",
            "甲一村超市",
            "2026-03-01",
            "用电",
            "一般",
            "私拉电线",
            "已销号",
            "2026-03-05",
            "grid_a",
            "2026-03-06",
        ],
    ]
    assert run(world, "hazards", rows).errors == ["第2行 验收日期: 验收须由登记整改完成以外的人员进行"]
    rows[1][8] = "clerk_a"
    assert run(world, "hazards", rows).ok
    hazard.refresh_from_db()
    assert (hazard.status, hazard.accepted_by, hazard.rectified_by) == ("已销号", clerk, world.users["grid_a"])


def test_the_workflow_path_is_the_table_s(world):
    from disputes.workflow import DISPUTE_WORKFLOW
    from hazards.workflow import HAZARD_WORKFLOW

    assert [t.name for t in DISPUTE_WORKFLOW.path("调解中", "已移交")] == ["fail", "transfer"]
    assert [t.name for t in HAZARD_WORKFLOW.path("整改中", "已销号")] == ["rectify", "accept"]
    assert [t.name for t in HAZARD_WORKFLOW.path("待验收", "整改中")] == ["reject"]
    assert DISPUTE_WORKFLOW.path("已化解", "调解中") is None and DISPUTE_WORKFLOW.path("调解中", "调解中") == []


def test_the_kernel_runs_a_step_in_memory_with_the_same_rule(world):
    dispute = dispute_create(
        actor=world.users["clerk_a"],
        data={"subject": world.shop_a, "found_on": date(2026, 3, 5), "category": "邻里纠纷", "summary": "x"},
    )
    from disputes.workflow import DISPUTE_WORKFLOW

    with pytest.raises(ServiceError, match="化解日期不能早于登记日期"):
        transition_apply(
            dispute,
            DISPUTE_WORKFLOW.get("resolve"),
            {"resolved_on": date(2026, 3, 1), "agreement": "x", "agreement_type": "书面"},
            actor=world.users["clerk_a"],
        )
    dispute_transition(
        actor=world.users["clerk_a"],
        obj=dispute,
        name="resolve",
        data={"resolved_on": date(2026, 3, 6), "agreement": "和解", "agreement_type": "书面"},
    )
    assert Dispute.objects.get().status == "已化解"


def test_each_ledger_sheet_is_declared_by_its_app(world):
    import sanzero.importing.base as base

    owners = {name: type(kind).__module__.split(".")[0] for name, kind in KINDS.items()}
    assert owners == {
        "regions": "units",
        "subjects": "units",
        "disputes": "disputes",
        "hazards": "hazards",
        "accidents": "hazards",
        "petitions": "petitions",
        "cases": "cases",
        "places": "places",
        "public_order": "publicorder",
        "listings": "hazards",
        "persons": "persons",
        "targets": "dashboards",
        "holidays": "sanzero",
    }
    assert not hasattr(base, "write_status") and not hasattr(base, "check_forward")
