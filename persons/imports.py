"""The 重点人员 import sheet: one row per person, named by the ID number (the natural key: re-importing a
file updates the same persons and changes nothing when nothing changed). The person's village is its
所属区划代码 (a village or community: its own 创建主体); no 主体名称 column. Visits are entered on the web.

Every row goes through the web form (persons.forms.KeyPersonForm), so a value the page refuses is
refused here with the same words, as ``第N行 列名: 原因``."""

from __future__ import annotations

import copy

from ledger.imports import LedgerContext, LedgerSheet
from sanzero.crypto import blind_index
from sanzero.importing.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    ChoiceCache,
    RowInvalid,
    RowPlan,
    changed_fields,
    fetch_in,
    form_errors,
    import_form,
    values_in,
)
from sanzero.models import DeadlineSettings
from sanzero.xlsx import Column, RowError, SheetSpec
from units.models import Region

from .choices import PersonCategory, PersonStatus, RiskLevel
from .forms import VILLAGE_LEVELS, KeyPersonForm
from .models import KeyPerson
from .services import PERSON_FIELDS, key_person_create, key_person_update

VILLAGE_COLUMN = Column(
    "所属区划代码",
    "region_code",
    required=True,
    max_length=15,
    help="该人员所在村或社区的12位区划代码，如 330102001201。",
)
ID_HEADER = "身份证号"


class KeyPersonSheet(LedgerSheet):
    name = "persons"
    position = 76
    label = "重点人员"
    sheet_name = "重点人员"
    model = KeyPerson
    form_class = KeyPersonForm
    create_service = key_person_create
    update_service = key_person_update
    date_field = "registered_on"
    date_header = "列管日期"
    service_fields = PERSON_FIELDS
    key_description = "身份证号"
    duplicate_header = ID_HEADER
    notes = (
        "身份证号请以文本格式填写（18位，校验位须正确）；同一身份证号在系统中只有一条在管记录，再次导入即更新该记录。",
        "姓名、身份证号、联系电话、现住址属个人信息，导入后在列表和导出中脱敏显示；联系电话、现住址留空时保留系统中已有的值。",
        "包户网格员填写网格员的登录账号，其管辖区划须包含该人员所在村(社区)；不填为未落实包户（网格员导入时为本人）。",
        "走访周期不填按风险等级：高7天、中15天、低30天；逾期未走访的人员列入督办。",
    )

    def columns(self):
        return [
            Column("列管日期", "registered_on", required=True, kind="date"),
            Column("姓名", "name", required=True, max_length=50),
            Column(ID_HEADER, "id_number", required=True, max_length=30),
            Column("人员类别", "category", required=True, kind="choice", choices=PersonCategory.values),
            Column("风险等级", "risk_level", kind="choice", choices=RiskLevel.values, help="不填为“中”。"),
            Column("联系电话", "phone", max_length=20),
            Column("现住址", "address", max_length=200),
            Column("包户网格员", "grid_worker", max_length=150, help="网格员的登录账号。"),
            Column("走访周期(天)", "visit_every_days", kind="int", help="1–365天，不填按风险等级。"),
            Column("基本情况", "note", max_length=1000),
        ]

    def spec(self) -> SheetSpec:
        return SheetSpec(self.sheet_name, [VILLAGE_COLUMN, *self.sheet_columns()])

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "village": VILLAGE_COLUMN.header, "subject": VILLAGE_COLUMN.header}

    # planning -------------------------------------------------------------------------------------
    @staticmethod
    def id_key(values: dict) -> str:
        return blind_index("id_number", values.get("id_number") or "")

    def prepare(self, *, actor, rows):
        codes = {v["region_code"] for _, v in rows}
        regions = {r.code: r for r in fetch_in(Region.objects.select_related("village_subject"), "code", codes)}
        scope_codes = values_in(Region.objects.for_user(actor, "view"), "code", codes, "code")
        hashes = {self.id_key(v) for _, v in rows} - {""}
        entries: dict[str, KeyPerson] = {}
        for person in fetch_in(KeyPerson.objects.select_related("grid_worker", "subject"), "id_number_hash", hashes):
            # the 在管 record of an ID number (there is at most one), else its latest
            current = entries.get(person.id_number_hash)
            rank = (person.status == PersonStatus.MANAGED, person.pk)
            if current is None or rank > (current.status == PersonStatus.MANAGED, current.pk):
                entries[person.id_number_hash] = person
        changeable = values_in(KeyPerson.objects.for_user(actor, "change"), "pk", [p.pk for p in entries.values()])
        return LedgerContext(
            actor=actor,
            regions=regions,
            scope_codes=scope_codes,
            subjects={},
            addable=set(),
            entries=entries,
            changeable=changeable,
            rules=DeadlineSettings.current(),
            cache=ChoiceCache(restrict={"village": {r.pk for r in regions.values()}}),
        )

    def _village(self, ctx: LedgerContext, row: int, values: dict) -> Region:
        code = values["region_code"]
        region = ctx.regions.get(code)
        header = VILLAGE_COLUMN.header
        if region is None:
            raise RowInvalid(RowError(row, header, f"区划代码“{code}”不存在"))
        if code not in ctx.scope_codes:
            raise RowInvalid(RowError(row, header, f"“{region.name}”（{code}）不在您的管辖范围内"), out_of_scope=True)
        if region.level not in VILLAGE_LEVELS or getattr(region, "village_subject", None) is None:
            raise RowInvalid(RowError(row, header, f"“{region.name}”不是村或社区：重点人员应登记在其所在村(社区)"))
        return region

    def base_data(self, instance) -> dict:
        if instance is None:
            return {"risk_level": RiskLevel.MEDIUM, "grid_worker": "", "visit_every_days": None}
        data = {name: getattr(instance, name) for name in PERSON_FIELDS if name not in ("subject", "grid_worker")}
        data["grid_worker"] = instance.grid_worker.username if instance.grid_worker_id else ""
        data["version"] = instance.version
        return data

    def plan(self, ctx: LedgerContext, row: int, values: dict) -> RowPlan:
        region = self._village(ctx, row, values)
        digest = self.id_key(values)
        instance = ctx.entries.get(digest) if digest else None
        if instance is not None and instance.pk not in ctx.changeable:
            raise RowInvalid(
                RowError(row, ID_HEADER, "该身份证号的重点人员已由其他乡镇(街道)或网格员列管，不在您可修改的范围内")
            )
        data = self.base_data(instance)
        data["village"] = region.pk
        for column in self.sheet_columns():
            if column.key not in values:
                continue  # a column missing from the file leaves the field alone
            value = values[column.key]
            if value is None and column.key in ("risk_level", "visit_every_days"):
                continue  # blank: the default (new) or the stored value (existing)
            data[column.key] = "" if value is None else value
        form = ctx.cache.bind(
            import_form(self.form_class)(data, user=ctx.actor, instance=copy.copy(instance) if instance else None)
        )
        if not form.is_valid():
            raise RowInvalid(*form_errors(form, row, self.headers()))
        payload = form.service_data()
        key = ("id_number", digest)
        if instance is None:
            return RowPlan(row, key, NEW, data=payload, extra={"steps": []})
        plain = changed_fields(instance, payload, self.service_fields)
        return RowPlan(
            row,
            key,
            CHANGED if plain else UNCHANGED,
            instance=instance,
            data=payload,
            extra={"steps": [], "plain": plain},
        )
