"""The 信访 import sheet (DESIGN §7). Its status is reached through the petition's own workflow: 已答复
runs 答复 (答复日期), 已办结 then runs 办结 (办结日期, 满意度), with the web's rules (ledger.imports)."""

from __future__ import annotations

from ledger.imports import UNCHANGED, LedgerSheet
from sanzero.importing.base import RowInvalid
from sanzero.xlsx import Column, RowError

from .choices import (
    AbnormalVisit,
    PetitionChannel,
    PetitionLevel,
    PetitionSource,
    PetitionStatus,
    PetitionType,
    Satisfaction,
)
from .forms import PetitionForm
from .models import Petition
from .services import petition_create, petition_transition, petition_update
from .workflow import PETITION_WORKFLOW


class PetitionSheet(LedgerSheet):
    name = "petitions"
    position = 60
    label = "信访"
    sheet_name = "信访"
    model = Petition
    form_class = PetitionForm
    create_service = petition_create
    update_service = petition_update
    transition_service = petition_transition
    workflow = PETITION_WORKFLOW
    date_field = "received_on"
    date_header = "登记日期"
    key_fields = ("petitioner_name", "content")
    service_fields = (
        "subject",
        "received_on",
        "channel",
        "type",
        "petitioner_name",
        "id_number",
        "phone",
        "headcount",
        "level_reached",
        "is_skip_level",
        "is_abnormal",
        "content",
        "case_number",
        "source",
        "abnormal_visit",
        "is_repeat",
        "responsible_unit",
        "lead_official",
    )
    key_description = "所属区划代码 + 主体名称 + 登记日期 + 信访人 + 诉求内容"
    duplicate_header = "诉求内容"
    notes = (
        "状态可填：办理中、已答复、已办结；已答复须填写答复日期，已办结还须填写办结日期和满意度。",
        "身份证号、联系电话属个人信息，导入后在列表中脱敏显示；身份证号请以文本格式填写（18位，校验位须正确）。",
        "越级访的到访层级至少为县。",
        "信访件编号、信访来源、是否重复访、异常访、责任单位、包案领导为选填列，可以不放在表中；"
        "信访件编号不填的由系统生成，已登记的信访留空则保留原编号。",
        "异常访（进京、进省、进市、进县）须同时填写“是否非正常访”为“是”，到访层级不低于该层级。",
        "是否重复访由登记人确认：同一身份证号本年度已有信访而未填“是”的行，试导入时给出提示（不阻止导入）。",
    )

    def columns(self):
        return [
            Column("登记日期", "received_on", required=True, kind="date"),
            Column("信访形式", "channel", required=True, kind="choice", choices=PetitionChannel.values),
            Column("信访类型", "type", kind="choice", choices=PetitionType.values, help="不填为“申诉求决”。"),
            Column("信访人", "petitioner_name", max_length=50, help="匿名检举可不填。"),
            Column("身份证号", "id_number", max_length=30),
            Column("联系电话", "phone", max_length=20),
            Column("人数", "headcount", kind="int", help="不填为1人；5人及以上计为集体访。"),
            Column("到访层级", "level_reached", kind="choice", choices=PetitionLevel.values, help="不填为“乡镇”。"),
            Column("是否越级", "is_skip_level", kind="bool"),
            Column("是否非正常访", "is_abnormal", kind="bool"),
            Column("诉求内容", "content", required=True, max_length=4000),
            Column("状态", "status", kind="choice", choices=PetitionStatus.values),
            Column("答复日期", "replied_on", kind="date"),
            Column("办结日期", "closed_on", kind="date"),
            Column("满意度", "satisfaction", kind="choice", choices=Satisfaction.values),
            # issue 14: what real 信访 systems record besides DESIGN §7's columns (all optional)
            Column(
                "信访件编号",
                "case_number",
                max_length=40,
                help="信访信息系统的编号；不填由系统生成（XF+年度+县区划代码+序号）。",
            ),
            Column(
                "信访来源",
                "source",
                kind="choice",
                choices=PetitionSource.values,
                help="本级受理、上级交办或转送；不填为“本级受理”。",
            ),
            Column(
                "是否重复访",
                "is_repeat",
                kind="bool",
                help="同一信访人就同一事项本年度再次信访的填“是”。",
            ),
            Column(
                "异常访",
                "abnormal_visit",
                kind="choice",
                choices=AbnormalVisit.values,
                help="非正常访到达的层级：进京、进省、进市、进县；须同时为非正常访。",
            ),
            Column("责任单位", "responsible_unit", max_length=100, help="承办该信访的责任单位。"),
            Column("包案领导", "lead_official", max_length=50, help="包案化解的领导干部姓名。"),
        ]

    def prepare_extra(self, ctx, rows) -> None:
        """信访件编号 already used by another petition in the file; the ID numbers' earlier petitions this
        year (for the 重复访 hint), by keyed hash, in the importer's scope: two queries."""
        from .selectors import id_number_hash_of

        numbers: dict[str, int] = {}
        duplicates: dict[int, int] = {}
        for row, values in rows:
            number = (values.get("case_number") or "").strip()
            if number:
                if number in numbers:
                    duplicates[row] = numbers[number]
                else:
                    numbers[number] = row
        ctx.extra["duplicate_numbers"] = duplicates
        seen: dict[str, list] = {}
        for row, values in rows:  # the file's own rows count as earlier petitions too
            digest = id_number_hash_of(values.get("id_number") or "")
            if digest and values.get("received_on"):
                seen.setdefault(digest, []).append((values["received_on"], ("row", row)))
        hashes = set(seen)
        if hashes:
            scoped = Petition.objects.for_user(ctx.actor).filter(id_number_hash__in=hashes)
            for h, day, pk in scoped.values_list("id_number_hash", "received_on", "pk"):
                seen.setdefault(h, []).append((day, pk))
        ctx.extra["petitions_by_person"] = seen

    def plan(self, ctx, row, values):
        first = ctx.extra.get("duplicate_numbers", {}).get(row)
        if first is not None:
            raise RowInvalid(RowError(row, "信访件编号", f"与第{first}行的信访件编号相同，同一编号只能登记一件信访"))
        plan = super().plan(ctx, row, values)
        plan.warnings = [*plan.warnings, *self.repeat_warnings(ctx, row, values, plan)]
        return plan

    def repeat_warnings(self, ctx, row, values, plan) -> list[RowError]:
        """The system's 重复访 suggestion, as on the form: a warning, the importer decides."""
        from .selectors import id_number_hash_of

        if values.get("is_repeat") or not values.get("id_number") or plan.action == UNCHANGED:
            return []
        day = values.get("received_on")
        own = {("row", row), plan.instance.pk if plan.instance is not None else None}
        found = ctx.extra.get("petitions_by_person", {}).get(id_number_hash_of(values["id_number"]), [])
        earlier = [d for d, key in found if key not in own and d.year == day.year and d <= day]
        if not earlier:
            return []
        return [
            RowError(
                row,
                "是否重复访",
                f"该身份证号{day.year}年已登记{len(earlier)}件信访（最近一次{max(earlier):%Y-%m-%d}），"
                "如为同一事项再次信访，请填“是”",
            )
        ]

    def target_status(self, values, instance):
        if values.get("status"):
            return values["status"]
        if values.get("closed_on") is not None or values.get("satisfaction") is not None:
            return PetitionStatus.CLOSED
        if values.get("replied_on") is not None:
            return PetitionStatus.REPLIED
        return None
