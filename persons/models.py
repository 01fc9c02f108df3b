"""重点人员 (key persons): 社区矫正, 刑满释放, 严重精神障碍, 重点信访人, 吸毒 … registered in their
village or community (its own 创建主体), each with the grid worker who keeps them (包户) and a visit
every so many days; an overdue visit is supervised (督办) like any open deadline. 在管 → 已解除.

Who sees a person (the role table, persons.apps.PERSON_PERMISSIONS, and `KeyPersonQuerySet.for_user`):
- county staff and administrators: every person in scope (county staff read only);
- a township clerk: the township's persons;
- a grid worker: only the persons they keep (包户), inside their scope; another grid worker's are 404;
- a 行业主管部门 user: none (the role table gives departments no view: 公安、司法、卫健 staff work
  their own systems; a county may add the role in the table if it decides otherwise).

姓名, 身份证号, 联系电话 and 现住址 are personal data (persons.privacy): the ID number and the phone are
encrypted at rest with keyed hashes beside them (sanzero.fields), as petitioners' are.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry, LedgerQuerySet
from sanzero.crypto import blind_index
from sanzero.fields import BlindIndexField, EncryptedCharField, PersonalDataModel
from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.validators import validate_id_number, validate_phone

from .choices import PERSON_STATUS_BADGES, RISK_BADGES, PersonCategory, PersonStatus, RiskLevel, VisitWay
from .privacy import mask_name


class KeyPersonQuerySet(LedgerQuerySet):
    def for_user(self, user, action: str = "view"):
        """The ledger scope (region prefixes, the role table), and for a grid worker only their 包户."""
        qs = super().for_user(user, action)
        if user_scope(user).role == Role.GRID:
            qs = qs.filter(grid_worker_id=user.pk)
        return qs


class KeyPerson(PersonalDataModel, LedgerEntry):
    OPEN_STATUSES = (PersonStatus.MANAGED,)
    STATUS_BADGES = PERSON_STATUS_BADGES
    DATE_FIELD = "registered_on"
    URL_PREFIX = "persons"
    DUE_LABEL = "下次走访"
    ATTACHMENT_KINDS = ("other",)

    registered_on = models.DateField("列管日期")
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedCharField("身份证号", kind="id_number", max_length=18, validators=[validate_id_number])
    id_number_hash = BlindIndexField("身份证号检索值", source="id_number")
    phone = EncryptedCharField("联系电话", kind="phone", max_length=20, blank=True, validators=[validate_phone])
    phone_hash = BlindIndexField("联系电话检索值", source="phone")
    address = models.CharField("现住址", max_length=200, blank=True)
    category = models.CharField("人员类别", max_length=10, choices=PersonCategory.choices)
    risk_level = models.CharField("风险等级", max_length=2, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包户网格员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kept_persons",
        help_text="负责走访的网格员；其管辖区划须包含该人员所在村(社区)。",
    )
    visit_every_days = models.PositiveSmallIntegerField(
        "走访周期（天）", help_text="每隔多少天走访一次；不填按风险等级：高7天、中15天、低30天。逾期未走访的列入督办。"
    )
    last_visited_on = models.DateField("最近走访日期", null=True, blank=True, editable=False)
    note = models.TextField("基本情况", max_length=1000, blank=True, help_text="列管原因、帮扶管控措施等。")
    status = models.CharField("状态", max_length=4, choices=PersonStatus.choices, default=PersonStatus.MANAGED)
    released_on = models.DateField("解除日期", null=True, blank=True)
    release_reason = models.CharField("解除原因", max_length=300, blank=True)
    # the history keeps the ciphertext (the same field), not the search hashes
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at", "id_number_hash", "phone_hash"])

    objects = KeyPersonQuerySet.as_manager()

    class Meta:
        verbose_name = "重点人员"
        verbose_name_plural = "重点人员"
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visit_every_days__gte=1) & Q(visit_every_days__lte=365),
                name="keyperson_visit_days_range",
                violation_error_message="走访周期应在1到365天之间。",
            ),
            models.CheckConstraint(
                condition=Q(last_visited_on__isnull=True) | Q(last_visited_on__gte=F("registered_on")),
                name="keyperson_visited_after_registered",
                violation_error_message="走访日期不能早于列管日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=PersonStatus.RELEASED) | Q(released_on__isnull=False),
                name="keyperson_released_has_date",
                violation_error_message="已解除列管的人员须有解除日期。",
            ),
            models.CheckConstraint(
                condition=Q(released_on__isnull=True) | Q(released_on__gte=F("registered_on")),
                name="keyperson_released_after_registered",
                violation_error_message="解除日期不能早于列管日期。",
            ),
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(status=PersonStatus.MANAGED),
                name="keyperson_one_managed_per_id",
                violation_error_message="该身份证号已登记为在管重点人员，不能重复列管。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "registered_on"], name="keyperson_subject_registered"),
            models.Index(fields=["status", "due_on"], name="keyperson_status_due"),
            models.Index(fields=["grid_worker", "status"], name="keyperson_worker_status"),
        ]

    def __str__(self) -> str:
        # Never the full name: the title shows on 督办, the work queue, notices and the audit log.
        return f"{mask_name(self.name)}（{self.get_category_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("persons:person_detail", args=[self.pk])

    @classmethod
    def kept_for(cls, subject) -> bool:
        """A person lives in a village or community: only its own subject's page lists persons."""
        return subject.village_region_id is not None

    def clean(self):
        # the keyed hashes as the save will write them, so that full_clean checks "one 在管 record per ID
        # number" against the new value, not the stored one
        self.id_number_hash = blind_index("id_number", self.id_number or "")
        self.phone_hash = blind_index("phone", self.phone or "")

    def compute_due_on(self, rules) -> datetime.date | None:
        """The next visit: a period after the last one (or after registration); none once released."""
        if self.status != PersonStatus.MANAGED or self.registered_on is None or not self.visit_every_days:
            return None
        return (self.last_visited_on or self.registered_on) + datetime.timedelta(days=self.visit_every_days)

    @property
    def notice_department_id(self) -> int | None:
        """An overdue visit is announced to the township only: departments do not see persons."""
        return None

    @property
    def risk_badge_class(self) -> str:
        return RISK_BADGES.get(self.risk_level, "text-bg-light")


