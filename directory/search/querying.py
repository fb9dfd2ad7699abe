"""How a firm's words and their thesaurus expansions become a Whoosh query: one part per place in the query,
its own words or the best of the labels the thesaurus found there at a lower weight; German and Dutch compounds
through the profiles' compounds and parts. Scoring and ranking are ``facts``'."""
import copy
import re
import string
from functools import lru_cache
from typing import NamedTuple

from whoosh import query

from directory.search import analysis, fields
from directory.search.analysis import COMPOUND_PART, COMPOUNDING, cognate_key, prefixed_key, stop_words

QUERY_SYNTAX = r"[\"*?~^{}\[\]():<>+\\/]"  # read as spaces: the public's words are plain words
HEAD_WEIGHT, MODIFIER_WEIGHT = 0.5, 0.3  # a compound's head says what it is; its first part less so
MOST_COMPOUNDS = 16  # compounds per word and language, at most
EXPANSION_WEIGHT = 0.6  # a thesaurus label, beside the person's own words
ASIDE_WEIGHT = 0.4  # a broader concept's label, where the words also name a concept of their own sense
# An interest near the words in meaning (sentences) is one term, the whole interest, weighing this times its
# cosine: at 0.5, about what one rare word of the firm's in it would (measured: 0.6 to 6.4 at 0.5; 2.4 kept
# keyword recall and found most).
NEAR_WEIGHT = 4.8
MOST_LABELS = 24  # labels searched per place in a query, of those the index holds: each costs a new search time
# Fewer matches than this are few: a place whose own words find few profiles also searches a dictionary's meanings,
# and few matches are followed by the profiles on the topics they share (SearchIndex.search).
FEW = 10
# A word written as an initialism ("MVHR", "IoT": two capitals at least; "LEDs", a plural) is searched as the
# interests it stands for, where the index holds it so more than as a word ("HEAT" and "AND" are words).
INITIALISM = re.compile(r"((?=(?:[a-z]*[A-Z]){2})[A-Za-z]{%d,%d}?)(?:(?<=[A-Z])s)?" % analysis.INITIALISM_LETTERS)


class Label(NamedTuple):
    """A thesaurus label and the languages it is a label in; ``meaning``: a dictionary's meaning of a word, searched
    only where the word itself finds few profiles; ``aside``: a broader concept's, weighing less (ASIDE_WEIGHT)."""
    text: str
    languages: tuple[str, ...]
    meaning: bool = False
    aside: bool = False


def build(searcher, facts, text, expansions, meant=None, meaning=query.NullQuery):
    """(query, parts). The person's words (all documents when there are none) in parts: each place that
    names thesaurus concepts (``expansions``: [(those words, the concepts' ``Label``s)]) is one part, its own
    words or the best label a profile holds, at a lower weight (not the sum of every label it holds: a
    profile with three labels of a concept one word named outranked one holding the firm's other words);
    each other word is a part. A profile scores the sum of
    the parts it matches (ranking then rewards covering more of them: ``facts.ranked``), plus a bonus for
    each pair of the query's words that its interests hold side by side. Each piece is kept without its
    absent terms, remembered for this index version (``facts.pruned``). A concept's broader labels
    (``Label.aside``) weigh less than the others. A dictionary's meanings (``Label.meaning``) are searched only
    where the place's own words find fewer than FEW profiles; those places' words are added to ``meant``.
    ``meaning`` (``near``'s query of the interests near the words in meaning) is one more part."""
    if not text.strip():
        return query.Every(), []
    named = {word for words, _labels in expansions for word in words.casefold().split()}
    written = {word.casefold(): word for word in re.sub(QUERY_SYNTAX, " ", text).split()}  # "LEDs": an initialism
    parts = []
    for words, labels in expansions:
        own = _words(searcher, facts, " ".join(written.get(word, word) for word in words.split()))
        few = None  # whether the words find fewer than FEW profiles: asked at the place's first meaning
        near, aside = [], []
        for label in labels:  # the first MOST_LABELS that some profile holds: one that none holds costs no room
            if label.meaning:
                if few is None:
                    few = own is query.NullQuery or facts.fewer_than(searcher, own, FEW)
                if not few:
                    continue
            phrase = _label(searcher, facts, label)
            if phrase is not query.NullQuery:
                if label.meaning and meant is not None:
                    meant.add(words)
                (aside if label.aside else near).append(phrase)
                if len(near) + len(aside) == MOST_LABELS:
                    break
        tiers = [best_of(found, weight) for found, weight in ((near, EXPANSION_WEIGHT), (aside, ASIDE_WEIGHT)) if found]
        pieces = ([] if own is query.NullQuery else [own]) + ([best_of(tiers, 1.0)] if tiers else [])
        if pieces:
            parts.append(query.Or(pieces) if len(pieces) > 1 else pieces[0])
    rest = " ".join(word for word in re.sub(QUERY_SYNTAX, " ", text).split() if word.casefold() not in named)
    parts += [part for part in _word_parts(searcher, facts, rest)]
    if meaning is not query.NullQuery:
        parts.append(meaning)
    if not parts:
        return query.NullQuery, []
    q = query.Or(parts) if len(parts) > 1 else parts[0]
    return q, parts


