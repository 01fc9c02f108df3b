from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from units.demo import seed_demo
from units.models import Region


class Command(BaseCommand):
    help = "载入虚构的演示县（区划、创建主体、每个角色一个用户）。已存在时不重复载入。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="county", help="county（县）；city、province 由后续版本提供")
        parser.add_argument("--year", type=int, default=timezone.localdate().year, help="演示数据年度")
        parser.add_argument("--if-empty", action="store_true", help="仅在数据库中没有任何区划时载入")

    def handle(self, *args, **opts):
        if opts["scale"] not in {"county"}:
            raise CommandError(f"规模“{opts['scale']}”暂不支持，可选：county。")
        if not 2000 <= opts["year"] <= 2100:
            raise CommandError("年度应在2000–2100之间。")
        if opts["if_empty"] and Region.objects.exists():
            self.stdout.write("数据库已有区划数据，跳过演示数据载入。")
            return
        result = seed_demo(scale=opts["scale"], year=opts["year"])
        if not result.created:
            self.stdout.write("演示县已存在，未重复载入。")
            return
        self.stdout.write(self.style.SUCCESS(f"已载入演示县：{result.regions}个区划，{result.subjects}个创建主体。"))
        if result.ledgers:
            unit = {"月度快照": "个月"}
            self.stdout.write(
                "台账与快照：" + "，".join(f"{k}{v}{unit.get(k, '条')}" for k, v in result.ledgers.items())
            )
        for username, password, note in result.users:
            self.stdout.write(f"  {username:<8} / {password}  {note}")
