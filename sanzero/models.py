from django.contrib.auth.models import AbstractUser
from django.db import models

from .roles import Role


class User(AbstractUser):
    """A person who logs in. One role; one or more scope regions; a department for department staff."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    scope_regions = models.ManyToManyField(
        "units.Region", verbose_name="管辖区划", blank=True, related_name="scoped_users"
    )
    department = models.ForeignKey(
        "units.Department", verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )

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
