"""Fast answers over the Whoosh index: matching, filters, facet counts and BM25F scores as array operations.

Whoosh steps through postings one Python call per document, so a common word on a large index costs
hundreds of milliseconds. Here each term's posting blocks are decoded whole into NumPy arrays (and recent
terms are kept decoded); a result set is a boolean mask over every document in the index; filters and facet
counts are array look-ups; and only the documents that pass the filters are scored, with Whoosh's own
BM25F formula and statistics.

Per-document facts (country, institution, topics, hidden) are read once per segment from the postings and
kept while the segment lives; segments never change except for deletions.

One module of some 500 lines, on purpose: matching, counting and scoring all work on one IndexFacts per index
version (its joined arrays, decoded postings and remembered answers), and split apart they would hand that
state to each other at every call.
"""
import bisect
import copy
import sys
import threading

import numpy as np
from whoosh import query, scoring
from whoosh.util.numeric import byte_to_length

from directory.search import common_terms
from directory.search.internals import NO_IDS, field_lengths, posting_arrays

# Postings of recently searched terms kept decoded (8 bytes each, so at most 64 MB): popular words stay warm.
KEPT_POSTINGS = 8_000_000
TOPIC_CODE = np.int16  # thesaurus concepts: hundreds, not tens of thousands
PRUNED_QUERIES = 4096  # the user's words and thesaurus phrases, without their absent terms
REMEMBERED = 256  # results of recent searches, per index version (some 50 KB each in memory)
TERM_STATS = 100_000
# A field length is stored as one byte; 0 means "not recorded", which Whoosh scores as length 1.
LENGTH_OF_BYTE = np.array([byte_to_length(b) or 1 for b in range(256)], dtype=np.float32)
# Fields whose common terms are left out of a query: a cognate key that a hundredth of a large index shares
# says little (the word itself still matches) and decoding its postings cost a new search a third of its time.
RARE_ONLY = ("cognate",)
# Few matches are followed by the profiles on the topics they share (``alike``): a topic is shared when its holders'
# scores add up to half the best match's, and those profiles score at most this share of the lowest match.
ALIKE_SHARE, ALIKE_WEIGHT = 0.5, 0.5
# Parts of a query holding more documents than this share of the index between them are scored through one
# array over the index, not by sorting them (``_dense_scores``).
DENSE_SHARE = 1 / 8
COMMON_SHARE, COMMON_FLOOR = 0.01, 1000  # "common": in more than this share of the documents and this many


def leaf_readers(searcher):
    reader = searcher.reader()
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


def segment_key(reader):
    """A segment's identity and its number of deletions (deletions only grow, never change back)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    return ("empty", 0) if segment is None else (segment.segment_id(), segment.deleted_count())


def terms(reader, fieldname):
    return [sys.intern(t.decode()) for t in reader.lexicon(fieldname)] if reader.doc_count_all() else []


class SegmentFacts:
    """Country, institution, topics and hidden flag of every document in one segment, and the postings of its
    common terms (``common_terms``; None until they are written, after the commit: each new view looks again)."""

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.common = None
        self.countries, self.country = self._single(reader, "country")
        self.institutions, self.institution = self._single(reader, "institution_name")
        self.nations, self.nation = self._single(reader, "nation")
        self.topics = terms(reader, "topic")
        pairs = [(posting_arrays(reader, "topic", name, weights=False)[0], code)
                 for code, name in enumerate(self.topics)]
        documents = np.concatenate([ids for ids, _ in pairs]) if pairs else np.zeros(0, np.int32)
        codes = np.concatenate([np.full(len(ids), code, TOPIC_CODE) for ids, code in pairs]) if pairs \
            else np.zeros(0, TOPIC_CODE)
        # (document, topic) pairs in document order, the topics of document d at topics_start[d] up to
        # topics_start[d + 1]: two bytes a pair (a million profiles carry millions of topics).
        by_document = np.argsort(documents, kind="stable")
        self.topic_in_order = codes[by_document]
        self.topics_start = np.searchsorted(documents[by_document], np.arange(self.size + 1)).astype(np.int32)
        self.hidden = posting_arrays(reader, "hidden", "1", weights=False)[0]
        self._lengths, self._values = {}, {}

    def _single(self, reader, fieldname):
        """(names, code per document): code 0 is "none", code n is names[n]."""
        names = [""] + terms(reader, fieldname)
        codes = np.zeros(self.size, dtype=np.int32)
        for code, name in enumerate(names[1:], 1):
            codes[posting_arrays(reader, fieldname, name, weights=False)[0]] = code
        return names, codes

    def lengths(self, reader, fieldname):
        """Every document's length in this field, one byte each as Whoosh stores it (LENGTH_OF_BYTE decodes)."""
        if fieldname not in self._lengths:
            self._lengths[fieldname] = field_lengths(reader, fieldname, self.size)
        return self._lengths[fieldname]

    def values(self, reader, fieldname):
        """A sortable field as (its distinct values, sorted; each document's index into them), read once.
        (Dates repeat a great deal: four bytes a document, not a string each.)"""
        if fieldname not in self._values:
            column = reader.column_reader(fieldname) if self.size else []
            distinct, codes = np.unique(np.array([value or "" for value in column], dtype=str), return_inverse=True)
            self._values[fieldname] = distinct, codes.astype(np.int32)
        return self._values[fieldname]


