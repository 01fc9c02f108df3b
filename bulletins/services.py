"""Writes of 排名通报: draft from the snapshot, edit, refresh, publish (numbered 第N期), delete a draft.

Every write is county staff's (or an administrator's), atomic and audited (simple-history on the bulletin
and on each 红黑榜 row). A published bulletin refuses every write: its document and files are kept as
they were published.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.services import ConflictError, ServiceError, audited_delete, audited_save, require
from units.models import LEVEL_PREFIX_LENGTH, Region, RegionLevel

from . import document, files
from .models import Bulletin, BulletinMention, BulletinStatus, MentionBoard

EDITOR_ROLES = frozenset({Role.ADMIN, Role.COUNTY})
PUBLISHED_REFUSAL = "该通报已发布（{}），不能修改。发布后的通报内容不再变动，如需更正请在下一期通报中说明。"
TEXT_FIELDS = ("title", "issuer", "issued_on", "intro", "supervised", "requirements")
NUMBER_ATTEMPTS = 5


def _require_editor(actor, region: Region) -> None:
    require(user_scope(actor).role in EDITOR_ROLES, "只有县平安办可以编制和发布排名通报。")
    require(Region.objects.for_user(actor).filter(pk=region.pk).exists(), "该区划不在您的管辖范围内。")


def _locked_draft(bulletin: Bulletin, actor) -> Bulletin:
    """The bulletin's row (only it: not its region, which every bulletin of the county shares), locked
    until commit; refused when it is published (or gone)."""
    row = Bulletin.objects.select_for_update(of=("self",)).select_related("region").filter(pk=bulletin.pk).first()
    if row is None:
        raise ServiceError("该通报已不存在。")
    _require_editor(actor, row.region)
    if row.published:
        raise ServiceError(PUBLISHED_REFUSAL.format(row.number_text))
    return row


def _ranking(actor, region: Region, month: datetime.date) -> dict:
    ranking = document.read_ranking(user=actor, region=region, month=month)
    if not ranking["rows"]:
        raise ServiceError(
            f"{region.name}{month:%Y年%-m月}尚无下级乡镇(街道)的快照数据，不能生成排名通报。请先在“达标统计”页重新计算该月。"
        )
    return ranking


def _mention_rows(bulletin: Bulletin, mentions: list[tuple[str, str, str]]) -> list[BulletinMention]:
    codes = {code for _, code, _ in mentions}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [
        BulletinMention(bulletin=bulletin, board=board, region=regions[code], reason=reason[:200], order=i)
        for i, (board, code, reason) in enumerate(mentions)
        if code in regions
    ]


@transaction.atomic
def bulletin_create(*, actor, region: Region, month: datetime.date, today: datetime.date | None = None) -> Bulletin:
    """A draft for the region's month: the ranking read from the snapshot now, default texts, the top
    three meeting every target on the 红榜 and the townships below a target on the 黑榜."""
    _require_editor(actor, region)
    if LEVEL_PREFIX_LENGTH[region.level] >= LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP]:
        raise ServiceError("排名通报按县（市、区）编制，请选择县级区划。")
    month = month.replace(day=1)
    today = today or timezone.localdate()
    if month > today.replace(day=1):
        raise ServiceError("不能为尚未到来的月份编制通报。")
    ranking = _ranking(actor, region, month)
    texts = document.default_texts(ranking, region_name=region.name, month=month, issued_on=today)
    bulletin = Bulletin(
        region=region,
        month=month,
        year=month.year,
        ranking=ranking,
        snapshot_at=ranking["snapshot_at"],
        issued_on=today,
        created_by=actor,
        **texts,
    )
    bulletin.full_clean()
    audited_save(bulletin, actor=actor, reason=f"起草{month:%Y年%-m月}排名通报")
    for mention in _mention_rows(bulletin, document.default_mentions(ranking)):
        audited_save(mention, actor=actor, reason="按排名生成红黑榜")
    return bulletin


@transaction.atomic
def bulletin_update(
    *, actor, bulletin: Bulletin, data: dict, mentions: list[dict], expected_version: int | None = None
) -> Bulletin:
    """Edit a draft: its texts (TEXT_FIELDS) and its 红黑榜 (``mentions``: dicts of board, region, reason,
    in order). The ranking is not editable: it is the snapshot's. A stale form is refused (ConflictError)."""
    row = _locked_draft(bulletin, actor)
    if expected_version is not None and row.version != expected_version:
        raise ConflictError("保存失败：在您编辑期间，该通报已被其他用户修改。请刷新页面查看最新内容后重新修改。")
    changed = [f for f in TEXT_FIELDS if f in data and getattr(row, f) != data[f]]
    for name in changed:
        setattr(row, name, data[name])
    codes = {r["code"] for r in row.ranking.get("rows", [])}
    seen = set()
    for m in mentions:
        if m["board"] not in MentionBoard.values:
            raise ServiceError("榜单应为红榜或黑榜。")
        if m["region"].code not in codes:
            raise ServiceError(f"{m['region'].name}不在本期排名中，不能列入红黑榜。")
        if (m["board"], m["region"].pk) in seen:
            raise ServiceError(f"{m['region'].name}在{MentionBoard(m['board']).label}中重复。")
        if not (m.get("reason") or "").strip():
            raise ServiceError(f"请填写{m['region'].name}列入{MentionBoard(m['board']).label}的理由。")
        seen.add((m["board"], m["region"].pk))
    both = {
        pk
        for board, pk in seen
        if (MentionBoard.RED if board == MentionBoard.BLACK else MentionBoard.BLACK, pk) in seen
    }
    if both:
        raise ServiceError("同一单位不能同时列入红榜和黑榜。")
    existing = {(m.board, m.region_id): m for m in row.mentions.all()}
    wanted = {(m["board"], m["region"].pk): (i, m) for i, m in enumerate(mentions)}
    mention_changes = 0
    for key, old in existing.items():
        if key not in wanted:
            audited_delete(old, actor=actor, reason="从红黑榜移除")
            mention_changes += 1
    for key, (order, m) in wanted.items():
        reason = m["reason"].strip()[:200]
        old = existing.get(key)
        if old is None:
            audited_save(
                BulletinMention(bulletin=row, board=m["board"], region=m["region"], reason=reason, order=order),
                actor=actor,
                reason="列入红黑榜",
            )
            mention_changes += 1
        elif (old.reason, old.order) != (reason, order):
            old.reason, old.order = reason, order
            audited_save(old, actor=actor, reason="修改红黑榜理由")
            mention_changes += 1
    if changed or mention_changes:
        row.full_clean()
        row.version += 1
        parts = [str(Bulletin._meta.get_field(f).verbose_name) for f in changed]
        if mention_changes:
            parts.append("红黑榜")
        audited_save(row, actor=actor, reason="修改" + "、".join(parts))
    return row


