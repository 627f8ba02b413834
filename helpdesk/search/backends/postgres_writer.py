"""Writing the PostgreSQL search tables: batched inserts, and builds in shadow tables.

A batch of documents is one INSERT ... SELECT over unnest(arrays) for the entries (the
tsvector computed by the server) chained to one for their access tokens: two statements
per batch, where one per document took 40 minutes for 110,000 documents.

A full rebuild fills shadow tables (`search_entry__b<n>`, `search_access__b<n>`) without
indexes, batch by batch, each batch in its caller's transaction; finishing builds the
indexes and constraints of the live tables on them (named `<name>__next`) and then swaps
them in with one short transaction of renames, so readers see the old documents until the
new ones are all there. The entry ids keep coming from the live table's sequence, which
the shadow table takes over before the old table is dropped.
"""
from __future__ import annotations

import re

from sqlalchemy import text

from helpdesk.extensions import db
from helpdesk.search import analysis
from helpdesk.search.backends.base import SearchDocument

CONFIGS = {"sv": "swedish", "en": "english"}
ENTRY, ACCESS = "search_entry", "search_access"
_BUILD = re.compile(r"^b\d+$")

_INSERT = """
WITH d AS (
    SELECT * FROM unnest(CAST(:kind AS text[]), CAST(:oid AS integer[]), CAST(:lang AS text[]),
                         CAST(:cfg AS text[]), CAST(:title AS text[]), CAST(:body AS text[]),
                         CAST(:tags AS text[]), CAST(:aud AS text[]), CAST(:url AS text[]),
                         CAST(:ta AS text[]), CAST(:tb AS text[]), CAST(:td AS text[]),
                         CAST(:tk AS text[]))
        AS d(kind, object_id, language, cfg, title, body, tags, audience, url, ta, tb, td, tk)
), h AS (
    SELECT d.*, setweight(to_tsvector(cfg::regconfig, ta), 'A') || setweight(to_tsvector(cfg::regconfig, tb), 'B')
           AS head
    FROM d
), ins AS (
    INSERT INTO {entry} (kind, object_id, language, title, body, tags, audience, url, exclude,
                         tsv, head, tokens, updated_at)
    SELECT kind, object_id, language, title, body, tags, audience, url, '',
           head || setweight(to_tsvector(cfg::regconfig, td), 'D'), head,
           string_to_array(tk, ' '), now()
    FROM h
    RETURNING id, kind, object_id
)
INSERT INTO {access} (entry_id, token)
SELECT ins.id, a.token
FROM ins JOIN unnest(CAST(:a_kind AS text[]), CAST(:a_oid AS integer[]), CAST(:a_token AS text[]))
    AS a(kind, object_id, token) ON a.kind = ins.kind AND a.object_id = ins.object_id
"""


def _tables(build: str | None) -> tuple[str, str]:
    if build is None:
        return ENTRY, ACCESS
    if not _BUILD.match(build):  # names go into SQL: only ours are accepted
        raise ValueError(f"not a search build: {build!r}")
    return f"{ENTRY}__{build}", f"{ACCESS}__{build}"


def insert(docs: list[SearchDocument], build: str | None = None) -> None:
    """Insert documents (not there yet) into the live tables or a build's."""
    if not docs:
        return
    entry, access = _tables(build)
    cols: dict[str, list] = {k: [] for k in
                             ("kind", "oid", "lang", "cfg", "title", "body", "tags", "aud", "url",
                              "ta", "tb", "td", "tk", "a_kind", "a_oid", "a_token")}
    words: set[str] = set()
    for doc in docs:
        lang = doc.language if doc.language in CONFIGS else "sv"
        for key, value in (("kind", doc.kind), ("oid", doc.object_id), ("lang", lang),
                           ("cfg", CONFIGS[lang]), ("title", doc.title[:300]), ("body", doc.body),
                           ("tags", "|" + "|".join(t.lower() for t in doc.tags) + "|"),
                           ("aud", doc.audience or ""), ("url", doc.url[:300]),
                           ("ta", analysis.expand_text(doc.title, lang)),
                           ("tb", analysis.expand_text(" ".join(doc.tags), lang)),
                           ("td", analysis.expand_text(doc.body, lang))):
            cols[key].append(value)
        tokens = [t[:64] for t in sorted(doc.access)] + [("!" + t)[:64] for t in sorted(doc.exclude)]
        # Tokens hold no spaces (Whoosh keeps them space-separated too).
        cols["tk"].append(" ".join(tokens))
        for token in tokens:
            cols["a_kind"].append(doc.kind)
            cols["a_oid"].append(doc.object_id)
            cols["a_token"].append(token)
        if doc.public_words:
            words.update(w for w in analysis.words(f"{doc.title} {' '.join(doc.tags)} {doc.body}")
                         if 3 <= len(w) <= 64 and not w.isdigit())
    db.session.execute(text(_INSERT.format(entry=entry, access=access)), cols)
    if words:
        db.session.execute(text("INSERT INTO search_word (word, language) "
                                "SELECT w, 'sv' FROM unnest(CAST(:w AS text[])) AS w "
                                "ON CONFLICT (word) DO NOTHING"), {"w": sorted(words)})


