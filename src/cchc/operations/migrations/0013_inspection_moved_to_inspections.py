# `Inspection` now lives in the `inspections` app (issue 21; inspections 0003 tells how): it
# leaves this app's state only, once every foreign key points to the new model. No SQL: the
# table, renamed `inspections_inspection`, keeps its rows.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('operations', '0012_import_kind_national_766'),
        ('inspections', '0003_inspection_moved_here'),
        ('portal', '0002_release_inspection_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Inspection')],
            database_operations=[],
        ),
    ]
