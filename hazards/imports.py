"""The 安全隐患 and 事故 import sheets (DESIGN §7). A hazard's status is reached through its own workflow:
待验收 runs 登记整改完成 (a 重大 hazard needs its 五落实 first, as on the web), 已销号 then runs 验收通过
(by the named 验收人 when that is a system user, never the one who recorded the rectification)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from ledger.imports import LedgerSheet
from sanzero.importing.base import fetch_in
from sanzero.xlsx import Column

from .choices import AccidentKind, HazardCategory, HazardLevel, HazardStatus, ListingStatus, ListingTier
from .forms import AccidentForm, HazardForm, ListingImportForm
from .models import LISTING_PLAN_FIELDS, Accident, Hazard, HazardListing
from .services import (
    accident_create,
    accident_update,
    hazard_create,
    hazard_transition,
    hazard_update,
    listing_create,
    listing_transition,
    listing_update,
)
from .workflow import HAZARD_WORKFLOW, LISTING_WORKFLOW


class HazardSheet(LedgerSheet):
    name = "hazards"
    position = 40
    label = "安全隐患"
    sheet_name = "安全隐患"
    model = Hazard
    form_class = HazardForm
    create_service = hazard_create
    update_service = hazard_update
    transition_service = hazard_transition
    workflow = HAZARD_WORKFLOW
    date_field = "found_on"
    date_header = "发现日期"
    key_fields = ("category", "description")
    service_fields = (
        "subject",
        "found_on",
        "category",
        "level",
        "description",
        "rectify_due",
        "responsible_person",
        "plan_responsibility",
        "plan_measures",
        "plan_funds",
        "plan_deadline",
        "plan_contingency",
    )
    extra_step_columns = {"accept": ("acceptor",)}
    key_description = "所属区划代码 + 主体名称 + 发现日期 + 隐患类别 + 隐患描述"
    duplicate_header = "隐患描述"
    notes = (
        "整改期限不填时按期限设置自动计算（一般隐患7日，重大隐患30日）。",
        "状态可填：整改中、待验收、已销号；待验收须填写整改完成日期，已销号还须填写验收日期。",
        "重大隐患须填全“五落实”（责任、措施、资金、时限、预案）才能登记为待验收或已销号，与系统中办理的要求相同。",
        "验收人填写系统用户的姓名或用户名时记为该用户验收，否则记入验收意见。",
    )

    def columns(self):
        return [
            Column("发现日期", "found_on", required=True, kind="date"),
            Column("隐患类别", "category", required=True, kind="choice", choices=HazardCategory.values),
            Column("隐患等级", "level", required=True, kind="choice", choices=HazardLevel.values),
            Column("隐患描述", "description", required=True, max_length=2000),
            Column("整改期限", "rectify_due", kind="date", help="不填则按期限设置自动计算。"),
            Column("整改责任人", "responsible_person", max_length=50),
            Column("责任落实", "plan_responsibility", max_length=200, help="重大隐患“五落实”之一。"),
            Column("措施落实", "plan_measures", max_length=500, help="重大隐患“五落实”之一。"),
            Column("资金落实", "plan_funds", max_length=200, help="重大隐患“五落实”之一。"),
            Column("时限落实", "plan_deadline", kind="date", help="重大隐患“五落实”之一。"),
            Column("预案落实", "plan_contingency", max_length=500, help="重大隐患“五落实”之一。"),
            Column("状态", "status", kind="choice", choices=HazardStatus.values),
            Column("整改完成日期", "rectified_on", kind="date"),
            Column("验收人", "acceptor", max_length=50),
            Column("验收日期", "accepted_on", kind="date"),
        ]

    def target_status(self, values, instance):
        if values.get("status"):
            return values["status"]
        if values.get("accepted_on") is not None:
            return HazardStatus.CLOSED
        if values.get("rectified_on") is not None:
            return HazardStatus.AWAITING
        return None

    def prepare_extra(self, ctx, rows):
        names = {v["acceptor"] for _, v in rows if v.get("acceptor")}
        users: dict[str, list] = defaultdict(list)
        if names:
            active = get_user_model().objects.filter(is_active=True)
            for user in fetch_in(active, "username", names) + fetch_in(active, "full_name", names):
                for label in {user.username, user.full_name} & names:
                    if user not in users[label]:
                        users[label].append(user)
        ctx.extra["users"] = users

    def step_data(self, ctx, transition, values):
        data = super().step_data(ctx, transition, values)
        acceptor = values.get("acceptor")
        if transition.name == "accept" and acceptor:
            found = ctx.extra["users"].get(acceptor, [])
            if len(found) == 1:
                data["accepted_by"] = found[0]
            else:  # not (or not uniquely) a system user: recorded in the 验收意见
                data.setdefault("note", f"验收人：{acceptor}")
        return data

    def effective(self, ctx, payload, instance):
        if payload.get("rectify_due") is None and payload.get("found_on"):
            probe = Hazard(found_on=payload["found_on"], level=payload.get("level") or instance.level)
            return {**payload, "rectify_due": probe.default_rectify_due(ctx.rules)}
        return payload


class AccidentSheet(LedgerSheet):
    name = "accidents"
    position = 50
    label = "事故"
    sheet_name = "事故"
    model = Accident
    form_class = AccidentForm
    create_service = accident_create
    update_service = accident_update
    date_field = "occurred_on"
    date_header = "发生日期"
    key_fields = ("kind",)
    service_fields = (
        "subject",
        "occurred_on",
        "kind",
        "deaths",
        "injuries",
        "serious_injuries",
        "direct_loss",
        "summary",
    )
    key_description = "所属区划代码 + 主体名称 + 发生日期 + 事故类型"
    duplicate_header = "事故类型"
    notes = (
        "事故等级按死亡人数、重伤人数和直接经济损失自动确定（国务院令第493号），无需填写。",
        "受伤人数为全部受伤人数（含重伤）；重伤人数可不填，不填为0。",
    )

    def columns(self):
        return [
            Column("发生日期", "occurred_on", required=True, kind="date"),
            Column("事故类型", "kind", required=True, kind="choice", choices=AccidentKind.values),
            Column("死亡人数", "deaths", kind="int", help="不填为0。"),
            Column("受伤人数", "injuries", kind="int", help="全部受伤人数（含重伤）；不填为0。"),
            Column(
                "重伤人数", "serious_injuries", kind="int", help="受伤人数中的重伤（含急性工业中毒）人数；不填为0。"
            ),
            Column("直接经济损失(万元)", "direct_loss", kind="decimal", help="单位万元，最多两位小数；不填为0。"),
            Column("简要经过", "summary", max_length=2000),
        ]


class ListingSheet(LedgerSheet):
    """重大隐患挂牌督办: a county going live enters the listings it has on paper. The hazard is named by its
    subject, 发现日期 and 隐患描述 (import the hazards first); a listing's status is reached through its
    own steps with their roles (登记整改完成 is the township's, 初审 the township's or department's), so
    county staff import listings 督办中; the administrator may import the year's finished ones."""

    name = "listings"
    position = 45
    label = "重大隐患挂牌督办"
    sheet_name = "挂牌督办"
    model = HazardListing
    form_class = ListingImportForm
    create_service = listing_create
    update_service = listing_update
    transition_service = listing_transition
    workflow = LISTING_WORKFLOW
    date_field = "listed_on"
    date_header = "挂牌日期"
    key_fields = ("notice_number",)
    service_fields = (
        "tier",
        "notice_number",
        "listed_on",
        "deadline",
        "requirement",
        *LISTING_PLAN_FIELDS,
    )
    key_description = "所属区划代码 + 主体名称 + 挂牌日期 + 督办通知书文号"
    duplicate_header = "督办通知书文号"
    notes = (
        "隐患发现日期和隐患描述须与系统中该主体的重大隐患一致（先导入安全隐患）；只有整改中的重大隐患可以挂牌。",
        "挂牌层级可填：县安委会、市安委会、省安委会。",
        "状态可填：督办中、待初审、待验收、待摘牌、已摘牌；不填时按所填日期确定（有摘牌日期为已摘牌，依此类推）。",
        "整改完成、初审、验收按系统中相同的角色规则办理：县平安办导入督办中的挂牌；已整改、已摘牌的历史记录由系统管理员导入。",
        "摘牌销号时，该隐患同时销号。",
    )

    def columns(self):
        return [
            Column("隐患发现日期", "hazard_found_on", required=True, kind="date"),
            Column("隐患描述", "hazard_description", required=True, max_length=2000),
            Column("挂牌层级", "tier", required=True, kind="choice", choices=ListingTier.values),
            Column("督办通知书文号", "notice_number", required=True, max_length=50),
            Column("挂牌日期", "listed_on", required=True, kind="date"),
            Column("整改时限", "deadline", required=True, kind="date"),
            Column("督办要求", "requirement", max_length=500),
            Column("责任单位", "duty_unit", max_length=100, help="“五落实”之责任。"),
            Column("整改责任人", "duty_person", max_length=50, help="“五落实”之责任。"),
            Column("包保责任领导", "duty_leader", max_length=50),
            Column("整改措施", "measures", max_length=1000, help="“五落实”之措施。"),
            Column("整改资金(万元)", "funds", kind="decimal", help="“五落实”之资金，单位万元。"),
            Column("资金来源", "funds_source", max_length=100),
            Column("计划完成日期", "plan_deadline", kind="date", help="“五落实”之时限，不能晚于整改时限。"),
            Column("应急预案", "contingency", max_length=500, help="“五落实”之预案：整改期间防范措施和应急预案。"),
            Column("状态", "status", kind="choice", choices=ListingStatus.values),
            Column("整改完成日期", "rectified_on", kind="date"),
            Column("整改情况", "rectify_report", max_length=500),
            Column("初审日期", "reviewed_on", kind="date"),
            Column("初审单位", "review_unit", max_length=100),
            Column("验收日期", "accepted_on", kind="date"),
            Column("验收单位", "accept_unit", max_length=100),
            Column("摘牌日期", "delisted_on", kind="date"),
            Column("摘牌文号", "delist_number", max_length=50),
        ]

    def target_status(self, values, instance):
        if values.get("status"):
            return values["status"]
        for column, status in (
            ("delisted_on", ListingStatus.DELISTED),
            ("accepted_on", ListingStatus.DELISTING),
            ("reviewed_on", ListingStatus.ACCEPTING),
            ("rectified_on", ListingStatus.REVIEWING),
        ):
            if values.get(column) is not None:
                return status
        return None
