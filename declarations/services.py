"""Writes of 零报告: declare a month (有事报情况 / 无事报平安), withdraw it, and the check dashboards runs
before a township's 上报 (registered in apps.py through dashboards.extensions)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from sanzero.roles import Role
from sanzero.scoping import user_may, user_scope
from sanzero.services import ServiceError, audited_save, require
from units.models import VILLAGE_LEVELS, Region, RegionLevel

from . import selectors
from .models import Declaration, DeclarationKind

DECLARER_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.GRID})
KIND_WORDS = {DeclarationKind.ENTRIES: "有事报情况", DeclarationKind.NOTHING: "无事报平安"}


def _month_text(month: datetime.date) -> str:
    return f"{month:%Y年%-m月}"


def _counts_text(counts: dict[str, int]) -> str:
    return "、".join(f"{name}{n}条" for name, n in counts.items() if n)


def _require_declarer(actor, region: Region) -> Region:
    """The actor may declare for the region; returns the region's township."""
    require(
        user_scope(actor).role in DECLARER_ROLES and user_may(actor, Declaration, "add"),
        "只有乡镇(街道)录入员和网格员可以申报零报告。",
    )
    require(Region.objects.for_user(actor).filter(pk=region.pk).exists(), "该区划不在您的管辖范围内。")
    if region.level != RegionLevel.TOWNSHIP and region.level not in VILLAGE_LEVELS:
        raise ServiceError("零报告按乡镇(街道)或村(社区)申报，请选择乡镇(街道)或村(社区)。")
    if region.level == RegionLevel.TOWNSHIP and user_scope(actor).role == Role.GRID:
        raise ServiceError("网格员申报本村(社区)的零报告，乡镇(街道)的零报告由乡镇录入员申报。")
    township = selectors.township_of(region)
    if township is None:
        raise ServiceError("该村(社区)没有所属乡镇(街道)。")
    return township


def _require_open(township: Region, month: datetime.date) -> None:
    reason = selectors.month_closed(township=township, month=month)
    if reason:
        raise ServiceError(reason)


@transaction.atomic
def declaration_declare(
    *, actor, region: Region, month: datetime.date, kind: str, note: str = "", now: datetime.datetime | None = None
) -> Declaration:
    """A township (its clerk) or a village (its grid worker, or the township's clerk) declares its month:
    有事报情况 when the month has ledger entries (their counts are kept), 无事报平安 when it has none. A
    declaration may be made again (it replaces the earlier one, audited) until the township submits."""
    township = _require_declarer(actor, region)
    if kind not in KIND_WORDS:
        raise ServiceError("请选择申报类型：有事报情况或无事报平安。")
    month = month.replace(day=1)
    now = now or timezone.now()
    if month > timezone.localdate(now).replace(day=1):
        raise ServiceError("不能申报尚未到来的月份。")
    _require_open(township, month)
    counts = selectors.entry_counts(region=region, month=month)
    total = sum(counts.values())
    where = f"{region.name}{_month_text(month)}"
    if kind == DeclarationKind.NOTHING and total:
        raise ServiceError(
            f"{where}已登记{total}条台账（{_counts_text(counts)}），不能申报“无事报平安”，请申报“有事报情况”。"
        )
    if kind == DeclarationKind.ENTRIES and not total:
        raise ServiceError(f"{where}尚未登记任何台账，不能申报“有事报情况”。请先录入台账，或申报“无事报平安”。")
    note = (note or "").strip()[:300]
    declaration = Declaration.objects.select_for_update().filter(region=region, month=month).first()
    if declaration is None:
        declaration = Declaration(region=region, month=month)
    else:
        declaration.version += 1
    declaration.kind = kind
    declaration.entry_counts = {k: v for k, v in counts.items() if v}
    declaration.entry_total = total
    declaration.note = note
    declaration.declared_by = actor
    declaration.declared_at = now
    what = KIND_WORDS[kind] + (f"（台账{total}条）" if total else "")
    reason = f"申报{_month_text(month)}零报告：{what}"
    try:
        with transaction.atomic():
            audited_save(declaration, actor=actor, reason=reason)
    except IntegrityError:  # two first declarations of the same month at once: the other one won
        raise ServiceError("该月份的零报告刚被其他用户申报，请刷新页面后查看。") from None
    return declaration


@transaction.atomic
def declaration_withdraw(*, actor, declaration: Declaration, reason: str) -> Declaration:
    """撤回零报告, with a reason, until the township submits its month."""
    declaration = Declaration.objects.select_for_update(of=("self",)).select_related("region").get(pk=declaration.pk)
    township = _require_declarer(actor, declaration.region)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("撤回零报告必须填写原因。")
    if declaration.kind == DeclarationKind.WITHDRAWN:
        raise ServiceError("该零报告已撤回。")
    _require_open(township, declaration.month)
    declaration.kind = DeclarationKind.WITHDRAWN
    declaration.note = reason[:300]
    declaration.version += 1
    audited_save(declaration, actor=actor, reason=f"撤回{_month_text(declaration.month)}零报告：{reason}")
    return declaration


def require_declared(*, actor, region: Region, month: datetime.date) -> None:
    """dashboards' pre-submit check: a township submits its month only after declaring it, and a
    无事报平安 contradicted by entries recorded since must be declared again first. The declaration row is
    locked until the submission commits, so a withdrawal at the same moment waits and then sees 已上报."""
    if region.level != RegionLevel.TOWNSHIP:
        return
    month = month.replace(day=1)
    declaration = Declaration.objects.select_for_update().filter(region=region, month=month).first()
    if declaration is None or not declaration.declared:
        raise ServiceError(
            f"{region.name}尚未申报{_month_text(month)}零报告，不能上报。"
            "请先在“零报告”页申报“有事报情况”或“无事报平安”，再上报。"
        )
    if declaration.kind == DeclarationKind.NOTHING:
        total = sum(selectors.entry_counts(region=region, month=month).values())
        if total:
            raise ServiceError(
                f"{region.name}申报{_month_text(month)}“无事报平安”后又登记了{total}条台账，不能上报。"
                "请重新申报“有事报情况”后再上报。"
            )
