# The moved Inspection's table takes this app's name (step 4 of 0003): operations_inspection
# becomes inspections_inspection, its rows and the foreign keys to it kept.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0003_inspection_moved_here'),
        ('operations', '0013_inspection_moved_to_inspections'),
        ('portal', '0002_release_inspection_moved'),
    ]

    operations = [
        migrations.AlterModelTable(name='inspection', table=None),
    ]
