"""rotate_data_key: re-encrypt all personal data under the newest SANZERO_DATA_KEY (README, 个人信息加密).

1. ``manage.py rotate_data_key --generate`` prints a new key.
2. Put it in front: ``SANZERO_DATA_KEY=<new>,<old>`` (newest first) and restart the site and workers;
   new values are now written with the new key and old rows still decrypt with the old one.
3. ``manage.py rotate_data_key`` rewrites every encrypted value (history tables included) under the
   new key and recomputes the search hashes with the current SANZERO_HASH_KEY, in one transaction.
4. Drop the old key from SANZERO_DATA_KEY and restart.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from sanzero.crypto import DataKeyError, data_keys, generate_data_key, rotate_all


class Command(BaseCommand):
    help = "用 SANZERO_DATA_KEY 中最新（第一个）密钥重新加密全部个人信息（含历史记录表），并重算检索值。"

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="只生成并打印一个新的数据密钥，不改动数据。")
        parser.add_argument("--batch", type=int, default=1000, help="每批改写的行数（默认1000）。")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        if options["generate"]:
            self.stdout.write(generate_data_key())
            return
        if options["batch"] < 1:
            raise CommandError("--batch 应为正整数。")
        connection = connections[options["database"]]
        try:
            with transaction.atomic(using=options["database"]):
                counts = rotate_all(connection, batch=options["batch"])
        except DataKeyError as exc:
            raise CommandError(f"{exc}（未改动任何数据）") from None
        for table, n in counts.items():
            self.stdout.write(f"{table}: 重新加密 {n} 行")
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：共 {sum(counts.values())} 行已用最新密钥加密（当前配置 {len(data_keys())} 个密钥）。"
                "确认无误后可从 SANZERO_DATA_KEY 删去旧密钥。"
            )
        )
