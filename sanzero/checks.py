"""System checks of the kernel's settings."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_data_keys(app_configs, **kwargs):
    """Production (`check --deploy`) refuses the fixed development keys of personal data at rest."""
    if getattr(settings, "SANZERO_DEV_KEYS", False):
        return [
            checks.Error(
                "SANZERO_DATA_KEY 或 SANZERO_HASH_KEY 未设置：个人信息正以公开的开发密钥加密。",
                hint="生产环境须设置两者（README“个人信息加密”）：manage.py rotate_data_key --generate 生成数据密钥，"
                "SANZERO_HASH_KEY 为另一段至少32字符的随机文本。",
                id="sanzero.E020",
            )
        ]
    if len(settings.SANZERO_HASH_KEY) < 32:
        return [checks.Error("SANZERO_HASH_KEY 太短（至少32个字符）。", id="sanzero.E021")]
    return []
