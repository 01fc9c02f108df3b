"""API tokens (a user's key for the read API) and the log of every API call."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ApiToken(models.Model):
    """A key that acts as its user: the user's role and scope, nothing more. Only a hash of the key
    is stored; the key itself is shown once, when the token is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="所属用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=60, help_text="如：省级平台、市局BI报表。")
    prefix = models.CharField("令牌前缀", max_length=16, db_index=True, editable=False)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField("有效期至", null=True, blank=True, help_text="不填则长期有效，直至吊销。")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "已过期"
        return "有效"


class ApiCallLog(models.Model):
    """One call of /api/…: who (user and token), when, what (method, path, query), the answer's status."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.ForeignKey(
        ApiToken, verbose_name="令牌", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    method = models.CharField("方法", max_length=8)
    path = models.CharField("路径", max_length=300)
    query = models.CharField("查询参数", max_length=500, blank=True)
    status = models.PositiveSmallIntegerField("状态码")
    duration_ms = models.PositiveIntegerField("用时（毫秒）")
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = "接口调用记录"
        verbose_name_plural = "接口调用记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="apicall_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"
