from django.apps import AppConfig


class StandardsConfig(AppConfig):
    """国家标准代码对照: the codes of GB/T 31000-2015 (社会治安综合治理基础数据规范) beside our enumerations,
    for a push to a provincial 综治 platform (issue 14, point 8). See standards/mapping.py."""

    name = "standards"
    verbose_name = "国家标准代码对照"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from sanzero.roles import register_permissions

        from .services import codes_sync_after_migrate, codes_sync_after_save

        # the administrator's table (Django admin): nobody else edits it (the admin role may do anything)
        register_permissions("standards.standardcode", {"view": set(), "change": set()})
        post_migrate.connect(codes_sync_after_migrate, sender=self, dispatch_uid="standards_codes_sync")
        # a subject category the administrator adds (or renames) gets its row at once
        post_save.connect(codes_sync_after_save, sender="units.Category", dispatch_uid="standards_category_codes")
