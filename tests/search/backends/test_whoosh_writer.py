"""The faster segment writing (whoosh_writer) must write exactly the postings and field
lengths Whoosh's own writer and TEXT fields write, so the ranking cannot change."""
from __future__ import annotations

import random

from whoosh import index
from whoosh.fields import TEXT
from whoosh.writing import SegmentWriter

from helpdesk.search.backends import whoosh_backend
from helpdesk.search.backends.base import SearchDocument
from helpdesk.search.backends.whoosh_writer import AnalysedText, BuildWriter

WORDS = ("Lösenordsbyte lösenordet kontot Vårdnadshavarkoppling elev eleverna klassen och att "
         "inte LÄRARE mentor synkas passwords logged screenshot İstanbul straße 2024 x "
         "skolplattformen inloggningen glömt ärendet support-ärende").split()


def _docs(n: int) -> list[SearchDocument]:
    rng = random.Random(11)
    out = []
    for i in range(1, n + 1):
        lang = "en" if i % 4 == 0 else "sv"
        out.append(SearchDocument(
            kind="ticket" if i % 3 else "article", object_id=i, language=lang,
            title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))),
            body=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 120))),
            url=f"/x/{i}", tags=[rng.choice(WORDS)], access={f"school:{i % 5}"},
            public_words=i % 3 == 0))
    return out


def _whooshs_own_schema():
    """make_schema() with Whoosh's plain TEXT fields where ours are AnalysedText."""
    schema = whoosh_backend.make_schema()
    for name in list(schema.names()):
        field = schema[name]
        if isinstance(field, AnalysedText):
            schema.remove(name)
            schema.add(name, TEXT(analyzer=field.analyzer, phrase=False))
    return schema


def _build(path, schema, writer_class, docs) -> index.Index:
    ix = index.create_in(str(path), schema)
    for start in range(0, len(docs), 70):  # several segments, several posting blocks
        writer = writer_class(ix)
        for doc in docs[start:start + 70]:
            writer.add_document(**whoosh_backend._doc_fields(doc))
        writer.commit(merge=False)
    return ix


def _contents(ix) -> dict:
    """Every segment's terms with their postings, and its field lengths."""
    out = {}
    with ix.searcher() as searcher:
        for n, (leaf, _) in enumerate(searcher.leaf_searchers()):
            reader = leaf.reader()
            for field, term in reader.all_terms():
                info = reader.term_info(field, term)
                # The lengths the writer is given per posting end up as each term's and
                # each posting block's shortest and longest document.
                postings = [(info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                             info.max_weight(), info.min_id(), info.max_id())]
                matcher = reader.postings(field, term)
                while matcher.is_active():
                    postings.append((matcher.id(), matcher.weight(), matcher.value(),
                                     matcher.block_min_length(), matcher.block_max_length()))
                    matcher.next()
                out[(n, field, term)] = postings
            for name in ix.schema.scorable_names():
                out[(n, "length", name)] = (
                    [reader.doc_field_length(d, name) for d in range(reader.doc_count_all())],
                    reader.field_length(name), reader.max_field_length(name))
    return out


def test_the_build_writer_writes_what_whooshs_own_writer_writes(tmp_path):
    docs = _docs(400)
    (tmp_path / "ours").mkdir()
    (tmp_path / "whoosh").mkdir()
    ours = _contents(_build(tmp_path / "ours", whoosh_backend.make_schema(), BuildWriter, docs))
    theirs = _contents(_build(tmp_path / "whoosh", _whooshs_own_schema(), SegmentWriter, docs))
    assert ours.keys() == theirs.keys()
    assert len({n for n, _, _ in ours}) == 6  # 400 documents, 70 a segment
    assert any(field == "body_sv" for _, field, _ in ours)  # the analysed fields are compared
    for key in theirs:
        assert ours[key] == theirs[key], key


def test_term_counts_are_the_analyzers_tokens_counted():
    analyzer = whoosh_backend.ANALYZERS["sv"]
    text = "Lösenordsbyte lösenordsbyte och kontot Vårdnadshavarkoppling İstanbul"
    counted: dict[str, int] = {}
    for token in analyzer(text):
        counted[token.text] = counted.get(token.text, 0) + 1
    assert analyzer.term_counts(text) == counted
    assert counted["lösenord"] == 2
