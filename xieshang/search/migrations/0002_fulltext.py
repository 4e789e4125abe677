"""Full-text structures, per database: FTS5 + sync triggers on SQLite; a generated tsvector column + GIN (or RUM)
index on PostgreSQL. Other databases get nothing (search then reports that it has no back-end)."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        seg_title, seg_body, content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (new.id, new.seg_title, new.seg_body);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body)
        VALUES ('delete', old.id, old.seg_title, old.seg_body);
    END""",
    # Only when the segmented text changes: permission or state edits must not rewrite the full-text index.
    """CREATE TRIGGER search_fts_au AFTER UPDATE OF seg_title, seg_body ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body)
        VALUES ('delete', old.id, old.seg_title, old.seg_body);
        INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (new.id, new.seg_title, new.seg_body);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
PG_COLUMN = """ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, seg_title), 'A') ||
    setweight(to_tsvector('simple'::regconfig, seg_body), 'D')) STORED"""


def forward(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    elif conn.vendor == "postgresql":
        schema_editor.execute(PG_COLUMN)
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
            rum = cursor.fetchone() is not None
        if rum:
            # RUM stores positions in the index, so ranking needs no heap visit; GIN is the fallback everywhere.
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            schema_editor.execute(
                "CREATE INDEX search_doc_tsv ON search_searchdocument USING rum (tsv rum_tsvector_ops)"
            )
        else:
            schema_editor.execute("CREATE INDEX search_doc_tsv ON search_searchdocument USING gin (tsv)")


def backward(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)
    elif conn.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_doc_tsv")
        schema_editor.execute("ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
