"""The search backend: this package is the only place that knows Whoosh.

The index is derived from the store and can always be rebuilt. ``<instance>/index``
is a symbolic link to the live index folder; a rebuild writes a new folder beside
it and swaps the link atomically, so searches keep working and a killed rebuild
leaves the old index serving.

This module keeps the index's folder, writers and searchers, and runs a search (filters, facets, ranking,
suggestions). By role beside it: ``analysis`` (text to terms, per language), ``fields`` (the fields and the
document of an expert), ``querying`` (words and expansions to a query), ``facts`` (per-document arrays,
matching and scoring), ``common_terms`` (each segment's common terms, decoded once beside it), ``internals`` (the
only reader of Whoosh's private parts). SearchIndex's lifecycle and its searches share one object's locks, caches
and searchers, so they are one module.
"""
import errno
import functools
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query
from whoosh.reading import SegmentReader

from directory import countries
from directory.locks import exclusive_lock
from directory.search import common_terms, querying, sentences
from directory.search.analysis import ANALYSIS_VERSION, CJK_RUN, initialisms
from directory.search.facts import RARE_ONLY, IndexFacts, kept_postings, leaf_readers, segment_key
from directory.search.fields import SEARCH_FIELDS, analyse, document, highlight, schema, stem_of, terms_of
from directory.search.internals import write_faster
from directory.search.querying import MOST_LABELS

__all__ = ["COVERAGE", "MOST_LABELS", "PHRASE_BONUS", "SEARCH_FIELDS", "IndexUnavailable", "QueryError", "Results",
           "SearchIndex", "Hit", "analyse", "highlight", "terms_of"]

RETIRED_SECONDS = 600  # how long a swapped-out index folder stays for searches still reading it
# Megabytes of postings a rebuild's writer holds before it sorts them to disk in runs, to be merged when it
# commits (merging them was a quarter of a 200,000-profile build): a quarter of the machine's memory, shared
# among its processes, within these bounds. (A pool's real size stays near Whoosh's estimate of it.)
WRITER_MB_LEAST, WRITER_MB_MOST = 256, 2048
CGROUP_MEMORY = "/sys/fs/cgroup/memory.max"  # a container's memory limit
PHRASE_BONUS = 0.5  # a score times up to 1 + this for the query's words side by side in an interest, as typed
COVERAGE = 0.5  # how much of a score depends on covering every part of the query (0: none)
TOPIC_BONUS = 0.5  # a score times up to 1 + this for being on the topics the query names (its interests say so)
# The RERANKED best matches of a search by meaning (by its words and the interests near them) are ranked again:
# each score plus MEANING_SHARE x the best score x the cosine of its interest nearest the words. Among them, the
# one whose interest means what the firm wrote comes first, not the one holding its everyday word ("walls").
RERANKED = 20
MEANING_SHARE = 0.25
STANDS_FOR_SAMPLE = 20  # profiles holding an initialism looked at for what it stands for
ANALYSIS_FILE = "ANALYSIS"  # in each index folder: the analysis version it was built with
MOST_INSTITUTIONS = 50  # institution facet: the largest ones only (a million profiles span thousands)

log = logging.getLogger(__name__)


class IndexUnavailable(Exception):
    """The index is missing or damaged; `directory reindex` rebuilds it."""


class QueryError(ValueError):
    """The query cannot be run; the message says why, for the person searching."""


DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def reading(method):
    """Any error while ``method`` opens or reads the index becomes IndexUnavailable. A damaged file raises
    whatever its bytes make of Whoosh's readers (struct, zlib, pickle, OS, key and plain errors alike), so
    nothing narrower catches them all; the cause is chained, for the log. A full or read-only disk is not
    a damaged index and keeps its own error."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (IndexUnavailable, QueryError):
            raise
        except OSError as error:
            if error.errno in DISK_ERRORS:
                raise
            raise _unavailable(self, error) from error
        except Exception as error:  # noqa: BLE001 - see above
            raise _unavailable(self, error) from error
    return guarded


def _unavailable(index, error):
    index._local.searcher = None  # reopened at the next read, after a repair
    return IndexUnavailable(f"the search index at {index.path} is missing or damaged ({type(error).__name__}: "
                            f"{error}); run `directory reindex`")


class Hit(NamedTuple):
    """One result: the expert's id in the store and its score (a pair, so ``for expert_id, score in hits``)."""
    expert_id: str
    score: float | None  # None when sorted by date or browsed without words


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # facet -> value -> count
    terms: set[str] = field(default_factory=set)  # the index terms searched, for highlighting
    suggestion: str | None = None  # "did you mean", when the words found nothing
    matched: int = 0  # what the words find without the filters
    alike: dict[str, str] = field(default_factory=dict)  # expert id -> the topic it shares with the few matches
    alike_total: int = 0  # how many of ``total`` are such experts
    meant: frozenset = frozenset()  # the query's words (places) whose dictionary meanings were searched
    near: frozenset = frozenset()  # the interests searched as near the words in meaning (as sentences.kept_as)
    initials: frozenset = frozenset()  # the initialisms searched (lower case: querying.initialism)


