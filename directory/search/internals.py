"""Every use of Whoosh's private internals, in one place (whoosh is pinned below 2.8 for them;
tests/test_search_engine.py checks the answers they give against Whoosh's own matcher).

- ``posting_arrays``: a term's posting blocks decoded whole into NumPy arrays, not one posting per call.
- ``field_lengths``: a segment's field lengths (one byte a document) as one array.
- ``doc_frequencies``: each term's document frequency in a field, read from the term table's bytes (Whoosh
  decodes each term's whole information to give it).
- ``DisjunctionMaxMatcher`` mended on import: its ``score`` takes the higher of its two sides' scores even when
  they are on different documents, and its ``skip_to_quality`` keeps the document it was on. (Its ``replace``
  with a minimum quality can still drop a side: the fast path and stepping a matcher never ask for one.)
- ``write_faster``: three changes to how Whoosh writes a segment, each a large part of a big build's time
  (tests/test_search_engine.py checks that the index they write is the one Whoosh writes without them):
  - Whoosh asks the file system whether a segment has a column again for every posting it writes of a field
    without lengths (the ID and keyword fields): millions of ``stat`` calls. A segment's files never change
    once written, so the answer is kept.
  - It looks up the document's field length for every posting it writes, reading one byte from the file each
    time; the segment's lengths of a field are read once, whole.
  - It sorts a segment's postings one by one and, when they outgrow the writer's memory (``limitmb``), in
    runs on disk pickled a posting at a time (a fifth of a 50,000-profile build): ``TermPostingPool`` keeps
    them by term instead, and each spelling word once (``is_spelling``: a tenth of a 200,000-profile build).
"""
import heapq
import pickle
from array import array
from collections import Counter
from itertools import groupby
from operator import itemgetter

import numpy as np
from whoosh import writing as whoosh_writing
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3LeafMatcher,
    W3PerDocReader,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.matching.binary import DisjunctionMaxMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool

NO_IDS = np.zeros(0, dtype=np.int32)  # document numbers: four bytes each


def _best_score(self):
    """DisjunctionMaxMatcher.score: the better score of the sides on the current document."""
    a, b = self.a, self.b
    on_a = a.is_active() and (not b.is_active() or a.id() <= b.id())
    on_b = b.is_active() and (not a.is_active() or b.id() <= a.id())
    return max(a.score() if on_a else 0.0, b.score() if on_b else 0.0)


_whoosh_s_skip = DisjunctionMaxMatcher.skip_to_quality


def _skip_to_quality(self, minquality):
    """DisjunctionMaxMatcher.skip_to_quality, forgetting the document it was on, as UnionMatcher's does."""
    self._id = None
    return _whoosh_s_skip(self, minquality)


DisjunctionMaxMatcher.score = _best_score
DisjunctionMaxMatcher.skip_to_quality = _skip_to_quality


def posting_arrays(reader, fieldname, text, weights=True):
    """(document numbers, term weights) of a term in one segment, deleted documents included."""
    matcher = _matcher(reader, fieldname, text) if reader.doc_count_all() else None
    if matcher is None:
        return NO_IDS, np.zeros(0, dtype=np.float32)
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


def _matcher(reader, fieldname, text):
    """A term's matcher over all its postings, deleted documents included (they are masked out once, for the
    whole index), or None where no document holds it. The term is looked up once: through the reader, three
    times, and the segment's deletions read each time."""
    terms = getattr(reader, "_terms", None)
    if isinstance(terms, W3TermsReader):
        try:
            tbytes = reader._text_to_bytes(fieldname, text)
            info = terms.term_info(fieldname, tbytes)
        except TermNotFound:  # (no such term, or no such field)
            return None
        if not info.is_inlined():  # (inlined only by a codec told to inline more than none)
            return W3LeafMatcher(terms._postfile, *info.extent(), reader.schema[fieldname].format,
                                 term=(fieldname, tbytes))
    if (fieldname, text) not in reader:
        return None
    matcher = reader.postings(fieldname, text)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def doc_frequencies(reader, fieldname):
    """{term: the number of documents that hold it, deleted ones included} of ``fieldname`` across ``reader``'s
    segments. (Whoosh's ``iter_field`` decodes each term's whole information, 36 microseconds a term: 11 s of
    a 200,000-profile build for the interests' list.)"""
    counts = Counter()
    for leaf, _offset in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None)
        if not isinstance(terms, W3TermsReader):  # another codec: its own way
            counts.update({text: info.doc_frequency() for text, info in leaf.iter_field(fieldname)})
            continue
        if fieldname not in terms._fieldmap:
            continue
        prefix = terms._keycoder(fieldname, b"")
        for key, value in terms._tindex.items_from(prefix):
            if not key.startswith(prefix):
                break
            counts[key[len(prefix):]] += W3TermInfo._struct.unpack_from(value)[2]  # (flags, weight, documents...)
    return counts


