from django.apps import AppConfig


class SanzeroConfig(AppConfig):
    name = "sanzero"
    verbose_name = "系统"
