"""Issue 14: what real 信访 systems record besides the ledger's fields — 信访件编号, 信访来源, 异常访,
重复访, 责任单位, 包案领导. The existing rows get their 信访件编号 in 0005; the secretaries' 代办
(agent_level/agent_name) move to agency records in agency 0002 and leave the petition in 0006."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0003_encrypt_existing_petition_rows'),
        ('units', '0006_fill_name_initials'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpetition',
            name='abnormal_visit',
            field=models.CharField(blank=True, choices=[('进京', '进京'), ('进省', '进省'), ('进市', '进市'), ('进县', '进县')], default='', help_text='非正常访到达的层级：进京、进省、进市、进县。', max_length=2, verbose_name='异常访'),
        ),
        migrations.AddField(
            model_name='historicalpetition',
            name='case_number',
            field=models.CharField(blank=True, default='', help_text='信访信息系统中的编号（上级交办件填写交办编号）；不填由系统生成（XF+年度+县区划代码+序号）。', max_length=40, verbose_name='信访件编号'),
        ),
        migrations.AddField(
            model_name='historicalpetition',
            name='is_repeat',
            field=models.BooleanField(default=False, help_text='同一信访人就同一事项本年度再次信访。系统按身份证号（检索值）提示本年度已有的信访，由登记人确认。', verbose_name='是否重复访'),
        ),
        migrations.AddField(
            model_name='historicalpetition',
            name='lead_official',
            field=models.CharField(blank=True, default='', max_length=50, verbose_name='包案领导'),
        ),
        migrations.AddField(
            model_name='historicalpetition',
            name='responsible_unit',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='责任单位'),
        ),
        migrations.AddField(
            model_name='historicalpetition',
            name='source',
            field=models.CharField(choices=[('本级受理', '本级受理'), ('上级交办', '上级交办'), ('转送', '转送')], default='本级受理', max_length=4, verbose_name='信访来源'),
        ),
        migrations.AddField(
            model_name='petition',
            name='abnormal_visit',
            field=models.CharField(blank=True, choices=[('进京', '进京'), ('进省', '进省'), ('进市', '进市'), ('进县', '进县')], default='', help_text='非正常访到达的层级：进京、进省、进市、进县。', max_length=2, verbose_name='异常访'),
        ),
        migrations.AddField(
            model_name='petition',
            name='case_number',
            field=models.CharField(blank=True, default='', help_text='信访信息系统中的编号（上级交办件填写交办编号）；不填由系统生成（XF+年度+县区划代码+序号）。', max_length=40, verbose_name='信访件编号'),
        ),
        migrations.AddField(
            model_name='petition',
            name='is_repeat',
            field=models.BooleanField(default=False, help_text='同一信访人就同一事项本年度再次信访。系统按身份证号（检索值）提示本年度已有的信访，由登记人确认。', verbose_name='是否重复访'),
        ),
        migrations.AddField(
            model_name='petition',
            name='lead_official',
            field=models.CharField(blank=True, default='', max_length=50, verbose_name='包案领导'),
        ),
        migrations.AddField(
            model_name='petition',
            name='responsible_unit',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='责任单位'),
        ),
        migrations.AddField(
            model_name='petition',
            name='source',
            field=models.CharField(choices=[('本级受理', '本级受理'), ('上级交办', '上级交办'), ('转送', '转送')], default='本级受理', max_length=4, verbose_name='信访来源'),
        ),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['id_number_hash', 'received_on'], name='petition_person_received'),
        ),
        migrations.AddConstraint(
            model_name='petition',
            constraint=models.CheckConstraint(condition=models.Q(('abnormal_visit', ''), ('is_abnormal', True), _connector='OR'), name='petition_abnormal_visit_is_abnormal', violation_error_message='记录了异常访（进京、进省、进市、进县）的，应同时为非正常访。'),
        ),
    ]