def field_lengths(reader, fieldname, size):
    """Every document's length in ``fieldname`` in one segment of ``size`` documents, one byte each as Whoosh
    stores it (0 where none is recorded)."""
    raw = np.zeros(size, dtype=np.uint8)
    stored = _stored_lengths(reader._perdoc, fieldname) if size else None
    if stored:
        raw[:len(stored)] = np.frombuffer(stored, dtype=np.uint8)
    return raw


def _stored_lengths(perdoc, fieldname):
    """The length bytes a segment stores for ``fieldname`` (one a document, up to the last one written), or
    None when the field keeps no lengths."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return None if column is None else column._dbfile.get(column._basepos, column._count)


def _cached_reader(self, fieldname, column):
    """W3PerDocReader._cached_reader, with "no such column" remembered too."""
    if fieldname not in self._readers:
        self._readers[fieldname] = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    return self._readers[fieldname]


def _doc_field_length(self, docnum, fieldname, default=0):
    """W3PerDocReader.doc_field_length, from the field's lengths read whole on first use."""
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    every = vars(self).setdefault("_lengths_of", {})  # a reader's segment never changes
    if fieldname not in every:
        every[fieldname] = _stored_lengths(self, fieldname)
    stored = every[fieldname]
    if stored is None:
        return default
    if docnum < len(stored) and stored[docnum]:
        return byte_to_length(stored[docnum])
    return None  # as Whoosh's: a document without a length in a field that keeps them


