"""Every use of Whoosh's private internals, in one place (whoosh is pinned below 2.8 for them;
tests/test_search_engine.py checks the answers they give against Whoosh's own matcher).

- ``posting_arrays``: a term's posting blocks decoded whole into NumPy arrays, not one posting per call.
- ``field_lengths``: a segment's field lengths (one byte a document) as one array.
- ``remember_absent_columns``: Whoosh asks the file system whether a segment has a column again for every
  posting it writes of a field without lengths (the ID and keyword fields): millions of ``stat`` calls in a
  large build, about a tenth of its time. A segment's files never change once written, so the answer is kept.
"""
import numpy as np
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3LeafMatcher,
    W3PerDocReader,
    _lenfield,
)
from whoosh.matching.wrappers import FilterMatcher

NO_IDS = np.zeros(0, dtype=np.int32)  # document numbers: four bytes each


def posting_arrays(reader, fieldname, text, weights=True):
    """(document numbers, term weights) of a term in one segment, deleted documents included."""
    if not reader.doc_count_all() or (fieldname, text) not in reader:
        return NO_IDS, np.zeros(0, dtype=np.float32)
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # deletions are masked out once, for the whole index
    ids, values = [], []
    if not isinstance(matcher, W3LeafMatcher):  # another codec: one posting at a time
        while matcher.is_active():
            ids.append(matcher.id())
            values.append(matcher.weight() if weights else 1.0)
            matcher.next()
        return np.array(ids, dtype=np.int32), np.array(values, dtype=np.float32)
    lengths = []
    while matcher.is_active():  # gather the blocks as Python lists first: one array conversion per term
        if matcher._data is None:
            matcher._read_data()
        numbers, block_weights = matcher._data[0], matcher._data[1]
        ids.extend(numbers)
        lengths.append(len(numbers))
        if weights:
            values.extend((1.0,) * len(numbers) if block_weights is None
                          else (block_weights,) * len(numbers) if isinstance(block_weights, float) else block_weights)
        matcher._next_block()
    ids = np.array(ids, dtype=np.int64)
    if not matcher._byteids and len(ids):  # stored as gaps, counted from zero in each block
        total = np.cumsum(ids)
        starts = np.cumsum(lengths) - lengths
        before = np.concatenate([[0], total[starts[1:] - 1]])
        ids = total - np.repeat(before, lengths)
    return ids.astype(np.int32), np.array(values, dtype=np.float32) if weights else np.ones(len(ids), np.float32)


def field_lengths(reader, fieldname, size):
    """Every document's length in ``fieldname`` in one segment of ``size`` documents, one byte each as Whoosh
    stores it (0 where none is recorded)."""
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if size else None
    raw = np.zeros(size, dtype=np.uint8)
    if column is not None:
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        raw[:len(stored)] = stored
    return raw


def _cached_reader(self, fieldname, column):
    """W3PerDocReader._cached_reader, with "no such column" remembered too."""
    if fieldname not in self._readers:
        self._readers[fieldname] = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    return self._readers[fieldname]


def remember_absent_columns():
    """Make every segment's per-document reader keep "no such column" (see above); safe to repeat."""
    W3PerDocReader._cached_reader = _cached_reader