def joined(parts, names_of, codes_of, dtype=np.int32):
    """One vocabulary and one code array for the whole index from per-segment ones."""
    names = sorted({name for facts, _ in parts for name in names_of(facts)} | {""})
    position = {name: code for code, name in enumerate(names)}
    arrays = [np.array([position[n] for n in names_of(facts)], dtype=dtype)[codes_of(facts)]
              for facts, _ in parts]
    return names, (np.concatenate(arrays) if arrays else np.zeros(0, dtype))


def best(ids, keys, limit):
    """Positions of the ``limit`` highest keys, highest first and equal keys by lowest id (as Whoosh ranks), so
    that page 2 continues page 1 exactly, without sorting every match."""
    chosen = np.arange(len(ids))
    if len(ids) > limit:
        edge = np.partition(keys, len(keys) - limit)[len(keys) - limit]  # the limit-th highest key
        above, level = np.flatnonzero(keys > edge), np.flatnonzero(keys == edge)
        chosen = np.concatenate([above, level[np.argsort(ids[level], kind="stable")][:limit - len(above)]])
    return chosen[np.lexsort((ids[chosen], -keys[chosen]))]


def holding(ids, holders):
    """Whether each of ``ids`` is among ``holders`` (document numbers), through a table over their range: sorting
    tens of thousands of candidates for each phrase cost a common phrase's search a quarter of its time."""
    return np.isin(ids, holders, kind="table") if len(holders) else np.zeros(len(ids), dtype=bool)  # (no table)


def tally(names, codes, most=None):
    """{name: count} of the codes given, largest first and then by name (codes follow name order); code 0,
    "none", left out; with ``most``, the largest ``most`` only."""
    found = np.bincount(codes, minlength=len(names))
    present = np.flatnonzero(found[1:]) + 1
    present = present[np.lexsort((present, -found[present]))][:most]
    return {names[i]: int(found[i]) for i in present}


