"""export_report --month YYYY-MM [--region CODE] [--department NAME] --output FILE.xlsx (DESIGN §7).

With --department the report counts only the subjects that department supervises (its own snapshot rows).

Writes to a temporary file next to the output and renames it only when the report is complete, so a
failure leaves no file (and never a half-written one in place of an older report).
"""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.builder import ReportError, build_report, month_label, parse_month, resolve_region
from units.models import Department, Region


class Command(BaseCommand):
    help = "导出县委员会报表（汇总表、达标数据、月度数据、台账数据），数据取自月度快照。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--region", default="", help="区划代码（默认：根区划）")
        parser.add_argument("--output", required=True, help="输出文件，如 report.xlsx")
        parser.add_argument("--prepared-by", default="", help="填报人（汇总表页脚）")
        parser.add_argument("--department", default="", help="主管部门名称：只统计该部门主管的主体")

    def handle(self, *args, **opts):
        try:
            month = parse_month(opts["month"])
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        output = Path(opts["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError(f"输出文件“{output}”应以 .xlsx 结尾。")
        directory = output.parent if str(output.parent) else Path(".")
        if not directory.is_dir():
            raise CommandError(f"输出目录“{directory}”不存在。")
        if output.is_dir():
            raise CommandError(f"“{output}”是一个目录，请给出文件名。")

        if (opts["region"] or "").strip():
            try:
                region = resolve_region(opts["region"])
            except ReportError as exc:
                raise CommandError(str(exc)) from exc
        else:
            roots = list(Region.objects.filter(parent__isnull=True).order_by("code")[:2])
            if not roots:
                raise CommandError("没有任何区划，请先导入区划或运行 seed_demo。")
            if len(roots) > 1:
                raise CommandError("有多个根区划，请用 --region 指定区划代码。")
            region = roots[0]

        department = None
        if opts["department"].strip():
            department = Department.objects.filter(name=opts["department"].strip()).first()
            if department is None:
                raise CommandError(f"主管部门“{opts['department'].strip()}”不存在。")

        fd, tmp = tempfile.mkstemp(prefix=".export_report-", suffix=".xlsx", dir=directory)
        os.close(fd)
        try:
            data = build_report(
                user_or_none=None,
                region=region,
                month=month,
                stream_or_path=tmp,
                prepared_by=opts["prepared_by"],
                department=department,
            )
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would outlive the rename
            os.replace(tmp, output)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出{region.name}{department.name + '主管主体' if department else ''}{month_label(month)}报表（{len(data.children)}个下级区划）：{output}"
            )
        )
