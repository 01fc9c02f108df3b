"""信访件编号 unique (every row has its number since 0005), and the petition's own 代办 fields go:
agency 0002 has moved them into 书记代办 records (one way to record a 代办, not two)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_number_existing_petitions"),
        ("agency", "0002_petition_agents_to_records"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='petition',
            constraint=models.UniqueConstraint(condition=models.Q(('case_number', ''), _negated=True), fields=('case_number',), name='petition_case_number_unique', violation_error_message='该信访件编号已被其他信访使用。'),
        ),
        migrations.RemoveConstraint(
            model_name='petition',
            name='petition_agent_level_and_name',
        ),
        migrations.RemoveIndex(
            model_name='petition',
            name='petition_agent_status',
        ),
        migrations.RemoveField(
            model_name='historicalpetition',
            name='agent_level',
        ),
        migrations.RemoveField(
            model_name='historicalpetition',
            name='agent_name',
        ),
        migrations.RemoveField(
            model_name='petition',
            name='agent_level',
        ),
        migrations.RemoveField(
            model_name='petition',
            name='agent_name',
        ),
    ]
