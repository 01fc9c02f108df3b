"""Fill the 排查情况表's facts of the disputes already stored (issue 14), before 0005 requires them.

- each rung of the ladder gets its 统计层级 from its name: a 县 (or 市, or a 区 that is not a 社区) level
  counts as 县, a 乡/镇/街道 level as 乡镇, the rest (网格员, 村(社区)调委会) as 村居; the county corrects
  it on 调解层级设置;
- a dispute's 调处层级 is its current level's;
- its 调处日期: a resolved one was mediated on its 化解日期; one that failed (调解不成, 已移交) on the day
  its history first shows it 调解不成, else the day its last level took it up.

A backfill, not anyone's edit: no history rows are written.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

COUNTY, TOWNSHIP, VILLAGE = "县", "乡镇", "村居"
RESOLVED, FAILED, TRANSFERRED = "已化解", "调解不成", "已移交"


def tier_of(name: str) -> str:  # as disputes.models.tier_from_name
    if "县" in name or "市" in name or ("区" in name and "社区" not in name):
        return COUNTY
    if any(word in name for word in ("乡", "镇", "街道")):
        return TOWNSHIP
    return VILLAGE


def fill(apps, schema_editor):
    MediationLevel = apps.get_model("disputes", "MediationLevel")
    Dispute = apps.get_model("disputes", "Dispute")
    HistoricalDispute = apps.get_model("disputes", "HistoricalDispute")
    tiers = {}
    for level in MediationLevel.objects.all():
        level.tier = tiers[level.pk] = tier_of(level.name)
        level.save(update_fields=["tier"])
    for level_id, tier in tiers.items():
        Dispute.objects.filter(level_id=level_id).update(handling_tier=tier)
    Dispute.objects.filter(status=RESOLVED, mediated_on__isnull=True).update(mediated_on=F("resolved_on"))
    failed = Dispute.objects.filter(status__in=[FAILED, TRANSFERRED], mediated_on__isnull=True)
    first_failed = {}
    for dispute_id, when in (
        HistoricalDispute.objects.filter(id__in=failed.values("pk"), status=FAILED)
        .order_by("history_date")
        .values_list("id", "history_date")
    ):
        first_failed.setdefault(dispute_id, timezone.localtime(when).date())
    for dispute in failed.only("pk", "found_on", "level_started_on"):
        day = first_failed.get(dispute.pk) or dispute.level_started_on
        dispute.mediated_on = max(day, dispute.found_on)
        dispute.save(update_fields=["mediated_on"])




class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0003_paicha_fields"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
