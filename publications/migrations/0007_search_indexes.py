"""Search indexes for ranking without reading every match (PostgreSQL only).

- GIN indexes on the title part of ``search_head`` (weight A) and on ``search_head`` (title and
  chapeau): the first two tiers of results, the only ones most pages read (see
  selectors._PostgresSearch);
- a small pending list (64 kB instead of 4 MB) on the three GIN indexes: new entries wait there,
  in bulk, until it is full or a VACUUM merges them, and every search reads it sequentially
  (a few MB left after a bulk import cost ~5 ms on each search, even for a word found nowhere).
  Articles are written rarely and read often; the list left by earlier writes is merged here.
"""

from django.db import migrations

FORWARD = """
CREATE INDEX IF NOT EXISTS publications_article_search_title
  ON publications_article USING gin (ts_filter(search_head, '{a}'::"char"[]))
  WITH (gin_pending_list_limit = 64);
CREATE INDEX IF NOT EXISTS publications_article_search_head
  ON publications_article USING gin (search_head) WITH (gin_pending_list_limit = 64);
ALTER INDEX publications_article_search SET (gin_pending_list_limit = 64);
SELECT gin_clean_pending_list('publications_article_search'::regclass);
"""
BACKWARD = """
DROP INDEX IF EXISTS publications_article_search_title;
DROP INDEX IF EXISTS publications_article_search_head;
ALTER INDEX publications_article_search RESET (gin_pending_list_limit);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("publications", "0006_alter_issue_cover")]
    operations = [migrations.RunPython(forward, backward)]
