import argparse
import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from units.demo import seed_demo
from units.models import Region

SCALES = ("county", "city", "province")


class Command(BaseCommand):
    help = "载入虚构的演示数据：县（默认）、市或省（区划、创建主体、台账、每个角色的用户）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default="county",
            help="county（县，约8,000个主体）、city（市：12个县，约56,000个主体，一年台账）、"
            "province（省：11个市，约620,000个主体，2020年起的台账，约200万条）",
        )
        parser.add_argument("--year", type=int, default=timezone.localdate().year, help="演示数据年度")
        parser.add_argument("--if-empty", action="store_true", help="仅在数据库中没有任何区划时载入")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（同一种子载入相同的数据）")
        parser.add_argument("--no-snapshots", action="store_true", help="市、省规模：不计算本年度的月度快照")
        # tests and quick runs: a fraction of the city's or province's subjects (and so of its entries)
        parser.add_argument("--size", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, **opts):
        scale = opts["scale"]
        if scale not in SCALES:
            raise CommandError(f"规模“{scale}”不支持，可选：county（县）、city（市）、province（省）。")
        if not 2000 <= opts["year"] <= 2100:
            raise CommandError("年度应在2000–2100之间。")
        if not 0 < opts["size"] <= 1:
            raise CommandError("--size 应在0到1之间。")
        if opts["if_empty"] and Region.objects.exists():
            self.stdout.write("数据库已有区划数据，跳过演示数据载入。")
            return
        if scale != "county":
            return self.handle_scale(scale, opts)
        result = seed_demo(scale=scale, year=opts["year"])
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

    def handle_scale(self, scale: str, opts) -> None:
        from dashboards import compute
        from units.scale import SCALES as SPECS
        from units.scale import build_scale

        regions = Region.objects.count()
        if regions:
            raise CommandError(
                f"数据库中已有{regions}个区划：市、省规模的演示数据只能载入空数据库（新建数据库并 migrate 后再运行）。"
            )
        label = SPECS[scale].label
        started = time.perf_counter()
        result = build_scale(
            scale=scale, year=opts["year"], seed=opts["seed"], size=opts["size"], say=self.stdout.write
        )
        years = f"{result.years[0]}–{result.years[-1]}年" if len(result.years) > 1 else f"{result.years[0]}年"
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入演示{label}“{result.root.name}”：{result.regions}个区划，{result.subjects}个创建主体，"
                f"{years}台账{sum(result.ledgers.values())}条。"
            )
        )
        self.stdout.write("台账：" + "，".join(f"{k}{v}条" for k, v in result.ledgers.items()))
        self.stdout.write("用时：" + "，".join(f"{k}{v:.1f}秒" for k, v in result.seconds.items()))
        if not opts["no_snapshots"]:
            today = timezone.localdate()
            last = today.month if opts["year"] == today.year else 12
            if opts["year"] > today.year:
                last = 0
            mark = time.perf_counter()
            for month in range(1, last + 1):
                compute.compute_month(region=result.root, month=datetime.date(opts["year"], month, 1))
            if last:
                self.stdout.write(f"月度快照：{opts['year']}年1–{last}月，用时{time.perf_counter() - mark:.1f}秒")
        self.stdout.write(f"合计用时{time.perf_counter() - started:.1f}秒。演示账号：")
        for username, password, note in result.users:
            self.stdout.write(f"  {username:<8} / {password}  {note}")