class SearchIndex:
    """Opens, updates, rebuilds and queries the index at ``path`` (a link to the live folder)."""

    def __init__(self, path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._facts_cache = {}
        self._segment_facts = {}
        self._kept = kept_postings()

    # -- building ---------------------------------------------------------------------

    def exists(self):
        """Whether there is an index here (a damaged one counts: opening it says what is wrong)."""
        try:
            return whoosh_index.exists_in(str(self.path))
        except Exception:  # noqa: BLE001 - a damaged index can raise anything; _open() reports it
            return True

    @contextmanager
    def writing(self, waiting=None):
        """Hold the right to change the index (one writer per index across processes: a rebuild and an
        incremental update must not overlap, or the update lands in the folder being swapped out).
        ``waiting`` is called once if another writer holds it; the lock dies with its process, and the
        processes a rebuild forks neither hold it nor outlive it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(self.path.parent / f".{self.path.name}.writing", waiting, wait=True):
            yield

    def ensure(self):
        """Create an empty index if there is none."""
        if not self.exists():
            self._swap_in(self._new_folder())

    @reading
    def outdated(self):
        """Whether the index was built with another schema or analysis (an older version): it needs a rebuild."""
        if set(self._open().schema.names()) != set(schema().names()):
            return True
        marker = Path(os.path.realpath(self.path)) / ANALYSIS_FILE
        return not marker.exists() or marker.read_text().strip() != ANALYSIS_VERSION

    def _new_folder(self):
        folder = self.path.parent / f"{self.path.name}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), schema())
        (folder / ANALYSIS_FILE).write_text(ANALYSIS_VERSION)
        return folder

    def _swap_in(self, folder):
        old = self.path.resolve() if self.path.is_symlink() else None
        if self.path.exists() and not self.path.is_symlink():
            shutil.rmtree(self.path)  # a plain folder from elsewhere: replaced by a link
        link = self.path.parent / f".{self.path.name}.link-{os.getpid()}"
        if link.is_symlink():
            link.unlink()
        os.symlink(folder.name, link)
        os.replace(link, self.path)  # atomic on POSIX
        if old is not None and old != folder.resolve() and old.exists():
            # Not deleted yet: searches already running in other processes may still open its files.
            os.utime(old)
        self._clean_abandoned()

    def _clean_abandoned(self):
        """Folders that are not live and untouched for RETIRED_SECONDS are removed: indexes swapped out
        by a rebuild (each web worker moves to the new one at its next request) and killed rebuilds."""
        live = self.path.resolve()
        for folder in self.path.parent.glob(self.path.name + "-*"):
            if folder.resolve() != live and folder.is_dir() and time.time() - folder.stat().st_mtime > RETIRED_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)

    # Segments are written as separate files, not one compound file: Whoosh reads each part of a compound
    # file into memory (a BytesIO copy) for every searcher, which cost a web worker gigabytes at 1M profiles.

    def rebuild(self, experts: Iterable[dict], progress: Callable[[int], None] | None = None, procs: int = 1) -> int:
        """Build a complete new index from ``experts`` and swap it in. Returns the count.

        ``procs`` > 1 analyses in that many processes, one segment each (about twice as fast on two
        cores); only for a single-threaded caller such as the command line, since it forks.
        """
        write_faster()
        folder = self._new_folder()
        ix = whoosh_index.open_dir(str(folder))
        writer = ix.writer(limitmb=writer_memory(procs), procs=procs, multisegment=procs > 1, compound=False)
        count = 0
        try:
            for expert in experts:
                writer.add_document(**document(expert))
                count += 1
                if progress:
                    progress(count)
            writer.commit(optimize=procs == 1)
        except BaseException:
            writer.cancel()
            shutil.rmtree(folder, ignore_errors=True)
            raise
        keep_beside(folder, seed=os.path.realpath(self.path) if self.path.is_symlink() else None, procs=procs)
        self._swap_in(folder)
        return count

    @reading
    def update(self, experts: Iterable[dict], deleted_ids: Iterable[str] = (), purge: bool = False) -> None:
        """Add or replace these experts and delete these ids, in one commit. With ``purge`` (an erasure),
        every segment holding deleted documents is rewritten without them: a deleted document's stored
        fields, terms and spelling words otherwise stay in its segment until a merge."""
        write_faster()
        self.ensure()
        folder = os.path.realpath(self.path)
        writer = self._open(folder).writer(timeout=30, compound=False)
        try:
            documents = {doc["id"]: doc for doc in map(document, experts)}  # the last version of each wins
            # One searcher for the whole batch: update_document opens a new one per document, which
            # re-reads every segment's term index and made updates on a large index crawl.
            with writer.searcher() as searcher:
                for expert_id in [*deleted_ids, *documents]:
                    writer.delete_by_term("id", expert_id, searcher=searcher)
            for doc in documents.values():
                writer.add_document(**doc)
            writer.commit(mergetype=without_deleted if purge else None)
        except BaseException:
            writer.cancel()
            raise
        # A purge lists the interests anew, without the erased person's; an update adds its new ones.
        keep_beside(folder, added=None if purge else [kept for doc in documents.values()
                                                      for kept in doc["whole_interest"].split("\n") if kept])

    @reading
    def ids(self) -> set[str]:
        """Every id in the index (for `directory check`)."""
        with self._open().searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}

    @reading
    def doc_count(self) -> int:
        with self._open().searcher() as searcher:
            return searcher.doc_count()

    # -- searching -------------------------------------------------------------------

    def _open(self, folder=None):
        """The index in ``folder``, by default the live one: opened by its real folder, not the link, so
        that a rebuild swapping the link cannot send an open searcher's later reads to another index."""
        try:
            return whoosh_index.open_dir(folder or os.path.realpath(self.path))
        except Exception as error:  # noqa: BLE001 - damaged files raise struct, pickle, EOF and Whoosh errors alike
            raise IndexUnavailable(f"the search index at {self.path} is missing or damaged ({error}); "
                                   "run `directory reindex`") from None

    @reading
    def searcher(self):
        """A searcher reused across requests of this thread, refreshed when the index changes."""
        target = os.path.realpath(self.path)
        cached = getattr(self._local, "searcher", None)
        if cached is None or self._local.target != target:
            if cached is not None:
                cached.close()
            self._local.searcher, self._local.target = self._open(target).searcher(), target
        else:
            self._local.searcher = cached.refresh()
        return self._local.searcher

    def query(self, text, expansions=()):
        """(the query for ``text`` and its ``expansions``, its parts): see ``querying.build``. For checking the fast
        path against Whoosh's own matcher."""
        searcher = self.searcher()
        return querying.build(searcher, self._facts(searcher), text, expansions)

    @reading
    def search(self, text: str = "", country: str | None = None, region: str | None = None, topic: str | None = None,
               institution: str | None = None, page: int = 1, per_page: int = 20, sort: str = "relevance",
               hide: bool = True, expansions: Sequence[tuple[str, Sequence[str]]] = (),
               known: Callable[[str], bool] = lambda word: False, concepts: Sequence[str] = (),
               by_meaning: bool = False) -> Results:
        """Run a search; ``text`` empty means everything (browsing by country, region or topic).

        ``expansions`` are the thesaurus's (query words, labels that also match them, at a lower weight); with
        ``by_meaning``, the interests nearest the words in meaning are searched too, lower still (``sentences``),
        and the best RERANKED are ranked again by how near their interests are to the words (``_by_meaning``);
        ``concepts`` the topics (hand-made concepts) the query names: a profile on more of them ranks higher.
        Facet counts ignore their own filter (choosing Germany still shows how many are in France). When the
        words find nothing, ``suggest`` offers a respelling (``known``: words never to respell); when only
        the filters leave nothing, ``matched`` says how many the words find without them. When the words find
        fewer than ``querying.FEW`` within the filters (sorted by relevance), the profiles within the filters on
        the topics that the best matches anywhere share follow them (``alike``, counted in ``total`` but not in
        the facets, which count what the words find).
        """
        searcher = self.searcher()
        facts = self._facts(searcher)
        meant = set()
        nation = region if region and countries.is_nation(region) else None
        filters = facts.filters(searcher, country=country and country.upper(), topic=topic, institution=institution,
                                nation=nation, region_members=countries.countries_in(region)
                                if region and not nation else None)

        def narrowed(skip=None, mask=None):  # (by default, what the words match: ``matched``, below)
            mask = matched if mask is None else mask
            for name, passes in filters.items():
                if name != skip:
                    mask = mask & passes
            return mask

        # (Words that are all stop words mean nothing: "für von der" is near something, as every sentence is.)
        near, meaningful = [], by_meaning and bool(analyse(text))
        if meaningful:
            meaning = spelled_out(searcher, facts, text, hide)
            within = narrowed(mask=facts.visible if hide else facts.live) if filters else None
            near = sentences.nearest(self._local.target, meaning, held=None if within is None else (
                lambda interest: within[facts.postings(searcher, "whole_interest", interest)[0]].any()))
        near_part = querying.near(near)
        q, parts = querying.build(searcher, facts, text, expansions, meant, near_part)
        masks = facts.masks(searcher, parts) if len(parts) > 1 else []  # for matching and for coverage
        matched = facts.matching(searcher, q, hide=hide, parts=masks)

        allowed = narrowed()
        counts = {"country": facts.country_counts(narrowed("place")), "topic": facts.topic_counts(narrowed("topic")),
                  "institution": facts.institution_counts(narrowed("institution"), most=MOST_INSTITUTIONS)}
        counts["region"] = region_counts(counts["country"], facts.nation_counts(narrowed("place")))
        total = int(allowed.sum())
        wanted = page * per_page
        newest = {"recent": "last_verified", "changed": "last_changed"}.get(sort)
        if newest:
            ranked = [(number, None) for number in facts.newest(searcher, newest, allowed, wanted)]
        elif isinstance(q, query.Every):
            ranked = [(int(number), None) for number in np.flatnonzero(allowed)[:wanted]]
        else:
            best_of = functools.partial(facts.ranked, searcher, q, parts=masks, coverage=COVERAGE,
                                        phrases=querying.phrases(text), phrase_bonus=PHRASE_BONUS, topics=concepts,
                                        topic_bonus=TOPIC_BONUS)
            # Few matches are ranked whole, so the topics they share (below) are the same on every page; and at
            # least RERANKED, so those ranked again by meaning are the same on every page.
            ranked = by_words = best_of(allowed, max(wanted, total) if total < querying.FEW else max(wanted, RERANKED))
            if meaningful:
                ranked = self._by_meaning(searcher, meaning, ranked)
        alike, alike_total = {}, 0
        if total < querying.FEW and matched.any() and not newest and not isinstance(q, query.Every):
            # Few profiles hold the words: those on the topics they share follow, each saying which topic. The
            # topics are those of the best matches anywhere, so that a filter still finds its own experts on them
            # (by the words' scores, with a filter or without).
            evidence = best_of(matched, querying.FEW) if filters else by_words
            passing = narrowed(mask=(facts.visible if hide else facts.live) & ~allowed)
            lowest = min(score for _number, score in ranked or evidence)
            alike_total, found = facts.alike(searcher, evidence, passing, wanted - len(ranked), lowest)
            total += alike_total
            ranked += [(number, score) for number, score, _topic in found]
            alike = {number: topic for number, _score, topic in found}
        ranked = ranked[(page - 1) * per_page:wanted]
        # The terms of the words and their labels, for highlighting: an interest near them in meaning is not
        # their words (``near`` names it instead).
        searched = {(name, t) for part in parts if part is not near_part and hasattr(part, "iter_all_terms")
                    for name, t in part.iter_all_terms() if isinstance(t, str)}
        terms = {t for name, t in searched if name != "initials"}
        found_by_words = int(matched.sum())
        if near_part is not query.NullQuery:  # "did you mean" asks whether the words themselves found any
            live = facts.visible if hide else facts.live
            spelled = any((mask & live).any() for part, mask in zip(parts, masks) if part is not near_part)
        else:
            spelled = found_by_words > 0
        hits = [Hit(searcher.stored_fields(n)["id"], score) for n, score in ranked]
        return Results(total=total, hits=hits, facets=counts, terms=terms, matched=found_by_words,
                       alike={hit.expert_id: alike[n] for hit, (n, _score) in zip(hits, ranked) if n in alike},
                       alike_total=alike_total, meant=frozenset(meant),
                       near=frozenset(interest for interest, _closeness in near),
                       initials=frozenset(t for name, t in searched if name == "initials"),
                       suggestion=self.suggest(text, known) if not spelled and text.strip() else None)

    def _by_meaning(self, searcher, text, ranked):
        """``ranked`` with its first RERANKED ranked again, each score plus MEANING_SHARE x the best score x the
        cosine to ``text`` (0 at least: nothing loses) of its interest nearest it. One with no interest whose
        vector is kept (none, or rare ones beyond ``sentences.MOST_INTERESTS``) counts as the others' mean: no
        evidence either way. (The best of a profile's interests: one listing many has more chances; accepted.)"""
        head = ranked[:RERANKED]
        if len(head) < 2 or not MEANING_SHARE:
            return ranked
        interests_of = {number: (searcher.stored_fields(number).get("whole_interest") or "").split("\n")
                        for number, _score in head}
        cosines = sentences.closeness(self._local.target, text,
                                      {interest for interests in interests_of.values() for interest in interests})
        best_cosine = {number: max((max(0.0, cosines[i]) for i in interests if i in cosines), default=None)
                       for number, interests in interests_of.items()}
        known = [cosine for cosine in best_cosine.values() if cosine is not None]
        if not known:
            return ranked
        usual, best = sum(known) / len(known), head[0][1]
        again = [(number, score + MEANING_SHARE * best * (usual if cosine is None else cosine))
                 for (number, score), cosine in zip(head, best_cosine.values())]
        return sorted(again, key=lambda pair: -pair[1]) + ranked[RERANKED:]

    @reading
    def _facts(self, searcher):
        """Per-document country, topics and hidden flag for this searcher's segments (cached)."""
        leaves = leaf_readers(searcher)
        key = tuple((segment_key(reader), offset) for reader, offset in leaves)
        with self._lock:
            facts = self._facts_cache.get(key)
            if facts is None:
                facts = IndexFacts(leaves, self._segment_facts, self._kept, self._local.target)
                self._facts_cache = {key: facts}  # only the newest view is kept
                live = {segment_id for (segment_id, _deletions), _offset in key}
                self._segment_facts = {k: v for k, v in self._segment_facts.items() if k in live}
            return facts

    @reading
    def suggest(self, text: str, known: Callable[[str], bool] = lambda word: False) -> str | None:
        """A respelling of ``text`` from the words of the profiles' interests, or None. A word is left as it
        is when the interests hold it, when ``known(word)`` (a word of the thesaurus: "machine" is no
        misspelling of "marine"), or when it is short; a respelling is one or two letters away (one for short
        words) and found in the interests."""
        words = re.findall(r"\w+", text)
        if not words or CJK_RUN.search(text):
            return None
        searcher = self.searcher()
        corrector = searcher.corrector("interests")
        fixed = []
        for word in words:
            lowered = word.lower()
            if (not word.isalpha() or len(word) < 4 or searcher.doc_frequency("interests", stem_of(word))
                    or known(lowered)):
                fixed.append(word)
                continue
            options = corrector.suggest(lowered, limit=1, maxdist=1 if len(word) < 7 else 2)
            fixed.append(options[0] if options else word)
        suggestion = " ".join(fixed)
        return suggestion if suggestion.lower() != " ".join(words).lower() else None

    @reading
    def similar(self, expert_id: str, interests: Sequence[str], count: int = 5) -> list[str]:
        """Ids of other experts whose interests share the most telling words with ``interests`` (remembered
        while the index stays as it is)."""
        searcher = self.searcher()
        facts = self._facts(searcher)

        def find():
            number = searcher.document_number(id=expert_id)
            if number is None or not interests:
                return []
            # Whoosh's more_like would build a set of every visible document per call; the fast path has it.
            words = searcher.key_terms_from_text("interests", " ; ".join(interests), numterms=8)
            q = query.Or([query.Term("interests", word, boost=weight) for word, weight in words])
            allowed = facts.visible.copy()
            allowed[number] = False
            return [searcher.stored_fields(n)["id"] for n, _score in facts.ranked(searcher, q, allowed, count)]

        return facts.remembered.get(("similar", expert_id, tuple(interests), count), find)

    def remembered(self, key, make):
        """``make()``, made once for ``key`` while the index stays as it is (any change starts afresh)."""
        return self._facts(self.searcher()).remembered.get(key, make)

    @reading
    def coverage(self, hide: bool = True) -> dict[str, int]:
        """{country code: experts a search finds (with ``hide``, not those who may have left)}, largest first,
        counted once per index version."""
        facts = self._facts(self.searcher())
        counted = facts.visible if hide else facts.live
        return facts.remembered.get(("coverage", hide), lambda: facts.country_counts(counted))


def writer_memory(procs):
    """The megabytes of postings each of a rebuild's ``procs`` writing processes holds (WRITER_MB_LEAST...): of
    the machine's memory, or of the container's where that is less (cgroup v2's limit)."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # a system that does not say
        return WRITER_MB_LEAST
    try:
        limit = Path(CGROUP_MEMORY).read_text().strip()
        total = min(total, int(limit)) if limit.isdigit() else total  # ("max": no limit)
    except OSError:
        pass
    return max(WRITER_MB_LEAST, min(WRITER_MB_MOST, total // 2**20 // 4 // max(1, procs)))


def keep_beside(folder, added=None, seed=None, procs=1):
    """Keep the postings of each new segment's common terms decoded (``common_terms``) and the vectors of the
    index's interests (``sentences.write``: ``added``, an update's; ``seed``, the index a rebuild replaces;
    ``procs``, the processes a rebuild encodes in), for every search to come. The index is complete without
    them (their terms are decoded instead; the words are searched alone), so a failure is logged, not raised:
    the commit it follows has been made. Vectors that could not be written are removed, not left as they were:
    an erasure's purge must not leave its person's interests in an old list."""
    # (RARE_ONLY's common terms are never read.)
    fieldnames = [name for name in (*SEARCH_FIELDS, "pairs", *common_terms.COMMON_IN) if name not in RARE_ONLY]
    with whoosh_index.open_dir(str(folder)).reader() as reader:
        try:
            for leaf, _offset in reader.leaf_readers():
                common_terms.write(folder, leaf, fieldnames)
        except Exception as error:  # noqa: BLE001 - disk, permissions, a damaged segment: searching works on
            log.warning("could not keep the common terms decoded beside the index at %s: %s", folder, error)
        try:
            sentences.write(folder, reader, added, seed, procs)
        except Exception as error:  # noqa: BLE001 - as above, and whatever the encoder raises
            log.warning("could not keep the interests' vectors beside the index at %s (%s); searching by words "
                        "alone until a commit writes them", folder, error)
            sentences.forget(folder)


def without_deleted(writer, segments):
    """A Whoosh merge policy: segments holding deleted documents are copied into the new segment (which
    keeps only live documents), the others stay as they are."""
    kept = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return kept


def spelled_out(searcher, facts, text, hide):
    """``text`` for the sentence encoder, which cannot read initialisms: each word that is one
    (``querying.initialism``) followed by what it stands for ("MVHR (mechanical ventilation with heat
    recovery)"), among the interests of the profiles a search shows (with ``hide``, not those who may have
    left)."""

    def spelled(word):
        letters = querying.initialism(searcher, word[0])
        meant = letters and facts.remembered.get(("stands for", letters, hide), lambda: stands_for(
            searcher, facts, letters, facts.visible if hide else facts.live))
        return f"{word[0]} ({meant})" if meant else word[0]

    return re.sub(r"\S+", spelled, text)


def stands_for(searcher, facts, letters, shown):
    """The interest that the initialism ``letters`` stands for: of the interests they are the initials of in the
    first STANDS_FOR_SAMPLE profiles ``shown`` that hold one, the one most profiles hold; None when none is."""
    numbers = facts.postings(searcher, "initials", letters)[0]
    held = {interest for number in numbers[shown[numbers]][:STANDS_FOR_SAMPLE]
            for interest in (searcher.stored_fields(int(number)).get("whole_interest") or "").split("\n")
            if letters in initialisms(interest)}
    return max(sorted(held), key=lambda interest: searcher.doc_frequency("whole_interest", interest), default=None)


def region_counts(country_counts, nation_counts=None):
    """Region counts follow from country counts (regions are derived from countries), plus UK nations."""
    regions = dict(nation_counts or {})
    for code, count in country_counts.items():
        for region in countries.regions_of(code):
            regions[region] = regions.get(region, 0) + count
    return by_count(regions)


def by_count(counts):
    return dict(sorted(((k, v) for k, v in counts.items() if k), key=lambda kv: (-kv[1], kv[0])))


