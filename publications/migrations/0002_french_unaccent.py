"""French full-text search with accents folded, on PostgreSQL only.

Creates the unaccent extension and a text search configuration ``french_unaccent``: a copy of
``french`` whose word mappings go through unaccent before the French stemmer, so that
"reciprocite" finds "réciprocité"; and the GIN index of the articles' stored search vector. On SQLite nothing happens (search falls back to icontains).
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent ( COPY = french );
    ALTER TEXT SEARCH CONFIGURATION french_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END
$$;
CREATE INDEX IF NOT EXISTS publications_article_search
  ON publications_article USING gin (search_vector);
"""
BACKWARD = """
DROP INDEX IF EXISTS publications_article_search;
DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