class TermPostingPool(PostingPool):
    """Whoosh's pool of a segment's postings before they are written, kept by term: each term's document
    numbers, weights and values side by side in arrays, not one tuple a posting. Whoosh sorts every posting (40
    million at a million profiles) and, past ``limitmb``, writes and merges sorted runs on disk a pickled
    posting at a time; here only the terms are sorted, and a run holds whole terms, merged term by term. The
    postings come out once, in Whoosh's order: by term, then document, weight and value."""

    POSTING_BYTES = 28  # a document number, a weight and a value's reference, in arrays that over-allocate
    TERM_BYTES = 600  # a term's key, its arrays and its place in the table
    RUN_POSTINGS = 200_000  # postings pickled together in a run (whole terms: a chunk may hold more)

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms = {}
        self.shared = {}  # one object for each distinct value: most are a frequency's four bytes
        self.spelled = set()  # the spelling words added, in any run

    def add(self, item):
        fieldname, text, docnum, weight, value = item
        if docnum == 0 and is_spelling(item):  # (the document number first: most postings are not at 0)
            if (fieldname, text) in self.spelled:
                return
            self.spelled.add((fieldname, text))
        held = self.terms.get((fieldname, text))
        if held is None:
            held = self.terms[fieldname, text] = [array("q"), array("d"), []]
            self.fieldnames.add(fieldname)
            self.currentsize += self.TERM_BYTES
        if type(weight) is not float and type(held[1]) is array:  # an int (a spelling word's 1) stays one:
            held[1] = list(held[1])  # Whoosh writes a block's greatest weight as it is, 1 or 1.0
        held[0].append(docnum)
        held[1].append(weight)
        held[2].append(self.shared.setdefault(value, value))
        self.currentsize += self.POSTING_BYTES + len(value or b"")
        if self.currentsize > self.limit:
            self.save()

    def save(self):
        if self.terms:
            path, f = self._new_run()
            self._write_terms(f, _sorted_terms(self.terms))
            self._add_run(path)
        self.terms, self.shared, self.currentsize = {}, {}, 0

    def items(self, maxfiles=128):
        if not self.runs:
            postings = self._postings(_sorted_terms(self.terms))
            self.terms, self.shared, self.currentsize = {}, {}, 0
            return postings
        self.save()
        if len(self.runs) > maxfiles:
            self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return self._postings(self._merged(runs))

    def _write_terms(self, f, terms):
        chunk, postings = [], 0
        for term in terms:
            chunk.append(term)
            postings += len(term[2])
            if postings >= self.RUN_POSTINGS:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk, postings = [], 0
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_terms(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)

    def _merged(self, paths):
        """The terms of several runs merged into one list each (``_postings`` puts each term's postings in
        order: ``reduce_to`` merges the last runs first)."""
        terms = heapq.merge(*map(self._read_terms, paths), key=itemgetter(0, 1))
        for _key, parts in groupby(terms, key=itemgetter(0, 1)):
            fieldname, text, docnums, weights, values = next(parts)
            for _f, _t, more_docnums, more_weights, more_values in parts:
                docnums.extend(more_docnums)
                if type(weights) is array and type(more_weights) is not array:  # ints stay ints, as in ``add``
                    weights = list(weights)
                weights.extend(more_weights)
                values.extend(more_values)
            yield fieldname, text, docnums, weights, values

    @staticmethod
    def _postings(terms):
        """Whoosh's postings, (field name, term, document number, weight, value), from whole terms."""
        for fieldname, text, docnums, weights, values in terms:
            postings = zip(docnums, weights, values)
            if len(docnums) > 1 and not _ascending(docnums):
                postings = sorted(postings)
            for docnum, weight, value in postings:
                yield fieldname, text, docnum, weight, value

    # Whoosh's multiprocess writer without ``multisegment`` reads and merges its subwriters' runs itself.
    def _write_run(self, f, items):
        def terms():
            for (fieldname, text), group in groupby(items, key=itemgetter(0, 1)):
                group = list(group)
                yield (fieldname, text, array("q", (p[2] for p in group)), [p[3] for p in group],
                       [p[4] for p in group])

        self._write_terms(f, terms())

    def _read_run(self, path):
        return self._postings(self._read_terms(path))

    def _merge_runs(self, paths):
        return self._postings(self._merged(paths))


def is_spelling(posting):
    """Whether ``posting`` is a spelling word's (an int weight of 1, at document 0). Whoosh adds one for every
    document holding the word (twenty million at a million profiles), but only the word is ever read (its
    lexicon: the corrector counts a word's frequency in the field itself): a segment keeps each once."""
    _fieldname, _text, docnum, weight, _value = posting
    return docnum == 0 and type(weight) is int


def _sorted_terms(terms):
    """(field name, term, document numbers, weights, values) of every term in a pool's table, in order, each
    let go once given."""
    for key in sorted(terms):
        yield (*key, *terms.pop(key))


def _ascending(docnums):
    """Whether each document number is above the one before. (Equal ones, as a spelling word's 0 in a merge of
    runs, are sorted by their weight and value too.)"""
    numbers = np.frombuffer(docnums, dtype=np.int64)
    return bool((numbers[1:] > numbers[:-1]).all())


WHOOSH_OWN = {"PostingPool": PostingPool, "doc_field_length": W3PerDocReader.doc_field_length,
              "_cached_reader": W3PerDocReader._cached_reader}  # what write_faster replaces, for the tests


def write_faster():
    """Make Whoosh's segment writing faster (see above); safe to repeat. Every writer of a process, and the
    writer processes it forks (Whoosh's multiprocess writer forks on Linux), then write and read their runs
    alike."""
    W3PerDocReader._cached_reader = _cached_reader
    W3PerDocReader.doc_field_length = _doc_field_length
    whoosh_writing.PostingPool = TermPostingPool