@transaction.atomic
def bulletin_refresh(*, actor, bulletin: Bulletin) -> bool:
    """按最新快照更新: re-read the ranking (texts and 红黑榜 stay as edited). Returns whether it changed."""
    row = _locked_draft(bulletin, actor)
    ranking = _ranking(actor, row.region, row.month)
    if document.same_figures(ranking, row.ranking) and ranking["snapshot_at"] == row.ranking.get("snapshot_at"):
        return False
    row.ranking, row.snapshot_at = ranking, ranking["snapshot_at"]
    row.version += 1
    audited_save(row, actor=actor, reason="按最新快照更新排名数据")
    return True


def next_number(region: Region, year: int) -> int:
    taken = Bulletin.objects.filter(region=region, year=year, number__isnull=False).aggregate(n=Max("number"))["n"]
    return (taken or 0) + 1


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin, now: datetime.datetime | None = None) -> Bulletin:
    """Publish a draft: refused while the snapshot's figures differ from the draft's (refresh first); it
    gets the county's next 第N期 of the year (the unique constraint decides between two publishes at
    once: the later one takes the next number); its document, digest and files are stored for good."""
    row = _locked_draft(bulletin, actor)
    current = document.read_ranking(user=actor, region=row.region, month=row.month)
    if not document.same_figures(current, row.ranking):
        raise ServiceError(
            f"{row.month:%Y年%-m月}的快照已重新计算，排名数据与本稿不一致。请先点击“按最新快照更新”，核对后再发布。"
        )
    now = now or timezone.now()
    row.status, row.published_by, row.published_at = BulletinStatus.PUBLISHED, actor, now
    for _ in range(NUMBER_ATTEMPTS):
        row.number = next_number(row.region, row.year)
        try:
            with transaction.atomic():
                row.skip_history_when_saving = True  # the audited save below records the publication
                row.save(update_fields=["number", "status", "published_by", "published_at"])
            break
        except IntegrityError:  # another publish took this number first: take the next one
            continue
        finally:
            del row.skip_history_when_saving
    else:
        raise ServiceError("其他通报正在同时发布，期号分配失败，请稍后重试。")
    mentions = list(row.mentions.select_related("region"))
    doc = document.build(row, mentions)
    row.content = doc
    row.content_sha256 = document.digest(doc)
    stamp = timezone.localtime(now)
    row.xlsx = files.render_xlsx(doc, sha256=row.content_sha256, stamp=stamp)
    row.pdf = files.render_pdf(doc, sha256=row.content_sha256)
    row.version += 1
    audited_save(row, actor=actor, reason=f"发布{row.number_text}")
    return row


@transaction.atomic
def bulletin_delete(*, actor, bulletin: Bulletin, reason: str = "") -> None:
    """A draft may be deleted (its number was never assigned, so no gap); a published bulletin never."""
    row = _locked_draft(bulletin, actor)
    for mention in row.mentions.all():
        audited_delete(mention, actor=actor, reason="删除通报草稿")
    audited_delete(row, actor=actor, reason=(reason or "").strip()[:100] or "删除通报草稿")