def delete(keys: list[tuple[str, int]], build: str | None = None) -> None:
    """Remove documents by (kind, object_id); their access rows go with them."""
    if not keys:
        return
    entry, access = _tables(build)
    params = {"kind": [k for k, _ in keys], "oid": [int(o) for _, o in keys]}
    matching = (f"SELECT e.id FROM {entry} e JOIN unnest(CAST(:kind AS text[]), CAST(:oid AS integer[])) "
                f"AS k(kind, object_id) ON e.kind = k.kind AND e.object_id = k.object_id")
    if build is not None:  # no foreign key on a build's tables until it is finished
        db.session.execute(text(f"DELETE FROM {access} WHERE entry_id IN ({matching})"), params)
    db.session.execute(text(f"DELETE FROM {entry} WHERE id IN ({matching})"), params)


def replace(docs: list[SearchDocument], deleted: list[str], build: str | None = None) -> None:
    keys = [(k.split(":", 1)[0], int(k.split(":", 1)[1])) for k in deleted]
    delete(keys + [(d.kind, d.object_id) for d in docs], build)
    insert(docs, build)


# -- builds ------------------------------------------------------------------------------
def begin(build: str) -> None:
    entry, access = _tables(build)
    for live, shadow in ((ENTRY, entry), (ACCESS, access)):
        db.session.execute(text(f"DROP TABLE IF EXISTS {shadow}"))
        # Columns and defaults only (the id keeps drawing on the live sequence); the
        # indexes come at the end, which is faster than keeping them up while loading.
        db.session.execute(text(f"CREATE TABLE {shadow} (LIKE {live} INCLUDING DEFAULTS)"))


def exists(build: str) -> bool:
    entry, _ = _tables(build)
    return bool(db.session.scalar(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": entry}))


def _constraints(table: str) -> list[tuple[str, str, str]]:
    """(name, contype, definition) of a live table, primary key first."""
    return db.session.execute(text(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) ORDER BY contype = 'p' DESC, conname"), {"t": table}).all()


def _plain_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes that no constraint stands behind."""
    return db.session.execute(text(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = CAST(:t AS regclass) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname"),
        {"t": table}).all()


def _pairs(build: str) -> list[tuple[str, str]]:
    """(live table, the build's table), entries first (the access rows refer to them)."""
    entry, access = _tables(build)
    return [(ENTRY, entry), (ACCESS, access)]


def finish(build: str) -> None:
    """Index the build like the live tables, then swap it in. The index building runs in
    its own transaction (readers go on meanwhile); the swap is a few renames."""
    tables = _pairs(build)
    for live, shadow in tables:
        for name, contype, definition in _constraints(live):
            if contype == "f":
                definition = definition.replace(f"REFERENCES {ENTRY}(", f"REFERENCES {tables[0][1]}(")
            db.session.execute(text(f'ALTER TABLE {shadow} ADD CONSTRAINT "{name}__next" {definition}'))
        for name, statement in _plain_indexes(live):
            statement = statement.replace(f"INDEX {name} ON", f'INDEX "{name}__next" ON', 1)
            statement = re.sub(rf"ON (public\.)?{live} ", f"ON {shadow} ", statement, count=1)
            db.session.execute(text(statement))
        db.session.execute(text(f"ANALYZE {shadow}"))
    db.session.commit()
    # The swap: one short transaction (it waits for running searches to finish).
    for live, shadow in tables:
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": live})
        if sequence:
            db.session.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY {shadow}.id"))
    names = {live: ([c[0] for c in _constraints(live)], [i[0] for i in _plain_indexes(live)])
             for live, _ in tables}
    db.session.execute(text(f"DROP TABLE {ACCESS}, {ENTRY}"))
    for live, shadow in tables:
        db.session.execute(text(f"ALTER TABLE {shadow} RENAME TO {live}"))
        constraints, indexes = names[live]
        for name in constraints:
            db.session.execute(text(f'ALTER TABLE {live} RENAME CONSTRAINT "{name}__next" TO "{name}"'))
        for name in indexes:
            db.session.execute(text(f'ALTER INDEX "{name}__next" RENAME TO "{name}"'))
    db.session.commit()


def discard(build: str) -> None:
    entry, access = _tables(build)
    db.session.execute(text(f"DROP TABLE IF EXISTS {access}, {entry}"))
