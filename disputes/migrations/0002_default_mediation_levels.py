"""The default mediation ladder, after 张掖 “四级七天”: 网格员 1 → 村(社区)调委会 2 → 乡镇综治中心 2 →
乡镇党委政府 2 working days (7 in all). The county edits it on 调解层级设置 (e.g. adds 县矛调中心)."""

from django.db import migrations
from django.utils import timezone

DEFAULT_LADDER = [
    (10, "网格员", 1),
    (20, "村(社区)调委会", 2),
    (30, "乡镇综治中心", 2),
    (40, "乡镇党委政府", 2),
]
REASON = "默认调解层级（张掖“四级七天”）"


def create_levels(apps, schema_editor):
    MediationLevel = apps.get_model("disputes", "MediationLevel")
    HistoricalMediationLevel = apps.get_model("disputes", "HistoricalMediationLevel")
    if MediationLevel.objects.exists():
        return
    now = timezone.now()
    for order, name, days in DEFAULT_LADDER:
        level = MediationLevel.objects.create(order=order, name=name, working_days=days)
        HistoricalMediationLevel.objects.create(
            id=level.pk, order=order, name=name, working_days=days, version=level.version,
            history_date=now, history_type="+", history_change_reason=REASON)


def remove_levels(apps, schema_editor):
    MediationLevel = apps.get_model("disputes", "MediationLevel")
    HistoricalMediationLevel = apps.get_model("disputes", "HistoricalMediationLevel")
    names = [name for _, name, _ in DEFAULT_LADDER]
    MediationLevel.objects.filter(name__in=names, disputes__isnull=True).delete()
    HistoricalMediationLevel.objects.filter(history_change_reason=REASON).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("disputes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_levels, remove_levels),
    ]
