"""holidays [--year YYYY ...] [--check] [--recompute [--user USERNAME]]: which source decides each
year's working days (entered days, the chinesecalendar package, or none: Monday–Friday).

--check exits with status 1 when a year has neither (for a monitoring job in November, when the next
year's notice is due). --recompute recomputes the stored deadlines of the open ledger entries the
year can move (the page's 重新计算期限), acting as --user or the first active administrator.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from sanzero import workdays
from sanzero.holidays.services import YEARS, deadlines_recompute
from sanzero.models import Holiday, HolidayKind
from sanzero.roles import Role
from sanzero.scoping import user_may


class Command(BaseCommand):
    help = "查看各年份工作日的依据（已录入 / chinesecalendar / 未录入），可检查缺失年份或重新计算台账期限。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", default=[], help="年份，可重复；默认今年和明年")
        parser.add_argument("--check", action="store_true", help="有年份既未录入又不在chinesecalendar中时，以状态1退出")
        parser.add_argument(
            "--recompute", action="store_true", help="按当前节假日安排重新计算受这些年份影响的未办结台账期限"
        )
        parser.add_argument("--user", default="", help="--recompute 以该用户身份记入变更记录（默认：第一个系统管理员）")

    def handle(self, *args, **opts):
        today = timezone.localdate()
        years = sorted(set(opts["year"])) or [today.year, today.year + 1]
        bad = [y for y in years if not YEARS[0] <= y <= YEARS[1]]
        if bad:
            raise CommandError(f"年份应在{YEARS[0]}–{YEARS[1]}之间：{'、'.join(map(str, bad))}")
        actor = self._actor(opts["user"]) if opts["recompute"] else None
        uncovered = []
        for year in years:
            source = workdays.year_source(year)
            if source == workdays.ENTERED:
                rest = Holiday.objects.filter(date__year=year, kind=HolidayKind.REST).count()
                work = Holiday.objects.filter(date__year=year, kind=HolidayKind.WORK).count()
                line = f"{year}年：已录入（放假{rest}天，调休上班{work}天）"
            elif source == workdays.PACKAGE:
                line = f"{year}年：chinesecalendar {workdays.PACKAGE_VERSION}（未录入）"
            else:
                uncovered.append(year)
                line = (
                    f"{year}年：未录入，chinesecalendar {workdays.PACKAGE_VERSION}也没有该年数据，期限按周一至周五计算"
                )
            self.stdout.write(line)
            if actor is not None:
                self.stdout.write("  " + deadlines_recompute(actor=actor, year=year).summary())
        if opts["check"] and uncovered:
            raise CommandError(
                f"以下年份的节假日安排尚未录入：{'、'.join(map(str, uncovered))}。"
                "请在“节假日安排”页面录入，或用 import_xlsx holidays 导入。"
            )

    def _actor(self, username: str):
        User = get_user_model()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"用户“{username}”不存在或已停用。")
            if not user_may(user, Holiday, "change"):
                raise CommandError(f"用户“{username}”不能修改节假日安排（须为系统管理员或县平安办）。")
            return user
        user = (
            User.objects.filter(is_active=True).filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk").first()
        )
        if user is None:
            raise CommandError("没有可用的系统管理员用户：请用 --user 指定，或先用 add_user 新建系统管理员。")
        return user
