import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from api import services
from api.models import ApiToken
from sanzero.services import ServiceError


class Command(BaseCommand):
    help = "接口令牌：create 用户名 --name 用途 [--days N] 创建并打印令牌（只显示一次）；revoke 前缀 吊销；list 列出。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户创建接口令牌")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="用途，如“省级平台”")
        create.add_argument("--days", type=int, help="有效天数；不填则长期有效")
        revoke = sub.add_parser("revoke", help="吊销接口令牌")
        revoke.add_argument("prefix", help="令牌前缀（列表中显示的 szk_…）")
        sub.add_parser("list", help="列出接口令牌")

    def handle(self, *args, **opts):
        action = opts["action"]
        try:
            if action == "create":
                user = get_user_model().objects.filter(username=opts["username"]).first()
                if user is None:
                    raise CommandError(f"用户“{opts['username']}”不存在。")
                days = opts.get("days")
                if days is not None and days <= 0:
                    raise CommandError("--days 应为正整数。")
                expires = timezone.now() + datetime.timedelta(days=days) if days else None
                token, key = services.api_token_create(actor=None, user=user, name=opts["name"], expires_at=expires)
                self.stdout.write(f"已为 {user.username} 创建接口令牌“{token.name}”（只显示这一次）：")
                self.stdout.write(key)
            elif action == "revoke":
                tokens = list(ApiToken.objects.filter(prefix=opts["prefix"]))
                if len(tokens) != 1:
                    raise CommandError(f"前缀“{opts['prefix']}”对应{len(tokens)}个令牌，请核对。")
                services.api_token_revoke(actor=None, token=tokens[0])
                self.stdout.write(f"已吊销接口令牌“{tokens[0].name}”。")
            else:
                for t in ApiToken.objects.select_related("user"):
                    self.stdout.write(
                        f"{t.prefix}\t{t.user.username}\t{t.name}\t{t.state}\t{t.last_used_at or '未使用'}"
                    )
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
