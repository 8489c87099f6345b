from django.db import migrations


def _like_index(schema_editor) -> str:
    return schema_editor._create_index_name("operations_dossier", ["code"], suffix="_like")


def create_code_like_index(apps, schema_editor):
    """PostgreSQL: the dossier list searches codes by their beginning (LIKE 'prefix%'). The
    unique index on the code serves that only under the C collation; without this one, on
    10M dossiers PostgreSQL read the whole table backwards by date looking for a prefix
    (over 50 s; docs/benchmarks.md). Migration 0005 had dropped it when nothing searched so.
    SQLite needs none: the list adds a range the unique index serves."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_like_index(schema_editor)} "
            "ON operations_dossier (code varchar_pattern_ops)"
        )


def drop_code_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {_like_index(schema_editor)}")


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0009_dossier_procedure_received_index"),
    ]

    operations = [migrations.RunPython(create_code_like_index, drop_code_like_index)]
