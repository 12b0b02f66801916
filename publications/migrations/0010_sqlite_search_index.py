"""French full-text search on SQLite: the FTS5 table of the articles and its delete trigger
(publications/fts.py), filled with the articles already there. Nothing happens on PostgreSQL,
which has its own stored vectors (migrations 0002 to 0007)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from publications import fts

    for statement in fts.CREATE_SQL:
        schema_editor.execute(statement)
    Article = apps.get_model("publications", "Article")
    rows = [
        (pk, fts.index_text(title), fts.index_text(chapeau), fts.index_text(body))
        for pk, title, chapeau, body in Article.objects.values_list("pk", "title", "chapeau", "body")
    ]
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {fts.TABLE} (rowid, title, chapeau, body) VALUES (%s, %s, %s, %s)", rows
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from publications import fts

    for statement in fts.DROP_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("publications", "0009_news_partners_association_page")]
    operations = [migrations.RunPython(forward, backward)]
