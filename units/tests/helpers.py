"""What the subject pages' tests share: valid and bad credit codes, the form posts, reading a page."""

import re

from units.models import Category, Department

VALID_CODE = "91350100M000100Y43"
BAD_CHECKSUM_CODE = "91350100M000100Y44"


def visible_text(response) -> str:
    """The page as a user reads it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def subject_post(world, **overrides) -> dict:
    data = {
        "name": "甲镇恒通商贸有限公司",
        "category": Category.objects.get(name="企业").pk,
        "region": world.village_a.pk,
        "department": Department.objects.get(name="市场监督管理局").pk,
        "credit_code": VALID_CODE,
        "responsible_person": "王建国",
        "phone": "13812345678",
        "address": "测试县甲镇甲一村18号",
        "joined_on": "2026-03-01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_post(subject, **overrides) -> dict:
    """What the edit form posts back unchanged, plus the given changes."""
    data = {
        "name": subject.name,
        "category": subject.category_id,
        "region": subject.region_id,
        "department": subject.department_id or "",
        "credit_code": subject.credit_code,
        "responsible_person": subject.responsible_person,
        "phone": subject.phone,
        "address": subject.address,
        "joined_on": subject.joined_on.isoformat() if subject.joined_on else "",
        "version": subject.version,
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> str:
    return " ".join(response.context["form"].errors.get(field, []))
