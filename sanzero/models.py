from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .jobs import BackgroundJob, JobStatus
from .roles import Role, role_may
from .scoping import ScopedQuerySet


class User(AbstractUser):
    """A person who logs in. One role; one or more scope regions; a department for department staff."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    scope_regions = models.ManyToManyField(
        "units.Region", verbose_name="管辖区划", blank=True, related_name="scoped_users"
    )
    department = models.ForeignKey(
        "units.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Who created or changed the user (units.services.user_create, the admin). Not the password hash,
    # and not last_login (a login is not a change: see record_last_login). The scope regions are named
    # in the creating entry's reason.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


def record_last_login(sender, user, **kwargs) -> None:
    """Django's update_last_login without a history entry per login: a plain UPDATE of one column
    (sanzero.apps puts it in place of Django's receiver)."""
    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


class DeadlineSettings(models.Model):
    """The county's deadline rules (DESIGN §6). One row; county staff and admins edit it; audited."""

    petition_notify_days = models.PositiveSmallIntegerField("信访告知期限（日）", default=15)
    petition_handle_days = models.PositiveSmallIntegerField("信访办结期限（日）", default=60)
    petition_extend_max_days = models.PositiveSmallIntegerField("信访最长延期（日）", default=30)
    petition_collective_headcount = models.PositiveSmallIntegerField("集体访人数标准（人及以上）", default=5)
    hazard_general_days = models.PositiveSmallIntegerField("一般隐患整改期限（日）", default=7)
    hazard_major_days = models.PositiveSmallIntegerField("重大隐患整改期限（日）", default=30)
    warn_days = models.PositiveSmallIntegerField("临期提醒（日）", default=3)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "期限设置"
        verbose_name_plural = "期限设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(petition_handle_days__gte=1), name="deadline_handle_positive"),
            models.CheckConstraint(condition=models.Q(hazard_general_days__gte=1), name="deadline_hazard_positive"),
        ]

    def __str__(self) -> str:
        return "期限设置"

    @classmethod
    def current(cls) -> "DeadlineSettings":
        obj = cls.objects.order_by("pk").first()
        if obj is None:
            obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class AccessLogQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        """The log of the users in `user`'s scope (a county user: users whose regions lie in its county,
        itself included; an administrator: everyone), for the roles allowed to read it."""
        from .scoping import scope_q, user_scope

        scope = user_scope(user)
        if scope.role is None or scope.empty or not role_may(scope.role, self.model._meta.label_lower, action):
            return self.none()
        if scope.unrestricted:
            return self
        users = User.objects.filter(scope_q(scope, "scope_regions", None)).values("pk")
        return self.filter(user__in=users)