class IndexFacts:
    """The facts of every segment of one searcher, over whole-index document numbers."""

    def __init__(self, leaves, segment_cache, kept, folder):
        self.leaves, self.kept = leaves, kept  # the building thread's readers: for offsets only afterwards
        parts = []
        for reader, offset in leaves:
            key = segment_key(reader)[0]
            facts = segment_cache.get(key) if key != "empty" else None
            if facts is None:
                facts = SegmentFacts(reader)
                if key != "empty":
                    segment_cache[key] = facts
            if facts.common is None:
                facts.common = common_terms.read(folder, reader)
            parts.append((facts, offset))
        self.parts = parts
        self.size = sum(facts.size for facts, _ in parts)
        self.countries, self.country = joined(parts, lambda f: f.countries, lambda f: f.country)
        self.institutions, self.institution = joined(parts, lambda f: f.institutions, lambda f: f.institution)
        self.nations, self.nation = joined(parts, lambda f: f.nations, lambda f: f.nation)
        self.topics, self.topic_in_order = joined(parts, lambda f: f.topics, lambda f: f.topic_in_order, TOPIC_CODE)
        starts, before = [], 0
        for facts, _ in parts:
            starts.append(facts.topics_start[:-1] + np.int32(before))
            before += len(facts.topic_in_order)
        self.topics_start = np.concatenate(starts + [np.array([before], np.int32)]).astype(np.int32)
        self.topics_per_document = np.diff(self.topics_start).astype(np.uint16)
        self.live = np.ones(self.size, dtype=bool)
        self.visible = np.ones(self.size, dtype=bool)
        for (reader, offset), (facts, _) in zip(leaves, parts):
            if reader.has_deletions():
                self.live[np.fromiter(reader.segment().deleted_docs(), dtype=np.int64) + offset] = False
            self.visible[facts.hidden + offset] = False
        self.visible &= self.live
        self._lock = threading.Lock()
        self._lengths, self._orders, self._lexicons = {}, {}, {}
        self.segments = [segment_key(reader)[0] for reader, _ in leaves]
        # Terms joined across segments, for this index version only (one segment: no copy is made).
        self._joined = kept_postings(KEPT_POSTINGS // 2)
        self._term_stats = Recent(TERM_STATS)  # (field, text) -> BM25F statistics
        self._pruned = Recent(PRUNED_QUERIES)  # recent queries without their absent terms
        self.remembered = Recent(REMEMBERED, second_use=True)  # what callers derive from this index version

    # -- which terms --------------------------------------------------------------------

    def pruned(self, searcher, key, make):
        """The query ``make()`` builds (remembered under ``key``) without the terms no document has.

        Thesaurus expansion names hundreds of (field, word) pairs of which a few dozen occur; each absent
        one would still cost its share of array work twice a search. Matches and scores stay the same, but
        for the common terms of the RARE_ONLY fields, which are left out too.
        """
        return self._pruned.get(key, lambda: self._without_absent(searcher, make()))

    def _without_absent(self, searcher, q):
        if isinstance(q, query.Term):
            if q.fieldname in RARE_ONLY and searcher.doc_frequency(q.fieldname, q.text) > max(
                    COMMON_SHARE * self.size, COMMON_FLOOR):
                return query.NullQuery
            return q if (q.fieldname, q.text) in searcher.reader() else query.NullQuery  # (no postings decoded)
        if not isinstance(q, (query.Or, query.And, query.DisjunctionMax)):
            return q
        parts = [self._without_absent(searcher, sub) for sub in q.subqueries]
        if isinstance(q, query.And) and any(part is query.NullQuery for part in parts):
            return query.NullQuery  # one part can never match, so neither can the whole
        parts = [part for part in parts if part is not query.NullQuery]
        if not parts:
            return query.NullQuery
        kept = copy.copy(q)  # the same boost and options, fewer parts
        kept.subqueries = parts
        return kept

    def fewer_than(self, searcher, q, count):
        """Whether ``q`` (a pruned query of terms) matches fewer than ``count`` documents, any term counting as a
        match (an upper bound for its And parts): each term's postings are the search's own, read once."""
        found = []
        for fieldname, text in q.iter_all_terms():
            ids = self.postings(searcher, fieldname, text)[0]
            if len(ids) >= count:
                return False
            found.append(ids)
        return len(np.unique(np.concatenate(found))) < count if found else True

    def topic_codes(self, number):
        """The codes (in ``topics``) of document ``number``'s topics."""
        return self.topic_in_order[self.topics_start[number]:self.topics_start[number + 1]]

    def alike(self, searcher, ranked, passing, limit, lowest):
        """(total, [(number, score, topic)]) of the documents ``passing`` allows on the topics the ``ranked`` matches
        share (each topic counted by its holders' scores, the best match's as 1; those reaching ALIKE_SHARE), the best
        ``limit`` of them by that count, each scored below ``lowest`` (the lowest match's score) and with the topic
        of theirs that counted most."""
        weights = {}
        for number, score in ranked:
            for code in self.topic_codes(number):
                weights[int(code)] = weights.get(int(code), 0.0) + score / (ranked[0][1] or 1.0)
        kept = {code: weight for code, weight in weights.items() if weight >= ALIKE_SHARE}
        if not kept:
            return 0, []
        counted = np.zeros(self.size)
        for code, weight in kept.items():
            counted[self.postings(searcher, "topic", self.topics[code])[0]] += weight
        counted[~passing] = 0
        ids = np.flatnonzero(counted)
        scores = lowest * ALIKE_WEIGHT * counted[ids] / sum(kept.values())
        order = sorted(kept, key=lambda code: -kept[code])
        found = []
        for i in best(ids, scores, limit) if limit > 0 else ():
            held = set(self.topic_codes(ids[i]).tolist())
            found.append((int(ids[i]), float(scores[i]), self.topics[next(code for code in order if code in held)]))
        return len(ids), found

    def compound_terms(self, searcher, fieldname, stem, shortest):
        """Terms of ``fieldname`` that end with ``stem`` (compounds whose head it is), that begin with it
        (compounds it begins), and two terms that ``stem`` is made of, if any (each part at least
        ``shortest`` long; a linking "s" allowed between them): ([heads], [modifiers], [parts] or None)."""
        terms, known, backwards = self._lexicon(searcher, fieldname)
        at = bisect.bisect_left(backwards, stem[::-1])
        heads = []
        while at < len(backwards) and backwards[at].startswith(stem[::-1]):
            if backwards[at] != stem[::-1]:
                heads.append(backwards[at][::-1])
            at += 1
        at = bisect.bisect_left(terms, stem)
        modifiers = []
        while at < len(terms) and terms[at].startswith(stem):
            if terms[at] != stem:
                modifiers.append(terms[at])
            at += 1
        parts = None
        if stem not in known:
            for cut in range(shortest, len(stem) - shortest + 1):
                first, rest = stem[:cut], stem[cut:]
                if rest in known and (first in known or first.endswith("s") and first[:-1] in known):
                    parts = [first if first in known else first[:-1], rest]
                    break
        return heads, modifiers, parts

    def _lexicon(self, searcher, fieldname):
        """A field's terms sorted, as a set, and each reversed and sorted (read once per index version)."""
        with self._lock:
            if fieldname not in self._lexicons:
                known = fieldname in searcher.schema
                terms = [t.decode() for t in searcher.reader().lexicon(fieldname)] if known else []
                self._lexicons[fieldname] = terms, set(terms), sorted(t[::-1] for t in terms)
            return self._lexicons[fieldname]

    # -- which documents ----------------------------------------------------------------

    def matching(self, searcher, q, hide=True, parts=()):
        """A mask of the live (and, with ``hide``, not hidden) documents ``q`` matches; ``parts``, if given,
        are the masks of the parts whose Or ``q`` is (``masks``), so they are not made twice."""
        found = self._mask(searcher, q) if not parts else parts[0].copy()
        for mask in parts[1:]:
            found |= mask
        return found & (self.visible if hide else self.live)

    def masks(self, searcher, queries):
        """A mask of the documents each of ``queries`` matches, hidden and deleted ones included."""
        return [self._mask(searcher, q) for q in queries]

    def _mask(self, searcher, q):
        if isinstance(q, query.Every):
            return np.ones(self.size, dtype=bool)
        mask = np.zeros(self.size, dtype=bool)
        self._mark(searcher, q, mask)
        return mask

    def _mark(self, searcher, q, mask):
        """Set ``mask`` where ``q`` matches. The terms of an Or are set straight into one mask: a whole-index
        mask for each of them cost most of a search's array work at a million profiles."""
        if q is query.NullQuery:
            return
        if isinstance(q, query.Term):
            mask[self.postings(searcher, q.fieldname, q.text)[0]] = True
        elif isinstance(q, (query.Or, query.DisjunctionMax)):
            for sub in q.subqueries:
                self._mark(searcher, sub, mask)
        elif isinstance(q, query.Every):
            mask[:] = True
        elif isinstance(q, query.And):
            every = self._mask(searcher, q.subqueries[0]) if q.subqueries else np.ones(self.size, dtype=bool)
            for sub in q.subqueries[1:]:
                every &= self._mask(searcher, sub)
            mask |= every
        else:  # anything else: Whoosh's own way, one document at a time
            mask[list(searcher.docs_for_query(q))] = True

    def filters(self, searcher, country=None, region_members=None, topic=None, institution=None, nation=None):
        """{facet: mask of the documents that pass its filter} for the filters given."""
        masks = {}
        if nation:
            masks["place"] = self.nation == (self.nations.index(nation) if nation in self.nations else -1)
        codes = {country} if country else None
        if region_members is not None:
            codes = set(region_members) & codes if codes is not None else set(region_members)
        if codes is not None:
            wanted = np.array([name in codes for name in self.countries], dtype=bool)
            # One country, a search's usual filter: a comparison, some fifteen times faster than a lookup per document.
            passes = self.country == np.flatnonzero(wanted)[0] if wanted.sum() == 1 else wanted[self.country]
            masks["place"] = passes & masks["place"] if "place" in masks else passes
        if topic:
            mask = np.zeros(self.size, dtype=bool)
            mask[self.postings(searcher, "topic", topic)[0]] = True
            masks["topic"] = mask
        if institution:
            code = self.institutions.index(institution) if institution in self.institutions else -1
            masks["institution"] = self.institution == code
        return masks

    # -- facet counts -------------------------------------------------------------------

    def country_counts(self, mask):
        return tally(self.countries, self.country[mask])

    def nation_counts(self, mask):
        return tally(self.nations, self.nation[mask])

    def institution_counts(self, mask, most=None):
        return tally(self.institutions, self.institution[mask], most)

    def topic_counts(self, mask):
        documents = np.flatnonzero(mask)
        if len(documents) * 4 > self.size:  # many: one pass over every (document, topic) pair is cheaper
            return tally(self.topics, self.topic_in_order[np.repeat(mask, self.topics_per_document)])
        starts = self.topics_start[documents]
        counts = self.topics_start[documents + 1] - starts
        # The positions starts[i] .. starts[i] + counts[i] - 1 of every document, in one array.
        positions = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        return tally(self.topics, self.topic_in_order[positions])

    # -- ranking ------------------------------------------------------------------------

    def ranked(self, searcher, q, allowed, limit, parts=(), coverage=0.0, phrases=(), phrase_bonus=0.0, topics=(),
               topic_bonus=0.0):
        """The best ``limit`` allowed documents as [(number, score)], by Whoosh's BM25F; with ``parts`` (masks
        of the documents each part of the query matches: ``masks``), each score times 1 - ``coverage`` +
        ``coverage`` x the share of the parts it matches; with
        ``topics``, times 1 + ``topic_bonus`` x the share of them it is tagged with; and times 1 + ``phrase_bonus`` x
        the share of ``phrases`` (terms of word pairs: ``querying.phrases``) it holds."""
        try:
            ids, scores = self._scores(searcher, q, allowed)
        except NotImplementedError:  # a query shape the array scorer does not know: Whoosh's matcher
            found, matcher = {}, q.matcher(searcher)
            while matcher.is_active():  # (not searcher.search: its collector was seen to drop the best hit)
                if allowed[matcher.id()]:
                    found[matcher.id()] = matcher.score()
                matcher.next()
            ids = np.array(list(found), dtype=np.int64)
            scores = np.array(list(found.values()), dtype=np.float64)
        if len(parts) > 1 and coverage:
            covered = sum(part[ids].astype(np.int32) for part in parts)
            scores = scores * (1 - coverage + coverage * covered / len(parts))
        if topics and topic_bonus and len(ids):
            held = sum(holding(ids, self.postings(searcher, "topic", topic)[0]) for topic in topics)
            scores = scores * (1 + topic_bonus * held / len(topics))
        if phrases and phrase_bonus and len(ids):
            held = sum(holding(ids, self.postings(searcher, term.fieldname, term.text)[0]) for term in phrases)
            scores = scores * (1 + phrase_bonus * held / len(phrases))
        return [(int(ids[i]), float(scores[i])) for i in best(ids, scores, limit)]

    def _scores(self, searcher, q, allowed):
        """(ids, scores) of the allowed documents ``q`` matches, ids unique: Whoosh's sums of BM25F."""
        if q is query.NullQuery:
            return NO_IDS, np.zeros(0)
        if isinstance(q, query.Term):
            return self._term_scores(searcher, q, allowed)
        best = isinstance(q, query.DisjunctionMax) and not q.tiebreak  # each document's best part
        if not (best or isinstance(q, (query.Or, query.And))) or getattr(q, "scale", None):
            raise NotImplementedError(type(q).__name__)
        if isinstance(q, query.Or):  # nested alternatives add up too: one sum over all of them
            parts = list(self._alternatives(searcher, q, allowed, q.boost))
        else:
            parts = [self._scores(searcher, sub, allowed) for sub in q.subqueries]
        if not parts:
            return NO_IDS, np.zeros(0)
        if sum(len(p[0]) for p in parts) > DENSE_SHARE * self.size:  # (an Or's boost is in its parts already)
            return self._dense_scores(parts, best, 1.0 if isinstance(q, query.Or) else q.boost,
                                      everyone=isinstance(q, query.And))
        ids, where = np.unique(np.concatenate([p[0] for p in parts]), return_inverse=True)
        if best:
            scores = np.zeros(len(ids))
            np.maximum.at(scores, where, np.concatenate([p[1] for p in parts]))
            return ids, scores * q.boost
        scores = np.bincount(where, weights=np.concatenate([p[1] for p in parts]), minlength=len(ids))
        if isinstance(q, query.Or):
            return ids, scores
        keep = np.bincount(where, minlength=len(ids)) == len(parts)  # only documents every part matched
        return ids[keep], scores[keep] * q.boost

    def _dense_scores(self, parts, best, boost, everyone):
        """``_scores``' sums (maxima with ``best``; of the documents in every part with ``everyone``) of ``parts``
        that hold many documents, through one array over the index: sorting them to find each document's parts
        cost a common word's search at a million profiles more than its scoring. The same scores, added in the
        same order, and the ids in the same order."""
        scores, held = np.zeros(self.size), np.zeros(self.size, dtype=np.int32)
        for ids, part_scores in parts:  # a part's ids are unique
            scores[ids] = np.maximum(scores[ids], part_scores) if best else scores[ids] + part_scores
            held[ids] += 1
        ids = np.flatnonzero(held == len(parts) if everyone else held).astype(NO_IDS.dtype)
        return ids, scores[ids] * boost

    def _alternatives(self, searcher, q, allowed, boost):
        """(ids, scores) of the parts of an Or, with the Ors inside it opened up and ``boost`` (the product
        of the enclosing Ors' boosts) applied: an Or's score is its boost times the sum of its parts'."""
        for sub in q.subqueries:
            if isinstance(sub, query.Or) and not getattr(sub, "scale", None):
                yield from self._alternatives(searcher, sub, allowed, boost * sub.boost)
            else:
                ids, scores = self._scores(searcher, sub, allowed)
                yield ids, scores * boost

    def _term_scores(self, searcher, term, allowed):
        fieldname, text = term.fieldname, term.text
        if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
            raise NotImplementedError(fieldname)
        ids, weights = self.postings(searcher, fieldname, text)
        keep = allowed[ids]
        ids, weights = ids[keep], weights[keep]
        if not len(ids):
            return NO_IDS, np.zeros(0)
        idf, avgfl, b, k1 = self._bm25f(searcher, fieldname, text)
        length = LENGTH_OF_BYTE[self.lengths(searcher, fieldname)[ids]]
        tf = weights.astype(np.float64)
        scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / avgfl)))
        return ids, scores * term.boost

    def _bm25f(self, searcher, fieldname, text):
        """(idf, average field length, B, K1) of a term: fixed for an index version, and reading them
        from the term files each time cost more than the scoring."""
        def read():
            scorer = searcher.weighting.scorer(searcher, fieldname, text)
            if not isinstance(scorer, scoring.BM25FScorer):
                raise NotImplementedError(type(scorer).__name__)
            return scorer.idf, scorer.avgfl, scorer.B, scorer.K1

        return self._term_stats.get((fieldname, text), read)

    def lengths(self, searcher, fieldname):
        with self._lock:
            if fieldname not in self._lengths:
                self._lengths[fieldname] = np.concatenate(
                    [facts.lengths(reader, fieldname)
                     for (reader, _), (facts, _) in zip(leaf_readers(searcher), self.parts)]
                ) if self.parts else np.zeros(0, np.uint8)
            return self._lengths[fieldname]

    def order(self, searcher, fieldname):
        """Each document's place when sorted by a sortable field (equal values, equal places; ISO dates sort
        as text), read once per index version: sorting a large result by date then takes array operations."""
        with self._lock:
            if fieldname not in self._orders:
                parts = [facts.values(reader, fieldname)
                         for (reader, _), (facts, _) in zip(leaf_readers(searcher), self.parts)]
                distinct = np.unique(np.concatenate([values for values, _ in parts])) if parts else []
                self._orders[fieldname] = np.concatenate(
                    [np.searchsorted(distinct, values).astype(np.int32)[codes] for values, codes in parts]
                ) if parts else np.zeros(0, np.int32)
            return self._orders[fieldname]

    def newest(self, searcher, fieldname, allowed, limit):
        """The ``limit`` allowed documents with the highest ``fieldname`` value, highest first (then by number)."""
        candidates = np.flatnonzero(allowed)
        return [int(candidates[i]) for i in best(candidates, self.order(searcher, fieldname)[candidates], limit)]

    def postings(self, searcher, fieldname, text):
        """(document numbers, weights) of a term across the segments (joined ones kept for this version).

        Files are read through ``searcher``, the calling thread's own: Whoosh's readers seek and read one
        shared file object, so two threads reading through one reader corrupt each other's reads.
        """
        segments = [(reader, segment, facts)
                    for (reader, _), segment, (facts, _) in zip(leaf_readers(searcher), self.segments, self.parts)]

        def read(reader, segment, facts):
            common = facts.common.get((fieldname, text)) if facts.common else None  # decoded beside the segment
            return common if common is not None else self.kept.get(
                (segment, fieldname, text), lambda: posting_arrays(reader, fieldname, text))

        def join():
            found = [read(*segment) for segment in segments]
            return (np.concatenate([p[0] + offset for p, (_, offset) in zip(found, self.leaves)]),
                    np.concatenate([p[1] for p in found]))

        if not segments:  # an empty index
            return NO_IDS, np.zeros(0, np.float32)
        return read(*segments[0]) if len(segments) == 1 else self._joined.get((fieldname, text), join)


