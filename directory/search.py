"""The search backend: the only module that knows Whoosh.

The index is derived from the store and can always be rebuilt. ``<instance>/index``
is a symbolic link to the live index folder; a rebuild writes a new folder beside
it and swaps the link atomically, so searches keep working and a killed rebuild
leaves the old index serving.
"""
import heapq
import os
import re
import shutil
import sys
import threading
import time
import uuid
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser, query, scoring
from whoosh.analysis import (
    CharsetFilter,
    LanguageAnalyzer,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemmingAnalyzer,
)
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.matching.wrappers import FilterMatcher
from whoosh.support.charset import accent_map

from directory import countries

CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
WORDS = StemmingAnalyzer() | CharsetFilter(accent_map)
# CJK text has no spaces: index runs of CJK characters as single characters and bigrams.
CJK = RegexTokenizer(CJK_RUN.pattern) | LowercaseFilter() | NgramFilter(minsize=1, maxsize=2)
# Profiles in these languages are also indexed with their own stemmer (Snowball), when the source says.
STEMMED_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl")
SEARCH_FIELDS = {"name": 2.0, "title": 1.0, "interests": 3.0, "department": 1.0, "institution": 0.7, "cjk": 2.0,
                 **{f"text_{language}": 2.0 for language in STEMMED_LANGUAGES}}


class IndexUnavailable(Exception):
    """The index is missing or damaged; `directory reindex` rebuilds it."""


class QueryError(ValueError):
    """The query cannot be run; the message says why, for the person searching."""


def schema():
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=WORDS),
        title=TEXT(analyzer=WORDS),
        interests=TEXT(analyzer=WORDS, spelling=True),
        department=TEXT(analyzer=WORDS),
        institution=TEXT(analyzer=WORDS),
        cjk=TEXT(analyzer=CJK),
        country=ID,  # regions are derived from it when searching
        topic=KEYWORD(commas=True),
        institution_name=ID,
        last_verified=ID(sortable=True),
        last_changed=ID(sortable=True),
        hidden=ID,
        **{f"text_{language}": TEXT(analyzer=LanguageAnalyzer(language) | CharsetFilter(accent_map))
           for language in STEMMED_LANGUAGES},
    )


def document(expert):
    """The index document of one expert (a dict as returned by the store)."""
    interests = " ; ".join(expert.get("interests") or [])
    searchable = " ".join(filter(None, [expert.get("name"), expert.get("title"), interests,
                                        expert.get("department"), expert.get("institution")]))
    language = expert.get("language")
    stemmed = {f"text_{language}": " ; ".join(filter(None, [expert.get("title"), interests, expert.get("department")]))
               } if language in STEMMED_LANGUAGES else {}
    return {
        **stemmed,
        "id": expert["id"],
        "name": expert.get("name") or "",
        "title": expert.get("title") or "",
        "interests": interests,
        "department": expert.get("department") or "",
        "institution": expert.get("institution") or "",
        "cjk": " ".join(CJK_RUN.findall(searchable)),
        "country": (expert.get("country") or "").upper(),
        "topic": ",".join(expert.get("topics") or []),
        "institution_name": expert.get("institution") or "",
        "last_verified": expert.get("last_verified") or "",
        "last_changed": expert.get("last_changed") or "",
        "hidden": "1" if expert.get("may_have_left") else "0",
    }


@dataclass
class Results:
    total: int
    hits: list  # [(expert id, score)]
    facets: dict = field(default_factory=dict)
    terms: set = field(default_factory=set)
    suggestion: str = None  # "did you mean", when the words found nothing


