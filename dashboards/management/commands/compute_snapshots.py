import datetime

from django.core.management.base import BaseCommand, CommandError

from dashboards import compute
from units.models import Region


def parse_month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"月份“{value}”格式不正确，应为YYYY-MM，如2026-03。") from None


class Command(BaseCommand):
    help = "计算某月的三零达标快照（与Celery任务相同的代码）。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--region", default="", help="区划代码（默认：每个根区划）")

    def handle(self, *args, **opts):
        month = parse_month(opts["month"])
        if opts["region"]:
            regions = list(Region.objects.filter(code=opts["region"]))
            if not regions:
                raise CommandError(f"区划代码“{opts['region']}”不存在。")
        else:
            regions = list(Region.objects.filter(parent__isnull=True))
            if not regions:
                raise CommandError("没有任何区划，请先导入区划或运行 seed_demo。")
        for region in regions:
            try:
                result = compute.compute_month(region=region, month=month)
            except compute.MonthLocked as exc:
                raise CommandError(str(exc)) from None
            rate = f"{result.passed / result.subjects:.1%}" if result.subjects else "—"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{region.name} {month:%Y-%m}：{result.subjects}个主体，本月达标{result.passed}个（{rate}），"
                    f"{result.regions}个区划，用时{result.seconds:.2f}秒"
                )
            )
