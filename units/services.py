"""Writes for regions and subjects. Every function takes the acting user and leaves an audit entry."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sanzero.services import ServiceError, audited_save, model_update, require
from sanzero.validators import normalize_credit_code, normalize_phone

from .models import Category, Region, RegionLevel, Subject

SUBJECT_FIELDS = (
    "name",
    "category",
    "region",
    "department",
    "credit_code",
    "credit_code_warning",
    "responsible_person",
    "phone",
    "address",
    "joined_on",
    "left_on",
)

VILLAGE_CATEGORY_BY_LEVEL = {RegionLevel.VILLAGE: "村", RegionLevel.COMMUNITY: "社区"}


def _may(actor, action: str) -> bool:
    from sanzero.scoping import user_may

    return user_may(actor, Subject, action)


def _check_subject_region(actor, region: Region, action: str) -> None:
    require(_may(actor, action), "您的角色不能登记或修改创建主体。")
    require(
        Region.objects.for_user(actor, "view").filter(pk=region.pk).exists(),
        "所选区划不在您的管辖范围内。",
    )


def _clean_subject_data(data: dict) -> dict:
    data = dict(data)
    if "credit_code" in data:
        data["credit_code"] = normalize_credit_code(data["credit_code"])
    if "phone" in data and data["phone"]:
        data["phone"] = normalize_phone(data["phone"])
    for key in ("name", "responsible_person", "address"):
        if key in data and isinstance(data[key], str):
            data[key] = data[key].strip()
    return data


@transaction.atomic
def subject_create(*, actor, data: dict) -> Subject:
    data = _clean_subject_data(data)
    _check_subject_region(actor, data["region"], "add")
    subject = Subject(**{k: v for k, v in data.items() if k in SUBJECT_FIELDS})
    subject.full_clean()
    audited_save(subject, actor=actor, reason="登记创建主体")
    return subject


@transaction.atomic
def subject_update(*, actor, subject: Subject, data: dict, expected_version: int | None = None) -> list[str]:
    data = _clean_subject_data(data)
    _check_subject_region(actor, subject.region, "change")
    if "region" in data and data["region"] != subject.region:
        _check_subject_region(actor, data["region"], "change")
    if subject.village_region_id and "category" in data and data["category"] != subject.category:
        raise ServiceError("村(社区)区划对应的主体不能改为其他类别。")
    return model_update(
        instance=subject, data=data, fields=SUBJECT_FIELDS, actor=actor,
        expected_version=expected_version, reason="修改创建主体",
    )


@transaction.atomic
def subject_deregister(
    *, actor, subject: Subject, left_on: datetime.date | None = None, reason: str = "",
    expected_version: int | None = None,
) -> Subject:
    """退出创建: set left_on (never a hard delete), so old months still count the subject."""
    _check_subject_region(actor, subject.region, "change")
    if subject.left_on is not None:
        raise ServiceError("该主体已退出创建，无需重复操作。")
    left_on = left_on or timezone.localdate()
    if subject.joined_on and left_on < subject.joined_on:
        raise ValidationError({"left_on": "退出日期不能早于纳入日期。"})
    model_update(
        instance=subject, data={"left_on": left_on, "left_reason": reason.strip()},
        fields=("left_on", "left_reason"), actor=actor, expected_version=expected_version,
        reason=f"退出创建：{reason.strip()}" if reason.strip() else "退出创建",
    )
    return subject


@transaction.atomic
def region_create(*, actor, code: str, name: str, level: str, parent: Region | None) -> Region:
    """Add a region; a village or community is also registered as a subject of its own category."""
    require(actor is None or actor.is_admin_role, "只有系统管理员可以维护区划。")
    region = Region(code=code.strip(), name=name.strip(), level=level, parent=parent)
    region.full_clean()
    audited_save(region, actor=actor, reason="新增区划")
    if region.is_village_level:
        ensure_village_subject(actor=actor, region=region)
    return region


def ensure_village_subject(*, actor, region: Region) -> Subject:
    existing = Subject.objects.filter(village_region=region).first()
    if existing:
        return existing
    category = Category.objects.get(name=VILLAGE_CATEGORY_BY_LEVEL[region.level])
    subject = Subject(
        name=region.name, category=category, region=region, village_region=region,
        department=category.default_department,
    )
    subject.full_clean()
    audited_save(subject, actor=actor, reason="新增村(社区)区划时自动登记")
    return subject


@transaction.atomic
def region_update(*, actor, region: Region, name: str) -> Region:
    """Rename a region (codes and levels are keys: fix them by adding a new region)."""
    require(actor is None or actor.is_admin_role, "只有系统管理员可以维护区划。")
    model_update(instance=region, data={"name": name.strip()}, fields=("name",), actor=actor, reason="修改区划名称")
    return region
