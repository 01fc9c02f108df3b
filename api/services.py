"""Writes of the API: creating and revoking tokens (the administrator's), and recording calls."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.services import ServiceError, audited_save, require

from .models import ApiCallLog, ApiToken

#: every key starts with this, so a leaked one is recognisable in a log or a repository scan
KEY_PREFIX = "szk_"
ROLE_MESSAGE = "只有系统管理员可以创建或吊销接口令牌。"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _is_admin(actor) -> bool:
    return actor is None or user_scope(actor).role == Role.ADMIN


@transaction.atomic
def api_token_create(*, actor, user, name: str, expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its key (shown once: only its hash is kept)."""
    require(_is_admin(actor), ROLE_MESSAGE)
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写令牌用途。")
    if not user.is_active:
        raise ServiceError(f"用户“{user.username}”已停用，不能为其创建接口令牌。")
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError("有效期应晚于当前时间。")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:60],
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(key),
        expires_at=expires_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audited_save(token, actor=actor, reason=f"创建接口令牌“{token.name}”")
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    require(_is_admin(actor), ROLE_MESSAGE)
    if token.revoked_at is not None:
        raise ServiceError("该令牌已吊销。")
    token.revoked_at = timezone.now()
    audited_save(token, actor=actor, reason=f"吊销接口令牌“{token.name}”", update_fields=["revoked_at"])
    return token


def api_token_touch(token: ApiToken) -> None:
    """Note the token's use, at most once a minute (a conditional UPDATE, no read-modify-write)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_call_record(*, user, token, method: str, path: str, query: str, status: int, duration_ms: int, ip) -> None:
    ApiCallLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        token=token if isinstance(token, ApiToken) else None,
        method=method[:8],
        path=path[:300],
        query=query[:500],
        status=status,
        duration_ms=max(0, duration_ms),
        ip=ip,
    )


def api_call_log_purge() -> int:
    """Delete call records older than API_LOG_DAYS (180 by default); beat runs it daily."""
    days = int(getattr(settings, "API_LOG_DAYS", 180))
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = ApiCallLog.objects.filter(at__lt=cutoff).delete()
    return deleted
