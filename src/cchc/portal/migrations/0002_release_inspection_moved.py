# A release's inspection is now `inspections.Inspection` (moved from `operations`, issue 21;
# see inspections 0003): the same rows, in the renamed table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0003_inspection_moved_here'),
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='release',
            name='inspection',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.inspection', verbose_name='cuộc kiểm tra'),
        ),
        migrations.AlterField(
            model_name='historicalrelease',
            name='inspection',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='inspections.inspection', verbose_name='cuộc kiểm tra'),
        ),
    ]
