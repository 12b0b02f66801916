"""French full-text search of the notes and the Q&A base on SQLite: two FTS5 tables of stems.

The words go through publications/fts.py (lower case, accents removed, Snowball French stem), the
same steps PostgreSQL's ``french_unaccent`` configuration takes, so that both databases find the
same notes (tests/resources/test_search.py). The tables are created by migration 0002 on SQLite
only, with triggers that drop a row when its note or entry is deleted; the rows are written by the
services that save notes and entries.
"""

from django.db import connection

from publications.fts import index_text

TABLES = {
    # table: (model table, columns)
    "resources_note_fts": ("resources_note", ("title", "summary", "body")),
    "resources_qaentry_fts": ("resources_qaentry", ("title", "question", "answer")),
}


def create_sql() -> list[str]:
    statements = []
    for table, (source, columns) in TABLES.items():
        statements.append(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(columns)},"
            " tokenize = 'unicode61 remove_diacritics 2')"
        )
        trigger = f"CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON {source}"
        statements.append(trigger + f" BEGIN DELETE FROM {table} WHERE rowid = old.id; END")  # noqa: S608
    return statements


def drop_sql() -> list[str]:
    statements = []
    for table in TABLES:
        statements += [f"DROP TRIGGER IF EXISTS {table}_delete", f"DROP TABLE IF EXISTS {table}"]
    return statements


def index_rows(table: str, rows: list[tuple]) -> None:
    """(Re)write the rows ``(pk, text of each column…)`` of ``table``, on SQLite only."""
    if connection.vendor != "sqlite" or not rows:
        return
    columns = TABLES[table][1]
    placeholders = ", ".join(["%s"] * (len(columns) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {table} WHERE rowid = %s", [(row[0],) for row in rows])  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {table} (rowid, {', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
            [(row[0], *(index_text(text) for text in row[1:])) for row in rows],
        )