class SearchIndex:
    """Opens, updates, rebuilds and queries the index at ``path`` (a link to the live folder)."""

    def __init__(self, path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._facts_cache = {}
        self._segment_facts = {}

    # -- building ---------------------------------------------------------------------

    def exists(self):
        """Whether there is an index here (a damaged one counts: opening it says what is wrong)."""
        try:
            return whoosh_index.exists_in(str(self.path))
        except Exception:  # noqa: BLE001 - a damaged index can raise anything; _open() reports it
            return True

    def ensure(self):
        """Create an empty index if there is none."""
        if not self.exists():
            self._swap_in(self._new_folder())

    def outdated(self):
        """Whether the index was built with another schema (an older version): it needs a rebuild."""
        return set(self._open().schema.names()) != set(schema().names())

    def _new_folder(self):
        folder = self.path.parent / f"{self.path.name}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), schema())
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
            shutil.rmtree(old, ignore_errors=True)
        self._clean_abandoned()

    def _clean_abandoned(self):
        """Folders left by killed rebuilds (not the live one) are removed."""
        live = self.path.resolve()
        for folder in self.path.parent.glob(self.path.name + "-*"):
            if folder.resolve() != live and folder.is_dir() and time.time() - folder.stat().st_mtime > 3600:
                shutil.rmtree(folder, ignore_errors=True)

    def rebuild(self, experts, progress=None, procs=1):
        """Build a complete new index from ``experts`` and swap it in. Returns the count.

        ``procs`` > 1 analyses in that many processes, one segment each (about twice as fast on two
        cores); only for a single-threaded caller such as the command line, since it forks.
        """
        folder = self._new_folder()
        ix = whoosh_index.open_dir(str(folder))
        writer = ix.writer(limitmb=256, procs=procs, multisegment=procs > 1)
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
        self._swap_in(folder)
        return count

    def update(self, experts, deleted_ids=()):
        """Add or replace these experts and delete these ids, in one commit."""
        self.ensure()
        ix = self._open()
        writer = ix.writer(timeout=30)
        try:
            for expert_id in deleted_ids:
                writer.delete_by_term("id", expert_id)
            for expert in experts:
                writer.update_document(**document(expert))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def ids(self):
        """Every id in the index (for `directory check`)."""
        with self._open().searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}

    def doc_count(self):
        with self._open().searcher() as searcher:
            return searcher.doc_count()

    # -- searching -------------------------------------------------------------------

    def _open(self):
        try:
            return whoosh_index.open_dir(str(self.path))
        except Exception as error:  # noqa: BLE001 - damaged files raise struct, pickle, EOF and Whoosh errors alike
            raise IndexUnavailable(f"the search index at {self.path} is missing or damaged ({error}); "
                                   "run `directory reindex`") from None

    def searcher(self):
        """A searcher reused across requests of this thread, refreshed when the index changes."""
        target = os.path.realpath(self.path)
        cached = getattr(self._local, "searcher", None)
        if cached is None or self._local.target != target:
            if cached is not None:
                cached.close()
            self._local.searcher, self._local.target = self._open().searcher(), target
        else:
            self._local.searcher = cached.refresh()
        return self._local.searcher

    def _parser(self, group=qparser.AndGroup):
        """A parser for plain words only: no field names, wildcards, ranges or boosts from the public."""
        parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema=self.searcher().schema,
                                          fieldboosts=SEARCH_FIELDS, group=group)
        for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.RangePlugin, qparser.BoostPlugin,
                       qparser.PhrasePlugin, qparser.OperatorsPlugin):  # AND, OR, NOT are plain words too
            parser.remove_plugin_class(plugin)
        return parser

    def parse(self, text):
        """The person's words: any may match, more matches rank higher."""
        cleaned = re.sub(r"[\"*?~^{}\[\]():<>+\\/]", " ", text)
        return self._parser(qparser.OrGroup.factory(0.9)).parse(cleaned)

    @lru_cache(maxsize=4096)
    def parse_phrase(self, phrase):
        """A thesaurus label as a query that needs all its words (parsed once, then reused)."""
        return self._parser().parse(re.sub(r"[\"*?~^{}\[\]():<>+\\/-]", " ", phrase))

    def search(self, text="", country=None, region=None, topic=None, institution=None, page=1, per_page=20,
               sort="relevance", hide=True, expansions=()):
        """Run a search; ``text`` empty means everything (browsing by country, region or topic).

        ``expansions`` are extra phrases (thesaurus labels) that also match, at a lower weight.
        Facet counts ignore their own filter (choosing Germany still shows how many are in France).
        """
        q = self.parse(text) if text.strip() else query.Every()
        if expansions:
            alternatives = [self.parse_phrase(p) for p in expansions]
            q = query.Or([q, query.Or([a for a in alternatives if a is not query.NullQuery], boost=0.6)])
        searcher = self.searcher()
        facts = self._facts(searcher)
        matched = facts.matching(searcher, q)
        if hide:
            matched -= facts.hidden
        tests = facts.tests(country=country, region=region, topic=topic, institution=institution)

        def narrowed(skip=None):
            numbers = matched
            for name, keep in tests.items():
                if name != skip:
                    numbers = set(filter(keep, numbers))
            return numbers

        allowed = narrowed()
        counts = {"country": facts.country_counts(narrowed("place") if "place" in tests else allowed),
                  "topic": facts.topic_counts(narrowed("topic") if "topic" in tests else allowed),
                  "institution": facts.institution_counts(narrowed("institution") if "institution" in tests
                                                          else allowed)}
        counts["region"] = region_counts(counts["country"])
        wanted = page * per_page
        newest = {"recent": "last_verified", "changed": "last_changed"}.get(sort)
        if newest:
            column = searcher.reader().column_reader(newest)
            ranked = [(number, None) for number in heapq.nlargest(wanted, allowed, key=column.__getitem__)]
        elif isinstance(q, query.Every):
            ranked = [(number, None) for number in heapq.nsmallest(wanted, allowed)]
        else:
            ranked = facts.ranked(searcher, q, allowed, wanted)
        ranked = ranked[(page - 1) * per_page:]
        terms = {t for _field, t in q.iter_all_terms() if isinstance(t, str)} if hasattr(q, "iter_all_terms") else set()
        return Results(total=len(allowed), hits=[(searcher.stored_fields(n)["id"], score) for n, score in ranked],
                       facets=counts, terms=terms, suggestion=self.suggest(text) if not allowed else None)

    def _facts(self, searcher):
        """Per-document country, topics and hidden flag for this searcher's segments (cached)."""
        leaves = leaf_readers(searcher)
        key = tuple((segment_key(reader), offset) for reader, offset in leaves)
        with self._lock:
            facts = self._facts_cache.get(key)
            if facts is None:
                facts = IndexFacts(leaves, self._segment_facts)
                self._facts_cache = {key: facts}  # only the newest view is kept
                live = {segment for segment, _offset in key}
                self._segment_facts = {k: v for k, v in self._segment_facts.items() if k in live}
            return facts

    def suggest(self, text):
        """A respelling of ``text`` from the words in the index, or None."""
        words = re.findall(r"\w+", text)
        if not words or CJK_RUN.search(text):
            return None
        searcher = self.searcher()
        corrector = searcher.corrector("interests")
        fixed = []
        for word in words:
            known = searcher.doc_frequency("interests", stem_of(word)) if word.isalpha() else 1
            options = [] if known or len(word) < 4 else corrector.suggest(word.lower(), limit=1, maxdist=2)
            fixed.append(options[0] if options else word)
        suggestion = " ".join(fixed)
        return suggestion if suggestion.lower() != " ".join(words).lower() else None

    def similar(self, expert_id, interests, count=5):
        """Ids of other experts whose interests share the most telling words with ``interests``."""
        searcher = self.searcher()
        number = searcher.document_number(id=expert_id)
        if number is None or not interests:
            return []
        hits = searcher.more_like(number, "interests", text=" ; ".join(interests), top=count,
                                  filter=query.Term("hidden", "0"))
        return [hit["id"] for hit in hits]


