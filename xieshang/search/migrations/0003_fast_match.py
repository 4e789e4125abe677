"""Full-text matching that stops at the window (bench/README.md, "full-text index").

SQLite: the FTS5 table becomes contentless with rowid = -id. FTS5 streams a doclist in ascending rowid order but loads
it whole to walk it descending, so "newest first" is now its cheap direction: a term in every document is read only
until the window is full. The text was never read from the FTS table (highlighting uses search_searchdocument).

PostgreSQL: a table ``search_match`` holds, per document, the filter and permission columns, the stripped tsvector
(no positions) plus lexemes naming the document's block of 4,096 ids ("#b<id >> 12>") and of 16,384 ids
("#c<id >> 14>"), and the stripped title; a
trigger keeps it in step. Matching, the permission filter and the ranking of the window run there: no read of the
wide row with its TOASTed text and positional tsvector. The block lexemes let GIN itself keep to the newest ids
(backends/postgres.py), so a query visits about as many rows as it needs for its window.
"""

from django.db import migrations

FTS_COLUMNS = "seg_title, seg_body"

SQLITE_FORWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        seg_title, seg_body, content='', tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (-new.id, new.seg_title, new.seg_body);
    END""",
    """CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body)
        VALUES ('delete', -old.id, old.seg_title, old.seg_body);
    END""",
    """CREATE TRIGGER search_fts_au AFTER UPDATE OF seg_title, seg_body ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body)
        VALUES ('delete', -old.id, old.seg_title, old.seg_body);
        INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (-new.id, new.seg_title, new.seg_body);
    END""",
    "INSERT INTO search_fts(rowid, seg_title, seg_body) SELECT -id, seg_title, seg_body FROM search_searchdocument",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
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
    """CREATE TRIGGER search_fts_au AFTER UPDATE OF seg_title, seg_body ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body)
        VALUES ('delete', old.id, old.seg_title, old.seg_body);
        INSERT INTO search_fts(rowid, seg_title, seg_body) VALUES (new.id, new.seg_title, new.seg_body);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]

# The columns the permission and filter SQL (services.visibility_condition, filter_condition) reads, by name.
MATCH_COLUMNS = [
    "doc_type",
    "organization_id",
    "visibility",
    "year",
    "state",
    "sector_id",
    "unit_ids",
    "viewer_roles",
    "viewer_unit_ids",
    "viewer_user_ids",
]
_cols = ", ".join(MATCH_COLUMNS)
_new = ", ".join(f"NEW.{c}" for c in MATCH_COLUMNS)
_set = ", ".join(f"{c} = EXCLUDED.{c}" for c in [*MATCH_COLUMNS, "tsv", "tsv_title"])
BLOCK_SHIFT = 12  # backends/postgres.py BLOCK_SHIFT


def _match_tsv(row: str) -> str:
    # Two sizes of block, 4,096 ids (#b) and four of those (#c), so that a long range needs few lexemes.
    blocks = f"ARRAY['#b' || ({row}.id >> {BLOCK_SHIFT})::text, '#c' || ({row}.id >> {BLOCK_SHIFT + 2})::text]"
    return f"strip({row}.tsv) || array_to_tsvector({blocks})"


def _title_tsv(row: str) -> str:
    return f"strip(to_tsvector('simple'::regconfig, {row}.seg_title))"


PG_FORWARD = [
    """CREATE TABLE search_match (
        id bigint PRIMARY KEY,
        doc_type varchar(40) NOT NULL,
        organization_id bigint NOT NULL,
        visibility varchar(16) NOT NULL,
        year smallint,
        state varchar(40) NOT NULL,
        sector_id integer,
        unit_ids varchar(500) NOT NULL,
        viewer_roles text NOT NULL,
        viewer_unit_ids varchar(500) NOT NULL,
        viewer_user_ids text NOT NULL,
        tsv tsvector NOT NULL,
        tsv_title tsvector NOT NULL
    )""",
    # Compressed in the row rather than moved to TOAST: the per-row check of a frequent term then reads no TOAST.
    "ALTER TABLE search_match ALTER COLUMN tsv SET STORAGE MAIN",
    f"""CREATE FUNCTION search_match_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM search_match WHERE id = OLD.id;
            RETURN NULL;
        END IF;
        INSERT INTO search_match (id, {_cols}, tsv, tsv_title)
        VALUES (NEW.id, {_new}, {_match_tsv("NEW")}, {_title_tsv("NEW")})
        ON CONFLICT (id) DO UPDATE SET {_set};
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_match_sync AFTER INSERT OR UPDATE OR DELETE ON search_searchdocument
        FOR EACH ROW EXECUTE FUNCTION search_match_sync()""",
    f"""INSERT INTO search_match (id, {_cols}, tsv, tsv_title)
        SELECT id, {_cols}, {_match_tsv("d")}, {_title_tsv("d")} FROM search_searchdocument d""",
    "CREATE INDEX search_match_tsv ON search_match USING gin (tsv)",
    "ANALYZE search_match",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_match_sync ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_match_sync()",
    "DROP TABLE IF EXISTS search_match",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}.get(vendor, []):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
