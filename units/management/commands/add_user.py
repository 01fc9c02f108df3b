"""add_user USERNAME --role ROLE --region CODE [--region CODE ...] [--department NAME]; password on stdin."""

import sys

from django.core.management.base import BaseCommand, CommandError

from units.services import UserInputError, user_create


class Command(BaseCommand):
    help = "新建用户：角色、管辖区划、部门；密码从标准输入读取。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="admin, county, clerk, grid 或 department")
        parser.add_argument("--region", action="append", default=[], help="管辖区划代码，可重复")
        parser.add_argument("--department", default="", help="部门名称（department 角色必填）")
        parser.add_argument("--full-name", default="")

    def handle(self, *args, **opts):
        if sys.stdin.isatty():
            self.stderr.write("请输入密码后回车：")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            # actor=None: the system. This command is how a fresh install gets its first administrator,
            # before anyone could be the actor; the new user's history shows 系统 as its creator.
            user = user_create(
                actor=None,
                username=opts["username"],
                role=opts["role"],
                region_codes=opts["region"],
                department_name=opts["department"],
                password=password,
                full_name=opts["full_name"],
            )
        except UserInputError as exc:
            raise CommandError(str(exc)) from exc
        regions = "、".join(r.name for r in user.scope_regions.order_by("code"))
        self.stdout.write(
            self.style.SUCCESS(f"已创建用户 {user.username}（{user.get_role_display()}，管辖：{regions or '全部'}）")
        )