def region_counts(country_counts):
    """Region counts follow from country counts: regions are derived from countries."""
    regions = {}
    for code, count in country_counts.items():
        for region in countries.regions_of(code):
            regions[region] = regions.get(region, 0) + count
    return by_count(regions)


def by_count(counts):
    return dict(sorted(((k, v) for k, v in counts.items() if k), key=lambda kv: (-kv[1], kv[0])))


def leaf_readers(searcher):
    reader = searcher.reader()
    return reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]


def segment_key(reader):
    """A segment's identity and its number of deletions (deletions only grow, never change back)."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return ("empty", 0)
    return (segment.segment_id(), segment.deleted_count())


# Postings of recently searched terms kept decoded (about 12 bytes each): popular words stay warm.
KEPT_POSTINGS = 2_000_000


def posting_numbers(reader, fieldname, text):
    """The document numbers of a term's postings in one segment, deleted ones included."""
    numbers = []
    for block, _weights in posting_blocks(reader, fieldname, text, weights=False):
        numbers.extend(block)
    return numbers


def posting_blocks(reader, fieldname, text, weights=True):
    """(document numbers, term weights) of each posting block of a term in one segment.

    Whole blocks at once: Whoosh's matchers step through postings one call at a time, which is what
    makes large result sets slow in pure Python. Deleted documents are included; callers drop them.
    """
    if (fieldname, text) not in reader:
        return
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # another codec: one posting at a time
        numbers, values = [], []
        while matcher.is_active():
            numbers.append(matcher.id())
            values.append(matcher.weight() if weights else None)
            matcher.next()
        yield numbers, values
        return
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if weights and matcher._weights is None:
            matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