def near(interests):
    """The query of ``interests`` ([(an interest, its cosine)] near the words in meaning: ``sentences``): the
    best of them a profile holds, the very interest, at NEAR_WEIGHT times its cosine."""
    held = [query.Term("whole_interest", interest, boost=closeness) for interest, closeness in interests]
    return best_of(held, NEAR_WEIGHT) if held else query.NullQuery


def phrases(text):
    """Each pair of ``text``'s words that are side by side (stop words aside), as a term of the interests' word
    pairs."""
    pairs = [token.text for token in fields.PAIRS(re.sub(QUERY_SYNTAX, " ", text), mode="query")]
    return [query.Term("pairs", pair) for pair in pairs if len(set(pair.split(" "))) == 2]  # not "a a"


def _label(searcher, facts, label):
    """A thesaurus label's query: all its words, or one word (with its parts, if it is a compound: ``_compounds``),
    in LABEL_FIELDS and its languages' stemmed text."""
    names = label_fields(label.languages)
    if re.fullmatch(r"\w+", label.text):
        return facts.pruned(searcher, ("label", label.text, names),
                            lambda: _compounds(facts, searcher, label.text, names))
    return facts.pruned(searcher, ("phrase", label.text, names), lambda: phrase_query(label.text, names))


@lru_cache(maxsize=1024)
def label_fields(languages):
    """The search fields a label in ``languages`` is looked for in."""
    return tuple(name for name in (*fields.LABEL_FIELDS, *(f"text_{language}" for language in languages))
                 if name in fields.SEARCH_FIELDS)


def _words(searcher, facts, text):
    """``parse(text)``, put together from each word's own query: the parser reads words one at a time, any
    may match and their scores add up, so this is the same query, and a new search mostly reuses words."""
    parts = _word_parts(searcher, facts, text)
    return query.Or(parts) if len(parts) > 1 else parts[0] if parts else query.NullQuery


def _word_parts(searcher, facts, text):
    """Each word's query (with the compounds it is part of: ``_compounds``), the words that match nothing
    left out."""
    parts = [facts.pruned(searcher, ("word", word), lambda word=word: _with_initials(searcher, word, _compounds(
                 facts, searcher, word))) for word in re.sub(QUERY_SYNTAX, " ", text).split()]
    return [part for part in parts if part is not query.NullQuery]


def _with_initials(searcher, word, found):
    """``found`` (a firm's word's query) or, where the word is an initialism (``initialism``), the interests it
    stands for too, as if they were its words ("MVHR": "Mechanical ventilation with heat recovery")."""
    letters = initialism(searcher, word)
    if letters is None:
        return found
    initials = query.Term("initials", letters, boost=fields.SEARCH_FIELDS["interests"])
    return initials if found is query.NullQuery else query.Or([found, initials])


def initialism(searcher, word):
    """The letters of ``word`` (lower case) if it is written as an initialism (INITIALISM, stray punctuation aside)
    that more profiles hold as the initials of an interest than as a word, else None."""
    written = INITIALISM.fullmatch(word.strip(string.punctuation))
    letters = written and written[1].lower()
    if not letters or letters in stop_words():
        return None
    held = searcher.doc_frequency("initials", letters)
    return letters if held and held > searcher.doc_frequency("interests", fields.stem_of(letters)) else None


