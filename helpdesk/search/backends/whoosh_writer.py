"""Writing a Whoosh segment with less work a posting: the two places a full reindex spent
most of its CPU once the final merge was gone.

AnalysedText: a text field indexed from the analyzer's term counts (`term_counts`), where
Whoosh's Frequency format walks a token object per word through two generators and two
dictionaries. The postings are the same: each term's frequency, weight (frequency times
the field boost) and encoded value.

BuildWriter: Whoosh's segment writer with the field lengths read once per segment, not
per posting, and a posting pool without the type checks on every posting (the postings
come from Whoosh's own fields, already bytes).

Writing a segment, Whoosh asks the new segment's per-document reader for the length of
the field for every posting it writes (`doc_field_length`: a column lookup, a struct
unpack and a byte-to-length conversion each time). With a hundred and seventy postings a
document that was a third of a full reindex's CPU. Here each field's lengths are decoded
once into a list when the segment is flushed; the postings, and so the index files, are
the same as Whoosh's own writer makes (tests/search/test_whoosh_writer.py compares them).
Whoosh is pinned and no longer changes upstream; should the column format differ, the
lengths are asked of the reader document by document as before.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.fields import TEXT
from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

# Byte 0 means "no length" and Whoosh's reader gives None for it; the same here.
_BYTE_TO_LENGTH = [byte_to_length(b) if b else None for b in range(256)]


class AnalysedText(TEXT):
    """TEXT for an analyzer with `term_counts(value)` and a Frequency format (positions
    are not indexed: phrase=False). Index files pickle this class by name; an index made
    with plain TEXT fields still opens and gets the same terms the slow way."""

    def index(self, value, **kwargs):
        counts = getattr(self.analyzer, "term_counts", None)
        if counts is None or type(self.format) is not Frequency or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for term, freq in counts(value).items():
            yield term.encode("utf-8"), freq, float(freq) * boost, pack_uint(freq)


class _Lengths:
    """What `FieldWriter.add_postings` asks of the per-document reader, from lists."""

    def __init__(self, perdoc):
        self._perdoc = perdoc
        self._n = perdoc.doc_count_all()
        self._by_field: dict[str, list] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        found = self._by_field.get(fieldname)
        if found is None:
            found = self._by_field[fieldname] = self._decode(fieldname, default)
        return found[docnum]

    def _decode(self, fieldname: str, default):
        column = self._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return [default] * (self._n + 1)
        try:
            raw = column._dbfile.get(column._basepos, column._count)
        except AttributeError:  # another column format: Whoosh's own lookup
            return [self._perdoc.doc_field_length(d, fieldname, default) for d in range(self._n)] + [None]
        raw = bytes(raw[:self._n]) + bytes(max(0, self._n + 1 - len(raw)))
        return [_BYTE_TO_LENGTH[b] for b in raw]


class _Pool(PostingPool):
    def add(self, item):
        # item = (fieldname, btext, docnum, weight, vbytes); the size is Whoosh's own
        # estimate of the posting in memory (PostingPool.add), which decides when a run of
        # sorted postings goes to a temporary file.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class BuildWriter(SegmentWriter):
    """`ix.writer()` for the indexer and the rebuild: Whoosh's SegmentWriter with the pool
    above, flushing a segment with the lengths decoded once (above)."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr) if pdr is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()