class AccessLog(models.Model):
    """Who saw or exported personal data, when, and of which record (DESIGN §8)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", "查看完整个人信息"
        EXPORT = "export", "导出含个人信息"

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.PROTECT, related_name="access_logs")
    at = models.DateTimeField("时间", auto_now_add=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_label = models.CharField("对象类型", max_length=60)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    fields = models.CharField("字段", max_length=200, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_label", "object_id"], name="accesslog_object"),
            models.Index(fields=["at"], name="accesslog_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.object_label}#{self.object_id}"


class Notification(models.Model):
    """An in-app message for the users of a region (e.g. a ledger entry became overdue)."""

    scope_region_path = "region"
    # a department user sees the notices of the subjects it supervises only (and no accusation of its own)
    scope_department_path = "department"

    region = models.ForeignKey(
        "units.Region", verbose_name="区划", on_delete=models.CASCADE, related_name="notifications"
    )
    department = models.ForeignKey(
        "units.Department",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="该事项主体的主管部门；空：行业主管部门用户看不到（如针对本部门的检举控告）。",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    kind = models.CharField("类型", max_length=20, default="overdue")
    message = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=200, blank=True)
    object_label = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True, help_text="同一事项同一期限只通知一次")
    read_by = models.ManyToManyField(User, blank=True, related_name="read_notifications")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class ImportJob(BackgroundJob):
    """One uploaded workbook: who, which kind, the dry-run counts, every error, the result.

    Its lifecycle (sanzero.importing.jobs): 排队中 → 校验中 → 已校验（待确认）| 校验未通过, then, once
    confirmed, 排队中 again → 导入中 → 已导入 | 失败. The dry run and the import are two runs of one job.
    """

    class Status(models.TextChoices):
        VALIDATED = "validated", "已校验（待确认）"
        INVALID = "invalid", "校验未通过"
        QUEUED = JobStatus.QUEUED, "排队中"
        RUNNING = JobStatus.RUNNING, "导入中"
        DONE = JobStatus.DONE, "已导入"
        FAILED = JobStatus.FAILED, "失败"

    user = models.ForeignKey(User, verbose_name="导入人", on_delete=models.PROTECT, related_name="import_jobs")
    kind = models.CharField("类型", max_length=20)
    filename = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="imports/%Y/%m/", max_length=300)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.VALIDATED)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    new_rows = models.PositiveIntegerField("新增", default=0)
    changed_rows = models.PositiveIntegerField("修改", default=0)
    unchanged_rows = models.PositiveIntegerField("未变化", default=0)
    errors = models.JSONField("错误", default=list, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} {self.get_status_display()}"


class ExportJob(BackgroundJob):
    """A list export (or report) built in the background: the download centre lists these."""

    class Status(models.TextChoices):
        QUEUED = JobStatus.QUEUED, "排队中"
        RUNNING = JobStatus.RUNNING, "生成中"
        DONE = JobStatus.DONE, "已完成"
        FAILED = JobStatus.FAILED, "失败"

    user = models.ForeignKey(User, verbose_name="导出人", on_delete=models.PROTECT, related_name="export_jobs")
    label = models.CharField("内容", max_length=100)
    kind = models.CharField("类型", max_length=40)
    query = models.CharField("筛选条件", max_length=2000, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    row_count = models.PositiveIntegerField("行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", max_length=300, blank=True)
    personal_data = models.BooleanField("含完整个人信息", default=False)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"

    def __str__(self) -> str:
        return f"{self.label} {self.get_status_display()}"


class HolidayKind(models.TextChoices):
    REST = "放假", "放假"
    WORK = "调休上班", "调休上班"


class Holiday(models.Model):
    """One officially announced day of the 国务院办公厅 节假日安排 notice: a rest day (放假) or a
    make-up workday (调休上班), with the holiday it belongs to (元旦, 春节…).

    A year with at least one row is “entered” and overrides the chinesecalendar package for that
    whole year (sanzero.workdays). Written only by sanzero.holidays.services, which audit every
    change and bump :class:`HolidayStamp` in the same transaction.
    """

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=4, choices=HolidayKind.choices)
    name = models.CharField("名称", max_length=20)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=HolidayKind.values),
                name="holiday_kind_valid",
                violation_error_message="类型应为“放假”或“调休上班”。",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="holiday_name_not_empty",
                violation_error_message="请填写名称（如元旦、春节）。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}{self.kind}"

    @property
    def is_rest(self) -> bool:
        return self.kind == HolidayKind.REST


class HolidayStamp(models.Model):
    """The version of the entered holiday calendar: one row, bumped in the transaction of every change
    of :class:`Holiday` rows. Each process compares it with the version its in-memory table was
    loaded under, at most every few seconds (sanzero.workdays explains the cache)."""

    version = models.PositiveBigIntegerField("版本", default=0)
    changed_at = models.DateTimeField("变更时间", null=True, blank=True)

    class Meta:
        verbose_name = "节假日安排版本"
        verbose_name_plural = "节假日安排版本"

    def __str__(self) -> str:
        return f"节假日安排版本 {self.version}"


class ListPreference(models.Model):
    """The filters and sort a user last used on a list (per user and list, so they survive logout).

    `query` is the list's own query string of its visible filters, sort and page size; written only by
    sanzero.services.list_filters_remember / list_filters_forget; a stored value that no longer
    validates is dropped, never applied (sanzero.views.RememberedFiltersMixin)."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="list_preferences")
    list_name = models.CharField("列表", max_length=80)
    query = models.CharField("筛选条件", max_length=1000, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "列表筛选记忆"
        verbose_name_plural = "列表筛选记忆"
        constraints = [models.UniqueConstraint(fields=["user", "list_name"], name="listpreference_user_list")]

    def __str__(self) -> str:
        return f"{self.user} {self.list_name}"


class FormSubmission(models.Model):
    """A create form's one-time token, recorded with the entry it created in the same transaction
    (sanzero.services.create_once): the same form posted twice — a double click, two tabs, a reload —
    gives back that entry instead of registering a second one. The token's uniqueness is the guard,
    so two posts at the very same moment are told apart by the database, not by a read first."""

    token = models.CharField("表单标识", max_length=32, unique=True)
    user = models.ForeignKey(User, verbose_name="提交人", on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField("记录")
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "表单提交记录"

    def __str__(self) -> str:
        return f"{self.token} → {self.content_type_id}:{self.object_id}"

    def target(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)
