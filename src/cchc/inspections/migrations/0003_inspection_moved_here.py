# The Inspection model moves from `operations` to this app, keeping every row (issue 21).
#
# Django has no operation that moves a model between apps; the data stays put and only the
# project's state moves, then the table takes this app's name:
#   1. here: create `inspections.Inspection` in the state only, on the existing table
#      `operations_inspection` (no SQL);
#   2. here and in portal 0002: point every foreign key to the new model (same table);
#   3. operations 0013: remove `operations.Inspection` from the state only (no SQL); it runs
#      after every foreign key has moved, so that no state ever points to a missing model;
#   4. inspections 0004: rename the table to `inspections_inspection` (AlterModelTable), once
#      nothing in the state names the old model: the foreign keys follow the table. Each
#      step reverses in the opposite order (the table gets its old name back first).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_recommendation_history'),
        ('operations', '0012_import_kind_national_766'),
        ('organizations', '0002_reorganisation_events'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Inspection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='tạo lúc')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='cập nhật lúc')),
                        ('inspected_on', models.DateField(verbose_name='ngày kiểm tra')),
                        ('team', models.CharField(blank=True, max_length=255, verbose_name='đoàn kiểm tra')),
                        ('covers_organisation', models.BooleanField(default=False, verbose_name='kết hợp kiểm tra tổ chức bộ máy')),
                        ('covers_discipline', models.BooleanField(default=False, verbose_name='kết hợp kiểm tra kỷ luật, kỷ cương')),
                        ('findings', models.TextField(blank=True, verbose_name='kết quả, tồn tại')),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='inspections', to='organizations.agency', verbose_name='cơ quan được kiểm tra')),
                        ('import_run', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='operations.importrun')),
                    ],
                    options={
                        'verbose_name': 'cuộc kiểm tra CCHC',
                        'verbose_name_plural': 'cuộc kiểm tra CCHC',
                        'db_table': 'operations_inspection',
                        'constraints': [models.UniqueConstraint(fields=('agency', 'inspected_on'), name='inspection_key')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name='recommendation',
            name='inspection',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='inspections.inspection'),
        ),
        migrations.AlterField(
            model_name='historicalrecommendation',
            name='inspection',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='inspections.inspection'),
        ),
    ]
