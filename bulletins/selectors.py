"""Reads for the 排名通报 pages: the list, a bulletin's document (stored when published, built when a
draft), whether a draft's figures still equal the snapshot's, and the audit trail with its 红黑榜 rows."""

from __future__ import annotations

from sanzero.audit import ACTION_LABELS, AuditEntry, FieldChange, audit_trail

from . import document
from .models import Bulletin, BulletinMention


def bulletin_list(*, user):
    """The bulletins the user reads (drafts for county staff), newest first; the files are not loaded."""
    qs = Bulletin.objects.for_user(user).select_related("region", "created_by", "published_by")
    return qs.defer("xlsx", "pdf", "content", "ranking").order_by("-year", "status", "-number", "-month", "-pk")


def bulletin_document(bulletin: Bulletin) -> dict:
    if bulletin.published:
        return bulletin.content
    return document.build(bulletin, list(bulletin.mentions.select_related("region")))


def draft_is_current(*, user, bulletin: Bulletin) -> bool:
    """Whether a draft's ranking still equals the snapshot's (a recomputation since may have moved it)."""
    if bulletin.published:
        return True
    current = document.read_ranking(user=user, region=bulletin.region, month=bulletin.month)
    return document.same_figures(current, bulletin.ranking)


def bulletin_audit(bulletin: Bulletin, limit: int = 50) -> list[AuditEntry]:
    """The bulletin's own history and its 红黑榜 rows' (added, changed, removed), newest first."""
    entries = audit_trail(bulletin, limit=limit)
    records = (
        BulletinMention.history.filter(bulletin_id=bulletin.pk)
        .select_related("history_user", "region")
        .order_by("-history_date", "-history_id")[:limit]
    )
    boards = dict(BulletinMention._meta.get_field("board").flatchoices)
    for rec in records:
        label = f"{boards.get(rec.board, rec.board)}·{rec.region.name if rec.region_id else ''}"
        entries.append(
            AuditEntry(
                rec.history_date,
                rec.history_user.display_name if rec.history_user else "系统",
                ACTION_LABELS.get(rec.history_type, rec.history_type),
                rec.history_change_reason or "",
                [FieldChange(label, "", rec.reason)]
                if rec.history_type != "-"
                else [FieldChange(label, rec.reason, "（移除）")],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