class SegmentFacts:
    """Country, institution, topics and hidden flag of every document in one segment, read from the postings."""

    def __init__(self, reader):
        size = reader.doc_count_all()
        self.country = self._single(reader, "country", size)
        self.institution = self._single(reader, "institution_name", size)
        self.topics = [()] * size
        gathered = {}
        for name in self._names(reader, "topic"):
            for number in posting_numbers(reader, "topic", name):
                gathered.setdefault(number, []).append(name)
        for number, names in gathered.items():
            self.topics[number] = tuple(names)
        self.hidden = set(posting_numbers(reader, "hidden", "1")) if size else set()

    @staticmethod
    def _names(reader, fieldname):
        return [sys.intern(term.decode()) for term in reader.lexicon(fieldname)] if reader.doc_count_all() else []

    def _single(self, reader, fieldname, size):
        values = [""] * size
        for name in self._names(reader, fieldname):
            for number in posting_numbers(reader, fieldname, name):
                values[number] = name
        return values


class IndexFacts:
    """The facts of every segment of one searcher, joined into whole-index document numbers.

    Result sets are Python sets of document numbers, so filters and facet counts are set operations
    and C-level counting instead of one Python call per matching document.
    """

    def __init__(self, leaves, segment_cache):
        self.country, self.institution, self.topics, self.hidden, self.deleted = [], [], [], set(), set()
        for reader, offset in leaves:
            key = segment_key(reader)
            facts = segment_cache.get(key[0]) if key[0] != "empty" else None
            if facts is None:
                facts = SegmentFacts(reader)
                if key[0] != "empty":
                    segment_cache[key[0]] = facts
            self.country.extend(facts.country)
            self.institution.extend(facts.institution)
            self.topics.extend(facts.topics)
            self.hidden.update(number + offset for number in facts.hidden)
            if reader.has_deletions():
                self.deleted.update(number + offset for number in reader.segment().deleted_docs())
        self.size = len(self.country)
        self.leaves = leaves
        self._lock = threading.Lock()
        self._recent, self._kept = {}, 0  # term -> postings, oldest first

    def matching(self, searcher, q):
        """Every live document ``q`` matches."""
        return self._numbers(searcher, q) - self.deleted

    def _numbers(self, searcher, q):
        if isinstance(q, query.Every):
            return set(range(self.size))
        if q is query.NullQuery:
            return set()
        if isinstance(q, query.Term):
            return set(self.postings(q.fieldname, q.text)[0])
        if isinstance(q, query.Or):
            return set().union(*(self._numbers(searcher, sub) for sub in q.subqueries))
        if isinstance(q, query.And):
            parts = sorted((self._numbers(searcher, sub) for sub in q.subqueries), key=len)
            return parts[0].intersection(*parts[1:]) if parts else set()
        return set(searcher.docs_for_query(q))  # anything else (NOT, for example): Whoosh's own way

    def ranked(self, searcher, q, allowed, limit):
        """The best ``limit`` of the ``allowed`` documents as (number, score), by Whoosh's BM25F.

        Scores only the allowed documents, straight from the posting blocks: Whoosh's collector would
        step through every match of the words, in every country, one Python call at a time.
        """
        try:
            scores = self._scores(searcher, q, allowed)
        except NotImplementedError:  # a query shape the block scorer does not know: Whoosh's matcher
            scores, matcher = {}, q.matcher(searcher)
            while matcher.is_active():  # (not searcher.search: its collector was seen to drop the best hit)
                if matcher.id() in allowed:
                    scores[matcher.id()] = (matcher.score(), 1)
                matcher.next()
        best = heapq.nlargest(limit, scores.items(), key=lambda item: (item[1][0], -item[0]))
        return [(number, score) for number, (score, _terms) in best]

    def _scores(self, searcher, q, allowed):
        """{document number: (score, number of query terms it matched)} for the allowed documents."""
        if q is query.NullQuery:
            return {}
        if isinstance(q, query.Term):
            return self._term_scores(searcher, q, allowed)
        if not isinstance(q, (query.Or, query.And)):
            raise NotImplementedError(type(q).__name__)
        parts = [self._scores(searcher, sub, allowed) for sub in q.subqueries]
        if isinstance(q, query.And):
            common = set.intersection(*(set(part) for part in parts)) if parts else set()
            parts = [{n: part[n] for n in common} for part in parts]
        total = {}
        for part in parts:
            for number, (score, terms) in part.items():
                before = total.get(number, (0.0, 0))
                total[number] = (before[0] + score, before[1] + terms)
        boost = q.boost
        scale = getattr(q, "scale", None)
        if scale:  # Whoosh's coordination bonus (CoordMatcher): more of the words, higher the rank
            count = sum(1 for _ in q.leaves()) or 1
            return {n: ((score * boost + (terms - 1) / (count - scale) ** 2) * (count - 1) / count, terms)
                    for n, (score, terms) in total.items()}
        return {n: (score * boost, terms) for n, (score, terms) in total.items()} if boost != 1 else total

    def _term_scores(self, searcher, term, allowed):
        fieldname, text = term.fieldname, term.text
        if fieldname not in searcher.schema or not searcher.schema[fieldname].scorable:
            raise NotImplementedError(fieldname)
        if (fieldname, text) not in searcher.reader():
            return {}
        scorer = searcher.weighting.scorer(searcher, fieldname, text)
        if not isinstance(scorer, scoring.BM25FScorer):
            raise NotImplementedError(type(scorer).__name__)
        idf, average, b, k1, boost = scorer.idf, scorer.avgfl, scorer.B, scorer.K1, term.boost
        numbers, weights = self.postings(fieldname, text)
        length = searcher.doc_field_length
        return {number: (boost * scoring.bm25(idf, weight, length(number, fieldname, 1), average, b, k1), 1)
                for number, weight in zip(numbers, weights) if number in allowed}

    def postings(self, fieldname, text):
        """(document numbers, weights) of a term across the segments; recently used terms are kept."""
        key = (fieldname, text)
        with self._lock:
            found = self._recent.pop(key, None)
            if found is not None:
                self._recent[key] = found  # now the most recent
                return found
        numbers, weights = array("l"), array("f")
        for reader, offset in self.leaves:
            for block, values in posting_blocks(reader, fieldname, text):
                numbers.extend(block if offset == 0 else [n + offset for n in block])
                weights.extend(values)
        with self._lock:
            self._recent[key] = numbers, weights
            self._kept += len(numbers)
            while self._kept > KEPT_POSTINGS and len(self._recent) > 1:
                old_numbers, _old = self._recent.pop(next(iter(self._recent)))
                self._kept -= len(old_numbers)
        return numbers, weights

    def tests(self, country=None, region=None, topic=None, institution=None):
        """{facet: test of a document number} for the filters given."""
        tests = {}
        codes = {country.upper()} if country else None
        if region:
            members = countries.countries_in(region)
            codes = members & codes if codes is not None else members
        if codes is not None:
            tests["place"] = lambda n: self.country[n] in codes
        if topic:
            tests["topic"] = lambda n: topic in self.topics[n]
        if institution:
            tests["institution"] = lambda n: self.institution[n] == institution
        return tests

    def country_counts(self, numbers):
        return by_count(Counter(map(self.country.__getitem__, numbers)))

    def institution_counts(self, numbers):
        return by_count(Counter(map(self.institution.__getitem__, numbers)))

    def topic_counts(self, numbers):
        return by_count(Counter(chain.from_iterable(map(self.topics.__getitem__, numbers))))


def stem_of(word):
    """The single index term of one word (its stem), for frequency look-ups."""
    terms = [token.text for token in WORDS(word)]
    return terms[0] if terms else word


def analyse(text):
    """The index terms of ``text`` (for highlighting matches outside Whoosh)."""
    return [token.text for token in WORDS(text)] + [token.text for token in CJK(text)]


def highlight(phrase, terms):
    """Split ``phrase`` into (text, matched) parts where a word's index term is in ``terms``."""
    if not terms:
        return [(phrase, False)]
    parts, position = [], 0
    for match in re.finditer(r"\w+", phrase):
        word = match.group(0)
        hit = bool(set(analyse(word)) & terms)
        if hit:
            if match.start() > position:
                parts.append((phrase[position:match.start()], False))
            parts.append((word, True))
            position = match.end()
    if position < len(phrase):
        parts.append((phrase[position:], False))
    return parts
