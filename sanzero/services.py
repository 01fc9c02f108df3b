"""Write helpers shared by every app's services (audited saves and conflict-safe updates), and the
kernel's own small writes at the end (notifications, deadline settings; the personal-data access log
is written by sanzero.privacy).

Services call these; views, tasks and commands never save models themselves. The audit trail is
django-simple-history: each save records the acting user and a reason, and the object's page shows
the field-by-field differences (sanzero.audit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import IntegrityError, models, transaction


class ConflictError(Exception):
    """The object changed since the user opened the form; their save was refused, nothing written."""


class ServiceError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""


def require(condition: bool, message: str = "您没有权限执行此操作。") -> None:
    if not condition:
        raise PermissionDenied(message)


_CONSTRAINTS_IN_DATABASE: ContextVar[bool] = ContextVar("constraints_in_database", default=False)


@contextmanager
def constraints_checked_by_database() -> Iterator[None]:
    """Within this block services validate a model without its check constraints and foreign-key
    lookups and leave them to the database's own CHECK and FOREIGN KEY (Django validates each with
    a query: eight per dispute, most of an import's time). For bulk writes of rows already validated
    by the web forms, whose choice fields looked the related rows up (the Excel import); a row that
    still breaks one raises IntegrityError, which :func:`constraint_message` explains."""
    token = _CONSTRAINTS_IN_DATABASE.set(True)
    try:
        yield
    finally:
        _CONSTRAINTS_IN_DATABASE.reset(token)


def full_clean(instance: models.Model) -> None:
    """Model.full_clean as every service calls it (see constraints_checked_by_database)."""
    if not _CONSTRAINTS_IN_DATABASE.get():
        instance.full_clean()
        return
    related = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=related, validate_constraints=False)


def constraint_message(exc: Exception) -> str | None:
    """The Chinese message of the database constraint an IntegrityError names, if it names one of ours."""
    text = str(exc)
    found = [c for model in apps.get_models() for c in model._meta.constraints if c.name in text]
    if not found:
        return None
    return str(max(found, key=lambda c: len(c.name)).get_violation_error_message())


def audited_save(instance: models.Model, *, actor, reason: str = "", **save_kwargs) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    # simple-history keeps the reason in a 100-character column; the full text stays in the object.
    instance._change_reason = (reason[:99] + "…" if len(reason) > 100 else reason) or None
    instance.save(**save_kwargs)


def audited_delete(instance: models.Model, *, actor, reason: str = "") -> None:
    """Delete with an audit entry (simple-history's 删除 record names the actor and the reason)."""
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    instance._change_reason = (reason[:99] + "…" if len(reason) > 100 else reason) or None
    instance.delete()


def model_update(
    *,
    instance: models.Model,
    data: dict,
    fields: Iterable[str],
    actor,
    expected_version: int | None = None,
    reason: str = "",
) -> list[str]:
    """Apply `data` to the listed fields; return the names of the fields that changed.

    With `expected_version` (the version the user's form was built from) the row is locked and a
    newer version refuses the save with ConflictError, so a concurrent edit is never overwritten.
    """
    model = type(instance)
    with transaction.atomic():
        if expected_version is not None:
            current = model.objects.select_for_update().filter(pk=instance.pk).values_list("version", flat=True).first()
            if current is None:
                raise ConflictError("该记录已不存在。")
            if current != expected_version:
                raise ConflictError(
                    "保存失败：在您编辑期间，该记录已被其他用户修改。请刷新页面查看最新内容后重新修改。"
                )
        changed = [f for f in fields if f in data and getattr(instance, f) != data[f]]
        if not changed:
            return []
        for name in changed:
            setattr(instance, name, data[name])
        full_clean(instance)
        update_fields = list(changed)
        if hasattr(instance, "version"):
            instance.version = (expected_version or instance.version) + 1
            update_fields.append("version")
        if any(f.name == "updated_at" for f in model._meta.fields):
            update_fields.append("updated_at")
        audited_save(instance, actor=actor, reason=reason, update_fields=update_fields)
        return changed


# --- a create form posted twice ------------------------------------------------------------------

#: a create form's hidden token (ScopedFormView renders one): 32 hex digits, as uuid4().hex
FORM_TOKEN_LENGTH = 32
STALE_FORM = "表单已失效，请刷新页面后重新填写。"


def form_token_of(value) -> str | None:
    """The posted token if it is one (anything else — missing, oversized, hostile — is no token)."""
    text = str(value or "")
    if len(text) == FORM_TOKEN_LENGTH and all(c in "0123456789abcdef" for c in text):
        return text
    return None


def _submitted(token: str, actor):
    from .models import FormSubmission

    row = FormSubmission.objects.select_related("content_type").filter(token=token).first()
    if row is None:
        return None
    if row.user_id != getattr(actor, "pk", None):
        raise ServiceError(STALE_FORM)  # someone else's token: never hand back their entry
    try:
        return row.target()
    except ObjectDoesNotExist:
        raise ServiceError("该表单已提交过，所登记的记录已被删除。") from None


def create_once(*, actor, token: str | None, create) -> tuple[models.Model, bool]:
    """Run ``create()`` (a create service) at most once per form token: (the entry, True) the first
    time; (the entry that token created, False) for the same form posted again, also at the very same
    moment — the token row is inserted in the entry's own transaction, and the second insert waits for
    the first on the unique index, then fails, which rolls the second entry back. No token: create."""
    from django.contrib.contenttypes.models import ContentType

    from .models import FormSubmission

    if token is None:
        return create(), True
    existing = _submitted(token, actor)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            obj = create()
            if not isinstance(obj, models.Model) or obj.pk is None:
                return obj, True  # not an entry (a job, a redirect): nothing to give back later
            FormSubmission.objects.create(
                token=token, user=actor, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
            )
    except IntegrityError:
        existing = _submitted(token, actor)
        if existing is None:
            raise  # another constraint of the entry itself
        return existing, False
    return obj, True


def form_submissions_cleanup(older_than=None) -> int:
    """Daily (beat): tokens older than a day are forgotten (a form is not posted again after that)."""
    import datetime

    from django.utils import timezone

    from .models import FormSubmission

    before = timezone.now() - (older_than or datetime.timedelta(days=1))
    return FormSubmission.objects.filter(created_at__lt=before).delete()[0]


# --- the kernel's own writes ----------------------------------------------------------------------


def notifications_mark_read(*, actor) -> int:
    """全部标记为已读: every notification in the actor's scope they have not read yet is marked read by
    them, in two queries however many there are (the unread ids, then one bulk insert into the through
    table; SQLite splits an insert of more than a few hundred rows by its parameter limit) after the
    actor's scope. Returns how many were marked. A user without a role (inactive, anonymous) is refused.

    Reading is per user and the read marks are the audit of it, so there is no history row here."""
    from .models import Notification
    from .scoping import user_may
    from .selectors import unread_notifications

    require(user_may(actor, Notification, "view"), "您没有可查看的通知。")
    reads = Notification.read_by.through
    with transaction.atomic():
        unread = list(unread_notifications(actor).values_list("pk", flat=True))
        reads.objects.bulk_create(
            [reads(notification_id=pk, user_id=actor.pk) for pk in unread], ignore_conflicts=True
        )  # a second tab marking the same rows at once
    return len(unread)


def deadline_settings_update(*, actor, data: dict, expected_version: int | None = None) -> list[str]:
    """期限设置: county staff and admins change the deadline rules; audited, conflict-safe."""
    from .models import DeadlineSettings
    from .scoping import user_may

    require(user_may(actor, DeadlineSettings, "change"), "只有县平安办和系统管理员可以修改期限设置。")
    fields = [f.name for f in DeadlineSettings._meta.concrete_fields if f.editable and not f.primary_key]
    return model_update(
        instance=DeadlineSettings.current(),
        data=data,
        fields=fields,
        actor=actor,
        expected_version=expected_version,
        reason="修改期限设置",
    )


# --- remembered list filters (sanzero.views.RememberedFiltersMixin) --------------------------------

#: the longest query string a list remembers; a longer one is not stored (the page still works)
LIST_QUERY_MAX = 1000


def list_filters_remember(*, actor, list_name: str, query: str) -> bool:
    """Remember `query` (the list's visible filters, sort and page size) as `actor`'s on `list_name`.
    An empty query forgets. Returns whether anything was stored. A user preference, not a record of
    the registry: no audit entry."""
    from .models import ListPreference

    if not getattr(actor, "is_authenticated", False) or len(query) > LIST_QUERY_MAX or len(list_name) > 80:
        return False
    if not query:
        list_filters_forget(actor=actor, list_name=list_name)
        return False
    ListPreference.objects.update_or_create(user=actor, list_name=list_name, defaults={"query": query})
    return True


def list_filters_forget(*, actor, list_name: str) -> None:
    """清除筛选: the list opens unfiltered again."""
    from .models import ListPreference

    if getattr(actor, "is_authenticated", False):
        ListPreference.objects.filter(user=actor, list_name=list_name).delete()
