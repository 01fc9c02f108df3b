"""cleanup_exports: delete export files older than 7 days and give up jobs a dead worker left behind."""

from django.core.management.base import BaseCommand

from sanzero.exporting.services import export_cleanup


class Command(BaseCommand):
    help = "删除已过期（7天）的导出文件，并将长时间未完成的导出任务标记为失败。"

    def handle(self, *args, **options):
        result = export_cleanup()
        self.stdout.write(f"已删除过期导出文件 {result['deleted']} 个，标记超时任务 {result['stale']} 个。")
