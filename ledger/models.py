"""The abstract ledger entry (台账) every ledger app's model extends, and its scoped queryset.

A ledger app declares its model on `LedgerEntry` (its statuses, date field, deadlines), a `Workflow`
in its workflow.py (ledger.workflow) and its services on ledger.services.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sanzero import workdays
from sanzero.roles import EDIT_ROLES, READ_ROLES
from sanzero.scoping import ScopedQuerySet


def ledger_permissions() -> dict[str, frozenset[str]]:
    return {"view": READ_ROLES, "add": EDIT_ROLES, "change": EDIT_ROLES}


class LedgerQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_on__lt=today)

    def due_soon(self, today: datetime.date, warn_days: int):
        return self.open().filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=warn_days))


class LedgerEntry(models.Model):
    """Abstract base of every ledger entry: belongs to a subject, has a status and a deadline."""

    scope_region_path = "subject__region"
    scope_department_path = "subject__department"
    #: statuses in which the entry is still being handled (counts for overdue)
    OPEN_STATUSES: tuple[str, ...] = ()
    #: the date that places the entry in a month (排查/登记/发生日期)
    DATE_FIELD = "found_on"
    #: URL prefix (DESIGN §7), e.g. "hazards"
    URL_PREFIX = ""
    #: status → Bootstrap badge class, declared beside the statuses in the app's choices.py
    STATUS_BADGES: dict[str, str] = {}
    #: the kinds of attachment (AttachmentKind) offered for this ledger, the first the default
    ATTACHMENT_KINDS: tuple[str, ...] = ("scene", "other")
    #: the kind a photo taken on the create form is filed as; None: the form offers no photo
    PHOTO_KIND: str | None = None
    #: what the entry's page calls its deadline (a recurring duty names its next date: 下次走访)
    DUE_LABEL = "办理期限"

    @classmethod
    def kept_for(cls, subject) -> bool:
        """Whether this ledger is kept for the subject at all: its section on the subject's page (a
        register of a village's residents has none on a school's page)."""
        return True

    subject = models.ForeignKey(
        "units.Subject", verbose_name="创建主体", on_delete=models.PROTECT, related_name="%(class)ss"
    )
    due_on = models.DateField("办理期限", null=True, blank=True, editable=False)
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

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True

    # --- deadlines -----------------------------------------------------------------------------
    #: the stored deadlines; recomputed together when a year's holidays change (sanzero.holidays)
    DEADLINE_FIELDS: tuple[str, ...] = ("due_on",)
    #: whether those deadlines count working days (工作日); only then do pages warn of a year whose
    #: holidays are unknown (calendar-day deadlines, 日, do not depend on them)
    WORKDAY_DEADLINES = False

    def compute_due_on(self, rules) -> datetime.date | None:
        """The date by which the current step must be done; None when nothing is pending."""
        return None

    @classmethod
    def deadline_context(cls) -> dict:
        """What recomputing many entries' deadlines needs loaded once (e.g. the mediation ladder)."""
        return {}

    def recomputed_deadlines(self, rules, context: dict) -> dict[str, datetime.date | None]:
        """Every field of DEADLINE_FIELDS computed afresh under the current calendar and rules."""
        return {"due_on": self.compute_due_on(rules)}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def colour(self, today: datetime.date | None = None, warn_days: int = 3) -> str:
        today = today or timezone.localdate()
        return workdays.deadline_colour(self.due_on, today, done=not self.is_open, warn_days=warn_days)

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if not self.is_open:
            return 0
        return workdays.days_overdue(self.due_on, today or timezone.localdate())

    @property
    def notice_department_id(self) -> int | None:
        """The department whose users a notice about this entry reaches (its subject's); None: no
        department user (a ledger overrides it, e.g. an accusation is kept from the accused department)."""
        return self.subject.department_id

    @property
    def status_badge_class(self) -> str:
        return self.STATUS_BADGES.get(self.status, "text-bg-light")

    @property
    def entry_date(self) -> datetime.date:
        return getattr(self, self.DATE_FIELD)


# --- attachments ----------------------------------------------------------------------------------


class AttachmentKind(models.TextChoices):
    BEFORE = "before", "整改前照片"
    AFTER = "after", "整改后照片"
    AGREEMENT = "agreement", "调解协议书"
    REPLY = "reply", "答复意见书"
    SCENE = "scene", "现场照片"
    OTHER = "other", "其他"


def attachment_path(instance: Attachment, filename: str) -> str:
    """attachments/<app>/<model>/<entry id>/<random key><ext>: never the uploader's name, which is
    kept in original_name only (so no name can reach outside the folder or collide)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    ct = instance.content_type
    return f"attachments/{ct.app_label}/{ct.model}/{instance.object_id}/{uuid.uuid4().hex}.{ext}"


def thumbnail_path(instance: Attachment, filename: str) -> str:
    stored = instance.file.name.rsplit(".", 1)[0]
    return f"{stored}_thumb.jpg"


class AttachmentQuerySet(models.QuerySet):
    """Attachments are reached through their entry only: ``Attachment.objects.of(entry)`` where the
    entry came from ``Model.objects.for_user`` (so the one scoping mechanism applies)."""

    def of(self, entry: LedgerEntry):
        return self.filter(content_type=ContentType.objects.get_for_model(type(entry)), object_id=entry.pk)

    def live(self):
        return self.filter(deleted_at__isnull=True)


class Attachment(models.Model):
    """A file of a ledger entry (a hazard's photos, a dispute's 调解协议书, a petition's 答复意见书).

    Deleting one is soft: it disappears from the page and from downloads, the record (who deleted it,
    when, why) and the file stay, since a scanned agreement may be evidence later (the admin lists
    deleted ones with their storage key; removing a file for good is the storage operator's act).
    Uploads and deletions are in its history and so in the entry's 办理过程.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField("台账编号")
    entry = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("附件类别", max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField("文件", upload_to=attachment_path, max_length=255)
    thumbnail = models.FileField("缩略图", upload_to=thumbnail_path, max_length=255, blank=True)
    original_name = models.CharField("文件名", max_length=120)
    size = models.PositiveBigIntegerField("大小（字节）")
    mime_type = models.CharField("文件类型", max_length=50)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="删除人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delete_reason = models.CharField("删除原因", max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["thumbnail"])

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_entry_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deleted_at__isnull=True) | models.Q(deleted_by__isnull=False),
                name="attachment_deleted_has_user",
                violation_error_message="已删除的附件须记录删除人。",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
