from django.db import migrations


def fill(apps, schema_editor):
    """Existing regions and subjects get their names' pinyin initials (new and renamed ones get them on save)."""
    from units.pinyin import name_initials

    for model_name in ("Region", "Subject"):
        model = apps.get_model("units", model_name)
        batch = []
        for obj in model.objects.only("pk", "name").iterator(chunk_size=2000):
            obj.name_initials = name_initials(obj.name)
            batch.append(obj)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, ["name_initials"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):
    dependencies = [("units", "0005_name_initials")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
