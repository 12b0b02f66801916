"""SQLite rebuilds a table to alter one of its columns (0013 bounded the article's texts), and the
rebuilt table has lost its triggers: put back the one that removes a deleted article from the
FTS5 index (publications/fts.py). Any later migration that alters publications_article on SQLite
must do the same. Nothing happens on PostgreSQL."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from publications import fts

    for statement in fts.CREATE_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("publications", "0013_bounded_free_text")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
