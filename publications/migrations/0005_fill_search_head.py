"""Fill the ranking vector of existing articles (PostgreSQL only)."""

from django.db import migrations


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE publications_article SET search_head = "
        "setweight(to_tsvector('french_unaccent', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('french_unaccent', coalesce(chapeau, '')), 'B')"
    )


class Migration(migrations.Migration):
    dependencies = [("publications", "0004_search_head")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
