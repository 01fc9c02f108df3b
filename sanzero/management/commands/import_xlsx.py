"""import_xlsx KIND FILE [--dry-run] [--user USERNAME]: the Excel import of DESIGN §7 from the shell.

All rows or none: on any error every error is printed as ``第N行 列名: 原因``, nothing is written
and the command exits with status 1. It acts as a system user: ``--user``, or the first active
administrator.
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sanzero.importing.base import get_kind, kind_names
from sanzero.importing.engine import import_file
from sanzero.importing.jobs import job_record
from sanzero.roles import Role


class Command(BaseCommand):
    help = "从Excel（.xlsx）导入数据：区划、创建主体、各类台账或年度目标。任一行有错误则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=kind_names(), help="导入类型：" + "、".join(kind_names()))
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计，不写入")
        parser.add_argument("--user", default="", help="以该用户身份导入（默认：第一个系统管理员）")

    def handle(self, *args, **opts):
        kind = get_kind(opts["kind"])
        actor = self._actor(opts["user"])
        path = opts["file"]
        if not os.path.isfile(path):
            raise CommandError(f"文件不存在：{path}")

        verbose = opts["verbosity"] >= 2

        def progress(pct: int) -> None:
            if verbose and pct % 10 == 0:
                self.stderr.write(f"进度 {pct}%")

        result = import_file(actor=actor, kind=kind, file=path, dry_run=opts["dry_run"], progress=progress)
        job = job_record(actor=actor, kind=kind, path=path, result=result)
        for warning in result.warnings:
            self.stdout.write(f"提示 {warning}")
        if not result.ok:
            lines = "\n".join(result.errors)
            raise CommandError(
                f"{lines}\n导入失败：共{len(result.errors)}处错误，未写入任何数据（导入记录#{job.pk}）。"
            )
        prefix = "试导入通过（--dry-run，未写入）" if opts["dry_run"] else "导入完成"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}：{kind.label}，共{result.total}行，新增{result.new}行，修改{result.changed}行，"
                f"未变化{result.unchanged}行（导入记录#{job.pk}）。"
            )
        )

    def _actor(self, username: str):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"用户“{username}”不存在。")
            if not user.is_active:
                raise CommandError(f"用户“{username}”已停用。")
            return user
        user = (
            User.objects.filter(is_active=True).filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk").first()
        )
        if user is None:
            raise CommandError("没有可用的系统管理员用户：请用 --user 指定导入人，或先用 add_user 新建系统管理员。")
        return user
