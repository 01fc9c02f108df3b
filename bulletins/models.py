"""排名通报: a monthly bulletin of a county's townships, generated from the month's snapshot.

A bulletin starts as a draft (草稿): the ranking read from the snapshot (dashboards.selectors.ranking_entries),
and texts the county staff edit — the 导语, the 红黑榜 (a unit and a reason each, BulletinMention), the
督办事项, the 工作要求. Publishing numbers it 第N期 within its county and year (a unique constraint; two
publishes at once get N and N+1), freezes the whole document as it reads (``content``) and keeps its print
files (xlsx, pdf) as they were produced: a published bulletin is never edited, recomputed or re-rendered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sanzero.roles import role_may
from sanzero.scoping import ScopedQuerySet, scope_q, user_scope


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class MentionBoard(models.TextChoices):
    RED = "red", "红榜"
    BLACK = "black", "黑榜"


#: the lengths of the code prefixes above a region (province, city, county, township)
ANCESTOR_PREFIX_LENGTHS = (2, 4, 6, 9)


class BulletinQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """County staff: the bulletins of their region, drafts included. Everyone may read (view) the
        published bulletins of the regions above their scope: a township's clerk its county's 通报."""
        scope = user_scope(user)
        if scope.role is None or scope.empty or not role_may(scope.role, self.model._meta.label_lower, action):
            return self.none()
        if scope.unrestricted:
            return self
        own = scope_q(scope, "region", None)
        if action != "view":
            return self.filter(own)
        if not role_may(scope.role, self.model._meta.label_lower, "change"):
            own &= Q(status=BulletinStatus.PUBLISHED)
        above = {p[:n].ljust(12, "0") for p in scope.prefixes for n in ANCESTOR_PREFIX_LENGTHS if n < len(p)}
        return self.filter(own | Q(region__code__in=above, status=BulletinStatus.PUBLISHED))


class Bulletin(models.Model):
    scope_region_path = "region"
    scope_department_path = None

    region = models.ForeignKey("units.Region", verbose_name="通报区划", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("通报月份")  # the first day of the month whose snapshot it reports
    year = models.PositiveSmallIntegerField("年度")  # the numbering year: the month's
    number = models.PositiveIntegerField("期号", null=True, blank=True)  # 第N期, assigned when published
    status = models.CharField("状态", max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT)
    title = models.CharField("标题", max_length=100)
    issuer = models.CharField("发文单位", max_length=60)
    issued_on = models.DateField("印发日期")
    intro = models.TextField("导语", max_length=1000, blank=True)
    supervised = models.TextField("督办事项", max_length=3000, blank=True, help_text="每行一项。")
    requirements = models.TextField("工作要求", max_length=2000, blank=True)
    # the snapshot's figures when the draft was made or refreshed (dashboards' ranking, as plain numbers)
    ranking = models.JSONField("排名数据", default=dict)
    snapshot_at = models.DateTimeField("快照计算时间", null=True, blank=True)
    # the published document as it reads (bulletins.document), its digest and its files; empty for drafts
    content = models.JSONField("发布内容", default=dict, blank=True)
    content_sha256 = models.CharField("内容校验码", max_length=64, blank=True)
    xlsx = models.BinaryField("Excel文件", null=True, blank=True)
    pdf = models.BinaryField("PDF文件", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["ranking", "content", "xlsx", "pdf"])

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = "排名通报"
        verbose_name_plural = "排名通报"
        ordering = ["-year", "-number", "-month", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "number"],
                condition=Q(number__isnull=False),
                name="bulletin_region_year_number",
                violation_error_message="该期号已被使用。",
            ),
            models.CheckConstraint(
                condition=Q(status=BulletinStatus.DRAFT) | Q(number__isnull=False, published_at__isnull=False),
                name="bulletin_published_numbered",
                violation_error_message="已发布的通报必须有期号。",
            ),
        ]
        indexes = [models.Index(fields=["region", "month"], name="bulletin_region_month")]

    def __str__(self) -> str:
        return f"{self.region} {self.number_text or '草稿'} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("bulletins:detail", args=[self.pk])

    @property
    def published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED

    @property
    def number_text(self) -> str:
        return f"{self.year}年第{self.number}期" if self.number else ""


class BulletinMention(models.Model):
    """One unit of a bulletin's 红黑榜, with the reason it is named."""

    bulletin = models.ForeignKey(Bulletin, verbose_name="通报", on_delete=models.CASCADE, related_name="mentions")
    board = models.CharField("榜单", max_length=5, choices=MentionBoard.choices)
    region = models.ForeignKey("units.Region", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("理由", max_length=200)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "红黑榜"
        verbose_name_plural = "红黑榜"
        ordering = ["board", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "board", "region"], name="bulletinmention_once_per_board")
        ]

    def __str__(self) -> str:
        return f"{self.get_board_display()} {self.region}"
