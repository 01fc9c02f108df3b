"""cleanup_exports: delete export files older than 7 days and give up export jobs a dead worker left behind."""

from django.core.management.base import BaseCommand

from sanzero.exporting.services import export_cleanup
from sanzero.jobs import give_up_stale
from sanzero.models import ExportJob


class Command(BaseCommand):
    help = "删除已过期（7天）的导出文件，并将处理进程已停止的导出任务标记为失败。"

    def handle(self, *args, **options):
        deleted = export_cleanup()
        stale = give_up_stale(ExportJob)
        self.stdout.write(f"已删除过期导出文件 {deleted} 个，标记超时任务 {stale} 个。")
