"""Creating users: the add_user command and seed_demo use this one service."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from sanzero.roles import Role

from .models import Department, Region


class UserInputError(Exception):
    pass


@transaction.atomic
def user_create(
    *, actor, username: str, role: str, region_codes: list[str], password: str,
    department_name: str = "", full_name: str = "", check_password_strength: bool = True,
):
    User = get_user_model()
    errors = []
    username = (username or "").strip()
    if not username:
        errors.append("用户名不能为空。")
    elif User.objects.filter(username=username).exists():
        errors.append(f"用户名“{username}”已存在。")
    if role not in Role.values:
        errors.append(f"角色“{role}”无效，可选：{', '.join(Role.values)}。")
    regions = []
    for code in region_codes:
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            errors.append(f"区划代码“{code}”不存在。")
        else:
            regions.append(region)
    if role != Role.ADMIN and not region_codes:
        errors.append("除系统管理员外，用户至少需要一个管辖区划（--region）。")
    department = None
    if department_name:
        department = Department.objects.filter(name=department_name.strip()).first()
        if department is None:
            errors.append(f"部门“{department_name}”不存在。")
    elif role == Role.DEPARTMENT:
        errors.append("行业主管部门用户必须指定部门（--department）。")
    if not password:
        errors.append("密码不能为空。")
    elif check_password_strength:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            errors.extend(f"密码不符合要求：{m}" for m in exc.messages)
    if errors:
        raise UserInputError("\n".join(errors))
    user = User(username=username, role=role, department=department, full_name=full_name,
                is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    user.set_password(password)
    user.save()
    user.scope_regions.set(regions)
    return user