class Recent:
    """The values of the most recently used keys, each made on first use, oldest dropped first once their
    cost passes ``budget`` (by default each value costs 1). Thread-safe; two threads asking for a new key
    at once may both make it.

    With ``second_use``, a value is kept only when its key is asked for a second time (the keys of recent
    first uses are remembered, four times ``budget`` of them): searches made once would otherwise push out
    the popular ones.
    """

    def __init__(self, budget, cost=None, second_use=False):
        self.budget, self.cost = budget, cost or (lambda _value: 1)
        self._lock = threading.Lock()
        self._recent, self._spent = {}, 0  # oldest first
        self._asked = {} if second_use else None  # keys seen once, oldest first

    def get(self, key, make):
        with self._lock:
            found = self._recent.pop(key, None)
            if found is not None:
                self._recent[key] = found  # now the most recent
                return found
        found = make()
        with self._lock:
            if self._asked is not None:
                if key not in self._asked:  # a first use: remember the key only
                    self._asked[key] = True
                    if len(self._asked) > 4 * self.budget:
                        del self._asked[next(iter(self._asked))]
                    return found
                del self._asked[key]
            if key not in self._recent:
                self._spent += self.cost(found)
            self._recent[key] = found
            while self._spent > self.budget and len(self._recent) > 1:
                self._spent -= self.cost(self._recent.pop(next(iter(self._recent))))
        return found


def kept_postings(budget=KEPT_POSTINGS):
    """Decoded postings of recently searched terms, so popular words stay warm: about 8 bytes a posting.
    (Absent terms are kept too, and cost a little.) The process-wide one is kept by segment, not by index
    version: after an incremental update only the new, small segment's postings are read again."""
    return Recent(budget, cost=lambda found: len(found[0]) + 1)
