"""The petitions' own 代办 fields (代办层级 agent_level, 代办人 agent_name) become 书记代办 records, so a
代办 is recorded one way only (petitions 0006 then drops the fields).

Each petition with a secretary gets a record taken on (纳入代办) by that secretary, from 上级交办 when the
petition was assigned from above, else 本级自查; its 列入日期 is the petition's 登记日期 when the secretary was
entered with the petition, else the day an edit first entered one (its history), never after the
petition's 办结日期. A closed petition's record is 已办结 on the petition's
办结日期, its outcome read from the petitioner's satisfaction (满意/基本满意 → 已解决, 不满意 → 未解决),
with a note saying so. Each record gets its history row (创建, 由信访台账迁移). Going back writes the
secretaries onto the petitions again (a 市委书记 as 县级, the old field's highest level) and deletes
the records."""

from django.db import migrations
from django.utils import timezone

REASON = "由信访台账的代办层级、代办人迁移"
OUTCOMES = {"满意": "已解决", "基本满意": "已解决", "不满意": "未解决"}
OLD_LEVELS = {"村", "乡镇", "县"}


def forward(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    HistoricalPetition = apps.get_model("petitions", "HistoricalPetition")
    Agency = apps.get_model("agency", "Agency")
    HistoricalAgency = apps.get_model("agency", "HistoricalAgency")
    rows = list(
        Petition.objects.exclude(agent_level="")
        .order_by("pk")
        .values(
            "pk", "agent_level", "agent_name", "received_on", "status", "closed_on", "satisfaction", "source",
            "created_by_id",
        )
    )
    if not rows:
        return
    first: dict[int, tuple] = {}
    history = (
        HistoricalPetition.objects.exclude(agent_level="")
        .filter(id__in=[r["pk"] for r in rows])
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "history_user_id", "history_type")
    )
    for pk, when, user_id, kind in history.iterator(chunk_size=2000):
        first.setdefault(pk, (None if kind == "+" else when, user_id))
    today = timezone.localdate()
    now = timezone.now()
    records = []
    for r in rows:
        when, user_id = first.get(r["pk"], (None, None))
        taken_on = timezone.localdate(when) if when is not None else r["received_on"]
        latest = r["closed_on"] if r["status"] == "已办结" and r["closed_on"] else today
        taken_on = min(max(taken_on, r["received_on"]), max(latest, r["received_on"]))
        record = Agency(
            petition_id=r["pk"],
            source="上级交办" if r["source"] == "上级交办" else "本级自查",
            included=True,
            level=r["agent_level"],
            secretary=r["agent_name"] or "（未填写）",
            taken_on=taken_on,
            status="代办中",
            created_by_id=user_id or r["created_by_id"],
        )
        if r["status"] == "已办结" and r["closed_on"] is not None:
            record.status = "已办结"
            record.finished_on = max(r["closed_on"], taken_on)
            record.outcome = OUTCOMES.get(r["satisfaction"], "已解决")
            record.outcome_note = f"由信访台账迁移：信访已于{r['closed_on']:%Y-%m-%d}办结，信访人{r['satisfaction'] or '未评价'}。"
        records.append(record)
    Agency.objects.bulk_create(records, batch_size=1000)
    history_fields = {f.attname for f in HistoricalAgency._meta.concrete_fields}
    fields = [f.attname for f in Agency._meta.concrete_fields if f.attname in history_fields]
    HistoricalAgency.objects.bulk_create(
        [
            HistoricalAgency(
                **{name: getattr(a, name) for name in fields},
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
                history_user_id=None,
            )
            for a in Agency.objects.filter(petition_id__in=[r["pk"] for r in rows])
        ],
        batch_size=1000,
    )


def backward(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Agency = apps.get_model("agency", "Agency")
    HistoricalAgency = apps.get_model("agency", "HistoricalAgency")
    for pk, level, secretary in (
        Agency.objects.filter(petition__isnull=False, included=True).values_list("petition_id", "level", "secretary")
    ):
        Petition.objects.filter(pk=pk).update(agent_level=level if level in OLD_LEVELS else "县", agent_name=secretary[:50])
    HistoricalAgency.objects.all().delete()
    Agency.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
        ("petitions", "0005_number_existing_petitions"),
    ]

    operations = [migrations.RunPython(forward, backward)]
