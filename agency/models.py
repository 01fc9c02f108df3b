"""四级书记代办 (seed 003, 长治): a petition or a dispute taken on by the 村(社区), 乡镇(街道), 县 or 市 party
secretary, who sees it through (事要解决) or, when their level cannot settle it, reports it one level up.

One record per matter (a petition or a dispute, never both): who took it on and when, where it came
from (上级交办 — taken on as 代办 or not — or 本级自查) and how it ended. Its scope is its matter's:
a record is visible where the petition or dispute is, and a department user never sees one whose
petition is a 检举控告 (the accused subject is one it supervises; 《信访工作条例》第三十条).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sanzero.roles import role_may
from sanzero.scoping import ScopedQuerySet, scope_q, user_scope

from .choices import AGENCY_STATUS_BADGES, AgencyOutcome, AgencySource, AgencyStatus, MatterKind, SecretaryLevel

#: where a record's region and department are: through its petition, or through its dispute
MATTER_PATHS = ("petition__subject", "dispute__subject")


class AgencyQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """The records whose matter (petition or dispute) lies in the user's scope; a department user's
        stop at its own subjects and never include a 检举控告 petition (it accuses one of them)."""
        from petitions.choices import PetitionType

        scope = user_scope(user)
        if scope.role is None or scope.empty or not role_may(scope.role, self.model._meta.label_lower, action):
            return self.none()
        if scope.unrestricted:
            return self
        where = Q()
        for path in MATTER_PATHS:
            where |= scope_q(scope, f"{path}__region", f"{path}__department")
        qs = self.filter(where)
        if scope.department_id is not None:
            qs = qs.filter(Q(petition__isnull=True) | ~Q(petition__type=PetitionType.ACCUSATION))
        return qs

    def in_region(self, prefix: str):
        return self.filter(
            Q(petition__subject__region__code__startswith=prefix) | Q(dispute__subject__region__code__startswith=prefix)
        )

    def taken_on(self):
        """纳入代办: the records a secretary took on (本级自查, and 上级交办 taken on)."""
        return self.filter(included=True)


class Agency(models.Model):
    petition = models.OneToOneField(
        "petitions.Petition",
        verbose_name="信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency",
    )
    dispute = models.OneToOneField(
        "disputes.Dispute",
        verbose_name="矛盾纠纷",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency",
    )
    source = models.CharField("来源", max_length=4, choices=AgencySource.choices, default=AgencySource.SELF_CHECK)
    assigned_by = models.CharField(
        "交办单位",
        max_length=100,
        blank=True,
        help_text="上级交办的，填写交办的单位，如“市信访局”“县委信访工作联席会议办公室”。",
    )
    included = models.BooleanField(
        "纳入代办", default=True, help_text="上级交办件经研判纳入书记代办；不纳入的须说明原因（本级自查件均纳入）。"
    )
    not_included_reason = models.CharField("未纳入原因", max_length=300, blank=True)
    level = models.CharField("代办书记层级", max_length=4, choices=SecretaryLevel.choices, blank=True)
    secretary = models.CharField("代办书记", max_length=50, blank=True, help_text="代办书记的姓名。")
    taken_on = models.DateField("列入日期", help_text="书记领办（或上级交办）的日期；统计按此日期归入期间。")
    status = models.CharField(
        "状态", max_length=4, choices=AgencyStatus.choices, default=AgencyStatus.HANDLING, editable=False
    )
    finished_on = models.DateField("办结日期", null=True, blank=True, editable=False)
    outcome = models.CharField("办理结果", max_length=4, choices=AgencyOutcome.choices, blank=True, editable=False)
    outcome_note = models.CharField("办理情况", max_length=500, blank=True, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    objects = AgencyQuerySet.as_manager()

    STATUS_BADGES = AGENCY_STATUS_BADGES

    class Meta:
        verbose_name = "书记代办"
        verbose_name_plural = "四级书记代办"
        ordering = ["-taken_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(petition__isnull=False, dispute__isnull=True)
                | Q(petition__isnull=True, dispute__isnull=False),
                name="agency_one_matter",
                violation_error_message="书记代办须对应一件信访事项或一件矛盾纠纷。",
            ),
            models.CheckConstraint(
                condition=Q(included=True) | Q(source=AgencySource.ASSIGNED),
                name="agency_self_check_included",
                violation_error_message="本级自查的事项均纳入代办。",
            ),
            models.CheckConstraint(
                condition=Q(included=False) | ~Q(level="") & ~Q(secretary=""),
                name="agency_included_has_secretary",
                violation_error_message="纳入代办的事项须填写代办书记层级和姓名。",
            ),
            models.CheckConstraint(
                condition=Q(included=True) | ~Q(not_included_reason=""),
                name="agency_not_included_has_reason",
                violation_error_message="未纳入代办的须说明原因。",
            ),
            models.CheckConstraint(
                condition=Q(included=True) | Q(status=AgencyStatus.NOT_TAKEN),
                name="agency_not_included_status",
                violation_error_message="未纳入代办的事项状态应为“未纳入代办”。",
            ),
            models.CheckConstraint(
                condition=~Q(status=AgencyStatus.DONE) | Q(finished_on__isnull=False) & ~Q(outcome=""),
                name="agency_done_has_date_and_outcome",
                violation_error_message="已办结的代办须有办结日期和办理结果。",
            ),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("taken_on")),
                name="agency_finished_after_taken",
                violation_error_message="办结日期不能早于列入日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["taken_on"], name="agency_taken_on"),
            models.Index(fields=["level", "status"], name="agency_level_status"),
        ]

    def __str__(self) -> str:
        who = f"{self.get_level_display()}代办" if self.included and self.level else "上级交办（未纳入代办）"
        return f"{who}：{self.matter}"

    def get_absolute_url(self) -> str:
        return reverse("agency:agency_detail", args=[self.pk])

    @property
    def matter(self):
        return self.petition if self.petition_id else self.dispute

    @property
    def matter_kind(self) -> str:
        return MatterKind.PETITION if self.petition_id else MatterKind.DISPUTE

    @property
    def matter_kind_label(self) -> str:
        return MatterKind(self.matter_kind).label

    @property
    def matter_date(self):
        matter = self.matter
        return matter.received_on if self.petition_id else matter.found_on

    @property
    def status_badge_class(self) -> str:
        return self.STATUS_BADGES.get(self.status, "text-bg-light")

    @property
    def is_open(self) -> bool:
        return self.status == AgencyStatus.HANDLING
