"""信访 (petitions) under the 信访工作条例 (2022): 办理中 → 已答复 → 已办结, with the 15-day 告知 and the
60-day 办结 deadline (one extension of at most 30 days, 第34条).

集体访 (headcount ≥ the county's setting, default 5) is *derived*, never stored: the threshold is a
setting the county may change, and a stored flag would silently disagree with it afterwards. Lists
and filters get it as an annotation computed in SQL from the current setting (`with_collective()`,
`collective_q()`), so it costs no extra query per row; `Petition.is_collective` reads that
annotation, or the setting when the object was loaded without it.
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry, LedgerQuerySet
from sanzero import workdays
from sanzero.fields import BlindIndexField, EncryptedCharField, PersonalDataModel
from sanzero.validators import validate_id_number, validate_phone

from .choices import (
    PETITION_STATUS_BADGES,
    AbnormalVisit,
    KeyFlag,
    PetitionChannel,
    PetitionLevel,
    PetitionSource,
    PetitionStatus,
    PetitionType,
    Satisfaction,
)

#: 第34条: an extension may never exceed 30 days, whatever the county's setting says.
LEGAL_MAX_EXTENSION_DAYS = 30


def collective_threshold():
    """The county's 集体访 headcount as an SQL expression (the setting's default when no row exists)."""
    from sanzero.models import DeadlineSettings

    default = DeadlineSettings._meta.get_field("petition_collective_headcount").default
    setting = DeadlineSettings.objects.order_by("pk").values("petition_collective_headcount")[:1]
    return Coalesce(Subquery(setting), Value(default))


def collective_q() -> Q:
    return Q(headcount__gte=collective_threshold())


def key_q(flag: str = KeyFlag.ANY) -> Q:
    """重点信访 (fails 零上访 by default, DESIGN §5): 越级, 集体访 or 非正常访, or any of them."""
    parts = {
        KeyFlag.SKIP_LEVEL: Q(is_skip_level=True),
        KeyFlag.COLLECTIVE: collective_q(),
        KeyFlag.ABNORMAL: Q(is_abnormal=True),
    }
    if flag == KeyFlag.ANY:
        return parts[KeyFlag.SKIP_LEVEL] | parts[KeyFlag.COLLECTIVE] | parts[KeyFlag.ABNORMAL]
    return parts[flag]


#: 信访件编号 the system assigns when none is entered: XF + year + the county's six digits + a sequence
CASE_NUMBER_PREFIX = "XF"
CASE_NUMBER_DIGITS = 5


def case_number_prefix(received_on: datetime.date, region_code: str) -> str:
    return f"{CASE_NUMBER_PREFIX}{received_on:%Y}{region_code[:6]}"


def earlier_same_petitioner_q(id_number_hash, received_on, pk=None) -> Q:
    """Petitions of the same petitioner (the keyed hash of the ID number, never the plaintext) received
    earlier in the same year: on an earlier day, or the same day and registered before (a lower id).
    The arguments may be values or OuterRef expressions."""
    start = received_on.replace(month=1, day=1) if isinstance(received_on, datetime.date) else None
    q = Q(id_number_hash=id_number_hash) & ~Q(id_number_hash="")
    if start is not None:
        q &= Q(received_on__gte=start, received_on__lte=received_on)
    else:
        q &= Q(received_on__year=ExtractYear(received_on), received_on__lte=received_on)
    if pk is not None:
        q &= ~Q(pk=pk) & (Q(received_on__lt=received_on) | Q(pk__lt=pk))
    return q


def agency_of(entry):
    """The entry's 书记代办 record (agency.Agency, the reverse one-to-one ``agency``), or None."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return entry.agency
    except ObjectDoesNotExist:
        return None


class PetitionQuerySet(LedgerQuerySet):
    def with_collective(self):
        """Annotate `collective` (集体访) from the current setting, in the same query."""
        return self.annotate(collective=ExpressionWrapper(collective_q(), output_field=BooleanField()))

    def key(self, flag: str = KeyFlag.ANY):
        return self.filter(key_q(flag))

    def suspected_repeat(self, within):
        """Not flagged 重复访, yet the same ID number (its keyed hash) has an earlier petition this year
        among ``within`` (the user's scoped petitions): what the system suggests the clerk looks at."""
        earlier = within.filter(
            earlier_same_petitioner_q(OuterRef("id_number_hash"), OuterRef("received_on"), OuterRef("pk"))
        )
        return self.filter(is_repeat=False).exclude(id_number_hash="").filter(Exists(earlier))