class PersonVisit(models.Model):
    """One visit of a key person (走访记录), shown on the person's page and timeline."""

    person = models.ForeignKey(KeyPerson, verbose_name="重点人员", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("走访日期")
    way = models.CharField("走访方式", max_length=6, choices=VisitWay.choices, default=VisitWay.HOME)
    situation = models.CharField("走访情况", max_length=500)
    abnormal = models.BooleanField("发现异常", default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="走访登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["person", "visited_on"], name="personvisit_person_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.visited_on:%Y-%m-%d}"


class PersonLink(models.Model):
    """A petition or a dispute the person appears in (关联事项), linked by a clerk or grid worker from
    the person's page; audited. Kept here so the petition and dispute apps know nothing of persons."""

    person = models.ForeignKey(KeyPerson, verbose_name="重点人员", on_delete=models.CASCADE, related_name="links")
    petition = models.ForeignKey(
        "petitions.Petition", verbose_name="信访", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dispute = models.ForeignKey(
        "disputes.Dispute", verbose_name="矛盾纠纷", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="关联人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("关联时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "重点人员关联事项"
        verbose_name_plural = "重点人员关联事项"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(petition__isnull=False, dispute__isnull=True)
                | Q(petition__isnull=True, dispute__isnull=False),
                name="personlink_one_target",
                violation_error_message="一条关联只能指向一件信访或一件矛盾纠纷。",
            ),
            models.UniqueConstraint(
                fields=["person", "petition"], condition=Q(petition__isnull=False), name="personlink_unique_petition"
            ),
            models.UniqueConstraint(
                fields=["person", "dispute"], condition=Q(dispute__isnull=False), name="personlink_unique_dispute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {'信访' if self.petition_id else '纠纷'} {self.petition_id or self.dispute_id}"

    @property
    def target(self):
        return self.petition if self.petition_id else self.dispute

    @property
    def kind_label(self) -> str:
        return "信访" if self.petition_id else "矛盾纠纷"
