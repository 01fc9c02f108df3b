from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "刑事/治安案件"
