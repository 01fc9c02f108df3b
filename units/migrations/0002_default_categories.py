from django.db import migrations


def load(apps, schema_editor):
    from units.defaults import CATEGORIES, DEPARTMENTS

    Department = apps.get_model("units", "Department")
    Category = apps.get_model("units", "Category")
    departments = {}
    for name, short in DEPARTMENTS:
        departments[name], _ = Department.objects.get_or_create(name=name, defaults={"short_name": short})
    for order, (name, group, department) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            name=name,
            defaults={"group": group, "sort_order": order * 10,
                      "default_department": departments.get(department)},
        )


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