def _compounds(facts, searcher, word, names=None):
    """``parse(word)`` (in the fields ``names``) or, in the languages that write compounds as one word, at a
    lower weight: the profiles' compounds whose head it is ("Schweißen" finds "Laserstrahlschweißen"), those it begins
    ("Kleben" finds "Klebstoffe"), and its own parts when it is a compound of two words they use
    ("Kunststoffrecycling" finds "Recycling von Kunststoffen"); and a word made with a learned prefix, the
    cognate key of the word after it ("biosurfactants" finds "Surfactant science"). A thesaurus label (``names``
    given) finds its parts but not the compounds it is a fragment of: the firm did not write it, and a broad
    label's fragment is another subject ("Wirtschaft", a label of "company", is not "Kreislaufwirtschaft")."""
    alternatives = []
    rest = prefixed_key(word) if "cognate" in (names or fields.SEARCH_FIELDS) else None
    if rest and rest != cognate_key(word):  # "biosurfactants": "surfactants", below the word itself
        alternatives.append(query.Term("cognate", rest, boost=fields.SEARCH_FIELDS["cognate"] * HEAD_WEIGHT))
    for language in COMPOUNDING:
        field, stems = f"text_{language}", [token.text for token in fields.LANGUAGE_WORDS[language](word)]
        if names is not None and field not in names or len(stems) != 1 or len(stems[0]) < COMPOUND_PART:
            continue
        heads, modifiers, parts = facts.compound_terms(searcher, field, stems[0], COMPOUND_PART)
        if names is None:
            alternatives += [query.Term(field, term, boost=HEAD_WEIGHT) for term in heads[:MOST_COMPOUNDS]]
            alternatives += [query.Term(field, term, boost=MODIFIER_WEIGHT) for term in modifiers[:MOST_COMPOUNDS]]
        if parts:
            alternatives.append(query.And([query.Term(field, part) for part in parts], boost=HEAD_WEIGHT))
    return query.Or([word_query(word, names), *alternatives]) if alternatives else word_query(word, names)


@lru_cache(maxsize=65536)
def word_query(word, names=None):
    """One of the person's words in the search fields ``names`` (all by default), each field's boost on its
    terms (a word that a field analyses into several terms needs them all there). Built directly, as Whoosh's
    parser would for plain words: the parser took two milliseconds a word, most of a new search's time."""
    alternatives, analysed = [], {}
    for name in names or fields.SEARCH_FIELDS:  # read when called: a benchmark may swap the fields
        boost, analyzer = fields.SEARCH_FIELDS[name], fields.analyzer_of(name)
        if id(analyzer) not in analysed:  # five fields share one analyzer: analyse the word once for them
            analysed[id(analyzer)] = list(dict.fromkeys(token.text for token in analyzer(word, mode="query")))
        terms = analysed[id(analyzer)]
        if len(terms) == 1:
            alternatives.append(query.Term(name, terms[0], boost=boost))
        elif terms:
            alternatives.append(query.And([query.Term(name, term, boost=boost) for term in terms]))
    return query.Or(alternatives) if len(alternatives) > 1 else alternatives[0] if alternatives else query.NullQuery


@lru_cache(maxsize=65536)
def phrase_query(phrase, names=None):
    """A thesaurus label that needs all its words (stop words aside), in the fields ``names``."""
    words = [word_query(word, names) for word in re.sub(r"[\"*?~^{}\[\]():<>+\\/-]", " ", phrase).split()]
    words = [word for word in words if word is not query.NullQuery]
    return query.And(words) if len(words) > 1 else words[0] if words else query.NullQuery


def best_of(queries, boost):
    """The best-scoring of ``queries``, its score times ``boost``."""
    return query.DisjunctionMax(queries, boost=boost) if len(queries) > 1 else weighted(queries, boost)


def weighted(queries, boost):
    """Any of ``queries``, their scores times ``boost``. (Whoosh's matcher leaves out the boost of a compound
    query with one part, so one query is given the boost itself.)"""
    if len(queries) > 1:
        return query.Or(queries, boost=boost)
    single = copy.copy(queries[0])
    single.boost *= boost
    return single
