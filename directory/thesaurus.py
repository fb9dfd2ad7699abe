"""Query understanding: plain words -> academic terms in many languages, from data/topics.tsv."""
import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from directory.paths import DATA
from directory.search import CJK_RUN, analyse

LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "zh", "ja")


class ThesaurusError(ValueError):
    """The thesaurus file is malformed; the message names the line."""


@dataclass(frozen=True)
class Concept:
    id: str
    field: str
    labels: dict  # language -> tuple of terms
    plain: tuple

    @property
    def name(self):
        return self.labels["en"][0]

    def terms(self):
        """Every label in every language."""
        return [term for language in LANGUAGES for term in self.labels.get(language, ())]


@cache
def concepts():
    """All concepts of the bundled thesaurus, validated."""
    with open(DATA / "topics.tsv", encoding="utf-8") as handle:
        rows = [line for line in handle if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    found, seen = [], set()
    for number, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            raise ThesaurusError(f"topics.tsv concept line {number}: expected {len(reader.fieldnames)} columns")
        if row["id"] in seen:
            raise ThesaurusError(f"topics.tsv concept line {number}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        labels = {lang: tuple(t.strip() for t in row[lang].split(";") if t.strip()) for lang in LANGUAGES}
        missing = [lang for lang in LANGUAGES if not labels[lang]]
        if missing:
            raise ThesaurusError(f"topics.tsv concept {row['id']!r}: no label in {', '.join(missing)}")
        plain = tuple(t.strip() for t in row["plain"].split(";") if t.strip())
        found.append(Concept(row["id"], row["field"], labels, plain))
    return found


@cache
def _phrases():
    """(concept, phrase, its index terms) for every label and plain phrase."""
    table = []
    for concept in concepts():
        for phrase in dict.fromkeys(concept.terms() + list(concept.plain)):
            table.append((concept, phrase, frozenset(analyse(phrase)) if not CJK_RUN.search(phrase) else None))
    return table


@dataclass(frozen=True)
class Expansion:
    concept: Concept
    matched: str

    def terms(self, query):
        """The concept's labels not already in the query."""
        lowered = query.casefold()
        return [t for t in self.concept.terms() if t.casefold() not in lowered]


@cache
def _keyed(everyday):
    """Phrases keyed by one of their index terms, so a text is checked against a few candidates only, and
    the CJK phrases apart (matched as substrings): ({term: [(position, concept, phrase, terms)]}, [(position,
    concept, phrase)]). ``everyday``: with the plain phrases too (for queries; tagging profiles uses labels)."""
    keyed, cjk = {}, []
    for position, (concept, phrase, terms) in enumerate(_phrases()):
        if phrase in concept.plain and not everyday:
            continue
        if terms is None:
            cjk.append((position, concept, phrase))
        elif terms:
            keyed.setdefault(min(terms), []).append((position, concept, phrase, terms))
    return keyed, cjk


def _found_in(text, everyday):
    """(position, concept, phrase) of the phrases that occur in ``text``, in thesaurus order."""
    keyed, cjk = _keyed(everyday)
    words = set(analyse(text))
    found = [(position, concept, phrase) for word in words for position, concept, phrase, terms in keyed.get(word, ())
             if terms <= words]
    if CJK_RUN.search(text):
        found += [(position, concept, phrase) for position, concept, phrase in cjk if phrase in text]
    return sorted(found, key=lambda hit: hit[0])


@lru_cache(maxsize=4096)
def expand(query):
    """Concepts whose label or plain phrase appears in ``query`` (longest match per concept); remembered,
    since popular searches repeat."""
    matches = {}
    for _position, concept, phrase in _found_in(query, everyday=True):
        if len(phrase) > len(matches.get(concept.id, Expansion(concept, "")).matched):
            matches[concept.id] = Expansion(concept, phrase)
    return tuple(sorted(matches.values(), key=lambda e: e.concept.id))


def expansion_terms(query):
    """The labels of every concept ``query`` names that the query does not already hold, once each: what a
    search also looks for."""
    return list(dict.fromkeys(t for e in expand(query) for t in e.terms(query)))


def topics_of(texts):
    """Concept ids whose academic labels appear within one of these texts (the topic facet)."""
    return sorted({concept.id for text in texts for _position, concept, _phrase in _found_in(text, everyday=False)})


def suggest(prefix, limit=10):
    """Topic labels and plain phrases starting with ``prefix`` (for search-box suggestions)."""
    start = prefix.strip().casefold()
    if not start:
        return []
    found = []
    for concept, phrase, _terms in _phrases():
        if phrase.casefold().startswith(start) and phrase not in found:
            found.append(phrase)
    return sorted(found, key=lambda p: (len(p), p))[:limit]


def related(query, limit=6):
    """Concepts with a label word that starts like one of the query's words (for a search that found
    nothing: "pipes" leads to pipelines, "ferment" to fermentation), most matching words first."""
    words = {w for w in re.findall(r"\w{4,}", query.casefold())}
    scored = []
    for concept in concepts():
        label_words = {w for term in concept.terms() + list(concept.plain) for w in re.findall(r"\w+", term.casefold())}
        hits = sum(1 for w in words if any(lw.startswith(w[:5]) for lw in label_words))
        if hits:
            scored.append((-hits, concept.name.casefold(), concept))
    return [concept for _hits, _name, concept in sorted(scored, key=lambda t: t[:2])[:limit]]
