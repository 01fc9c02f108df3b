"""Give every petition already stored its 信访件编号, as the service numbers new ones
(petitions.services.next_case_number): XF + year + the county's six digits + a five-digit sequence,
in order of receipt (then of registration); then make the numbers unique. Going back forgets them."""

from django.db import migrations

DIGITS = 5


def number(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    counters: dict[str, int] = {}
    rows = (
        Petition.objects.filter(case_number="")
        .order_by("received_on", "pk")
        .values_list("pk", "received_on", "subject__region__code")
    )
    batch = []
    for pk, received_on, code in rows.iterator(chunk_size=2000):
        prefix = f"XF{received_on:%Y}{code[:6]}"
        counters[prefix] = counters.get(prefix, 0) + 1
        batch.append(Petition(pk=pk, case_number=f"{prefix}{counters[prefix]:0{DIGITS}d}"))
        if len(batch) >= 1000:
            Petition.objects.bulk_update(batch, ["case_number"])
            batch = []
    if batch:
        Petition.objects.bulk_update(batch, ["case_number"])


def forget(apps, schema_editor):
    apps.get_model("petitions", "Petition").objects.filter(case_number__startswith="XF").update(case_number="")


class Migration(migrations.Migration):
    dependencies = [("petitions", "0004_issue14_fields")]

    operations = [migrations.RunPython(number, forget)]
