"""Writes for key persons; every function takes the acting user and is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from ledger.services import entry_create, entry_update
from ledger.workflow import transition_run
from sanzero.models import AccessLog, DeadlineSettings
from sanzero.privacy import access_log_create
from sanzero.services import ServiceError, audited_delete, audited_save, full_clean

from .models import KeyPerson, PersonLink
from .privacy import PERSONAL_MASKS, may_reveal

PERSON_FIELDS = (
    "subject",
    "registered_on",
    "name",
    "id_number",
    "phone",
    "address",
    "category",
    "risk_level",
    "grid_worker",
    "visit_every_days",
    "note",
)
ONE_MANAGED = "该身份证号已登记为在管重点人员，不能重复列管。"


def _check_grid_worker(actor, data: dict, obj: KeyPerson | None = None) -> None:
    """The 包户 is a grid worker holding the person's village in scope; a grid worker keeps what they enter."""
    from sanzero.roles import Role
    from sanzero.scoping import user_scope

    worker = data.get("grid_worker", obj.grid_worker if obj is not None else None)
    subject = data.get("subject", obj.subject if obj is not None else None)
    if user_scope(actor).role == Role.GRID and worker != actor:
        raise ServiceError("网格员登记或修改的重点人员须由本人包户。")
    if worker is None:
        return
    if worker.role != Role.GRID or not worker.is_active:
        raise ServiceError(f"{worker.display_name}不是在用的网格员账号。")
    region = subject.region
    if not any(region.code.startswith(r.prefix) for r in worker.scope_regions.all()):
        raise ServiceError(f"{worker.display_name}的管辖区划不包含{region.name}，不能作为该人员的包户网格员。")


def _village_subject(subject) -> None:
    if subject.village_region_id is None:
        raise ServiceError("重点人员应登记在其所在村(社区)。")


def key_person_create(*, actor, data: dict, steps=()) -> KeyPerson:
    _village_subject(data["subject"])
    _check_grid_worker(actor, data)
    try:
        with transaction.atomic():
            return entry_create(actor=actor, model=KeyPerson, data=data, rules=DeadlineSettings.current(), steps=steps)
    except IntegrityError as exc:  # two clerks registering the same ID number at the same moment
        raise ServiceError(ONE_MANAGED) from exc


def key_person_update(*, actor, obj: KeyPerson, data: dict, expected_version: int | None = None) -> list[str]:
    if "subject" in data:
        _village_subject(data["subject"])
    _check_grid_worker(actor, data, obj)
    try:
        with transaction.atomic():
            return entry_update(
                actor=actor,
                obj=obj,
                data=data,
                fields=PERSON_FIELDS,
                expected_version=expected_version,
                rules=DeadlineSettings.current(),
            )
    except IntegrityError as exc:
        raise ServiceError(ONE_MANAGED) from exc


def key_person_transition(
    *, actor, obj: KeyPerson, name: str, data: dict | None = None, expected_version: int | None = None
) -> KeyPerson:
    from .workflow import PERSON_WORKFLOW

    return transition_run(
        actor=actor,
        obj=obj,
        workflow=PERSON_WORKFLOW,
        name=name,
        data=data or {},
        expected_version=expected_version,
        rules=DeadlineSettings.current(),
    )


@transaction.atomic
def key_person_reveal(*, actor, person: KeyPerson) -> AccessLog:
    """显示完整个人信息 of one person: REVEAL_ROLES and the person's own 包户 grid worker, in scope;
    logged (who, when, which person, which fields). Refused: PermissionDenied, nothing logged."""
    if not KeyPerson.objects.for_user(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("该记录不在您的管辖范围内。")
    if not may_reveal(actor, person):
        raise PermissionDenied("您的角色不能查看该人员的完整个人信息。")
    return access_log_create(
        actor=actor,
        action=AccessLog.Action.REVEAL,
        object_label=KeyPerson._meta.label_lower,
        object_id=str(person.pk),
        fields=list(PERSONAL_MASKS),
    )


def _changeable(actor, person: KeyPerson) -> KeyPerson:
    locked = KeyPerson.objects.for_user(actor, "change").select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise PermissionDenied("您没有权限修改该人员的关联事项。")
    return locked


@transaction.atomic
def person_link_add(*, actor, person: KeyPerson, petition=None, dispute=None) -> PersonLink:
    """关联 a petition or a dispute the actor can see to a person the actor may change; audited."""
    from disputes.models import Dispute
    from petitions.models import Petition

    if (petition is None) == (dispute is None):
        raise ServiceError("请选择一件信访或一件矛盾纠纷。")
    locked = _changeable(actor, person)
    model, target = (Petition, petition) if petition is not None else (Dispute, dispute)
    label = model._meta.verbose_name
    if not model.objects.for_user(actor).filter(pk=target.pk).exists():
        raise ServiceError(f"编号为{target.pk}的{label}不存在或不在您的管辖范围内。")
    existing = PersonLink.objects.filter(person=locked, petition=petition, dispute=dispute)
    if existing.exists():
        raise ServiceError(f"该{label}（编号{target.pk}）已关联。")
    link = PersonLink(person=locked, petition=petition, dispute=dispute, created_by=actor)
    full_clean(link)
    audited_save(link, actor=actor, reason=f"关联{label}：{target}")
    return link


@transaction.atomic
def person_link_remove(*, actor, link: PersonLink) -> None:
    """解除关联: the link goes; its history (who linked, who removed, when) stays."""
    _changeable(actor, link.person)
    label = link.kind_label
    audited_delete(link, actor=actor, reason=f"解除关联{label}：编号{link.petition_id or link.dispute_id}")