class Petition(PersonalDataModel, LedgerEntry):
    OPEN_STATUSES = (PetitionStatus.HANDLING, PetitionStatus.REPLIED)
    STATUS_BADGES = PETITION_STATUS_BADGES
    DATE_FIELD = "received_on"
    URL_PREFIX = "petitions"
    ATTACHMENT_KINDS = ("reply", "other")  # 答复意见书

    case_number = models.CharField(
        "信访件编号",
        max_length=40,
        blank=True,
        default="",
        help_text="信访信息系统中的编号（上级交办件填写交办编号）；不填由系统生成（XF+年度+县区划代码+序号）。",
    )
    received_on = models.DateField("登记日期")
    source = models.CharField("信访来源", max_length=4, choices=PetitionSource.choices, default=PetitionSource.LOCAL)
    channel = models.CharField("信访形式", max_length=4, choices=PetitionChannel.choices)
    type = models.CharField("信访类型", max_length=4, choices=PetitionType.choices, default=PetitionType.CLAIM)
    petitioner_name = models.CharField("信访人", max_length=50, blank=True, help_text="匿名检举可不填。")
    # Encrypted at rest, with a keyed hash beside each for exact search (sanzero.crypto, DESIGN §8).
    id_number = EncryptedCharField(
        "身份证号", kind="id_number", max_length=18, blank=True, validators=[validate_id_number]
    )
    id_number_hash = BlindIndexField("身份证号检索值", source="id_number")
    phone = EncryptedCharField("联系电话", kind="phone", max_length=20, blank=True, validators=[validate_phone])
    phone_hash = BlindIndexField("联系电话检索值", source="phone")
    headcount = models.PositiveSmallIntegerField(
        "人数",
        default=1,
        validators=[MinValueValidator(1, "人数至少为1人。")],
        help_text="同一事项共同来访的人数；达到集体访标准（默认5人）的计为集体访。",
    )
    level_reached = models.CharField(
        "到访层级",
        max_length=4,
        choices=PetitionLevel.choices,
        default=PetitionLevel.TOWNSHIP,
        help_text="该信访到达的最高层级。",
    )
    is_skip_level = models.BooleanField("是否越级", default=False)
    is_abnormal = models.BooleanField("是否非正常访", default=False)
    abnormal_visit = models.CharField(
        "异常访",
        max_length=2,
        choices=AbnormalVisit.choices,
        blank=True,
        default="",
        help_text="非正常访到达的层级：进京、进省、进市、进县。",
    )
    is_repeat = models.BooleanField(
        "是否重复访",
        default=False,
        help_text="同一信访人就同一事项本年度再次信访。系统按身份证号（检索值）提示本年度已有的信访，由登记人确认。",
    )
    responsible_unit = models.CharField("责任单位", max_length=100, blank=True, default="")
    lead_official = models.CharField("包案领导", max_length=50, blank=True, default="")
    content = models.TextField("诉求内容", max_length=4000)
    status = models.CharField("状态", max_length=4, choices=PetitionStatus.choices, default=PetitionStatus.HANDLING)
    notify_due = models.DateField("告知期限", null=True, blank=True, editable=False)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    handle_due = models.DateField("办结期限", null=True, blank=True, editable=False)
    extended_days = models.PositiveSmallIntegerField(
        "延期天数",
        default=0,
        validators=[MaxValueValidator(LEGAL_MAX_EXTENSION_DAYS, "延期不能超过30日（信访工作条例第三十四条）。")],
    )
    extension_reason = models.CharField("延期理由", max_length=500, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_note = models.CharField("答复意见", max_length=500, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=4, choices=Satisfaction.choices, blank=True)
    # the history keeps the ciphertext (the same field), not the search hashes
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at", "id_number_hash", "phone_hash"])

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = "信访"
        verbose_name_plural = "信访台账"
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__gte=1),
                name="petition_headcount_positive",
                violation_error_message="人数至少为1人。",
            ),
            models.CheckConstraint(
                condition=Q(extended_days__gte=0) & Q(extended_days__lte=LEGAL_MAX_EXTENSION_DAYS),
                name="petition_extension_0_30",
                violation_error_message="延期天数应在0至30日之间。",
            ),
            models.CheckConstraint(
                condition=Q(extended_days=0) | ~Q(extension_reason=""),
                name="petition_extension_has_reason",
                violation_error_message="延期须说明理由。",
            ),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__gte=F("received_on")),
                name="petition_notified_after_received",
                violation_error_message="告知日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=Q(replied_on__isnull=True) | Q(replied_on__gte=F("received_on")),
                name="petition_replied_after_received",
                violation_error_message="答复日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="petition_closed_after_received",
                violation_error_message="办结日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(replied_on__isnull=True) | Q(closed_on__gte=F("replied_on")),
                name="petition_closed_after_replied",
                violation_error_message="办结日期不能早于答复日期。",
            ),
            models.CheckConstraint(
                condition=Q(status=PetitionStatus.HANDLING) | Q(replied_on__isnull=False),
                name="petition_replied_has_date",
                violation_error_message="已答复的信访须有答复日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=PetitionStatus.CLOSED) | Q(closed_on__isnull=False) & ~Q(satisfaction=""),
                name="petition_closed_has_date_and_satisfaction",
                violation_error_message="已办结的信访须有办结日期和满意度。",
            ),
            models.CheckConstraint(
                condition=Q(abnormal_visit="") | Q(is_abnormal=True),
                name="petition_abnormal_visit_is_abnormal",
                violation_error_message="记录了异常访（进京、进省、进市、进县）的，应同时为非正常访。",
            ),
            models.UniqueConstraint(
                fields=["case_number"],
                condition=~Q(case_number=""),
                name="petition_case_number_unique",
                violation_error_message="该信访件编号已被其他信访使用。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "received_on"], name="petition_subject_received"),
            models.Index(fields=["status", "due_on"], name="petition_status_due"),
            models.Index(fields=["received_on"], name="petition_received"),
            models.Index(fields=["type", "status"], name="petition_type_status"),
            models.Index(fields=["channel", "received_on"], name="petition_channel_received"),
            models.Index(fields=["level_reached", "received_on"], name="petition_level_received"),
            models.Index(fields=["id_number_hash", "received_on"], name="petition_person_received"),
            models.Index(
                fields=["received_on"],
                name="petition_key_received",
                condition=Q(is_skip_level=True) | Q(is_abnormal=True),
            ),
        ]

    def __str__(self) -> str:
        # Never the petitioner: the title shows on pages and in the audit log for every role.
        return f"{self.subject.name}·{self.get_type_display()}信访（{self.received_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("petitions:petition_detail", args=[self.pk])

    # --- deadlines (信访工作条例 第23、34条; calendar days) -----------------------------------------
    def deadlines(self, rules) -> dict[str, datetime.date | None]:
        """告知期限 and 办结期限 from the received date, the county's settings and any extension."""
        if self.received_on is None:
            return {"notify_due": None, "handle_due": None}
        return {
            "notify_due": workdays.add_days(self.received_on, rules.petition_notify_days),
            "handle_due": workdays.add_days(self.received_on, rules.petition_handle_days + (self.extended_days or 0)),
        }

    def compute_due_on(self, rules) -> datetime.date | None:
        """超期 = not 已办结 past its handling deadline (DESIGN §5): 已答复 still counts until closed."""
        if self.status == PetitionStatus.CLOSED or self.received_on is None:
            return None
        return self.handle_due or self.deadlines(rules)["handle_due"]

    @property
    def is_extended(self) -> bool:
        return bool(self.extended_days)

    def notify_overdue(self, today: datetime.date) -> bool:
        """Not yet told (告知) and past the 15-day limit; a reply counts as telling."""
        return (
            self.notified_on is None
            and self.replied_on is None
            and self.notify_due is not None
            and today > self.notify_due
        )

    @property
    def notice_department_id(self) -> int | None:
        """An overdue 检举控告 is not announced to any department: the accused one must not see it."""
        return None if self.type == PetitionType.ACCUSATION else self.subject.department_id

    # --- 集体访 (derived) ---------------------------------------------------------------------------
    @property
    def is_collective(self) -> bool:
        if "collective" not in self.__dict__:
            from sanzero.models import DeadlineSettings

            self.__dict__["collective"] = self.headcount >= DeadlineSettings.current().petition_collective_headcount
        return bool(self.__dict__["collective"])

    @property
    def flag_labels(self) -> list[str]:
        """越级, 集体访, 非正常/异常访, 重复访: the words the list's 重点 column and the export show."""
        flags = []
        if self.is_skip_level:
            flags.append("越级")
        if self.is_collective:
            flags.append("集体访")
        if self.abnormal_visit:
            flags.append(f"{self.abnormal_visit}异常访")
        elif self.is_abnormal:
            flags.append("非正常")
        if self.is_repeat:
            flags.append("重复访")
        return flags

    @property
    def is_key(self) -> bool:
        """重点信访: fails 零上访 under the default rule."""
        return self.is_skip_level or self.is_abnormal or self.is_collective
