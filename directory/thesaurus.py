"""Query understanding: plain words -> academic terms in many languages.

Two layers: the hand-made topics (data/topics.tsv, about 450 concepts with academic labels in ten languages and
the everyday words firms type in ten; they are the topic facet) and the open vocabularies behind them
(data/vocabulary-*.tsv: EuroSciVoc, the UNESCO Thesaurus and STW, some 11,000 concepts in English, German,
French, Spanish and Italian; see data/VOCABULARIES.md). A query names a concept when one of its labels (or, for the
hand-made ones, a plain phrase) occurs in it as whole words, longest first: "machine learning" is one concept, not
"machines" and "learning"; "e-learning" needs its "e". Words are compared by their stems in the label's
language, so "Batterien" names "Batterie" and "batteries" names "battery". A hand-made everyday phrase also
names its concept loosely: all its words but one, in any order and form. The words no concept names go through
dictionaries (data/glossary-*.tsv): Chinese, Japanese, German, French, Spanish, Italian, Portuguese and Dutch
ones to their English meanings, English ones to their words in those languages.

One module, on purpose: the concepts, the matchers that find their phrases, the dictionaries and what a query
means are one vocabulary's views, sharing its stems, words and caches, and each part is small.
"""
import csv
import mmap
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

from directory.languages import detect_language, likely_languages
from directory.paths import DATA
from directory.search.analysis import CJK_RUN, COMPOUND_PART, COMPOUNDING, stop_words
from directory.search.querying import Label

LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "zh", "ja", "nl", "ko")
VOCABULARIES = ("euroscivoc", "unesco-thesaurus", "stw")
PLAIN_LANGUAGES = ("de", "es", "fr", "zh", "ja", "it", "pt", "nl", "ko")  # besides English (plain_<language>)
WORD_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl")  # labels matched word by word, by their stems
# Labels offered per place in a query, hand-made concepts' first; the index searches the first MOST_LABELS of them
# that some profile holds (directory.search), so a label that no profile holds takes no room.
OFFERED_LABELS = 36
LONE_PART = 6  # letters of a compound's part (and label) that names a concept alone: shorter ones occur by chance
TOKEN = re.compile(r"\w+(?:-\w+)*")
GLOSSED_LANGUAGES = ("de", "fr", "es", "it", "pt", "nl")  # of data/glossary-european.tsv: their words' meanings
GLOSS_WORDS = 3  # words of the longest phrase looked up in the dictionaries
SHORTEST_LOOKED_UP = 3  # letters of a word looked up: shorter ones are mostly abbreviations, or a list's "b"


class ThesaurusError(ValueError):
    """The thesaurus file is malformed; the message names the line."""


@dataclass(frozen=True)
class Concept:
    id: str
    field: str
    labels: dict  # language -> tuple of terms
    plain: tuple  # the everyday phrases, English first
    everyday: tuple = ()  # ((language, phrase), ...) of the same everyday phrases

    @property
    def name(self):
        return self.labels["en"][0]

    def language_of(self, phrase):
        """The language of one of the concept's labels (None for a plain phrase)."""
        return next((language for language, labels in self.labels.items() if phrase in labels), None)

    def label_in(self, language):
        """The concept's first label in ``language``, else its English one."""
        return (self.labels.get(language) or self.labels["en"])[0]

    def terms(self):
        """Every label in every language."""
        return [term for language in LANGUAGES for term in self.labels.get(language, ())]

    def ranked_terms(self):
        """Every label as (label, its language), each language's first ones first (its first label in every
        language, then its second ones...): where only some labels can be searched, every language keeps its
        main term."""
        columns = [[(label, language) for label in self.labels.get(language, ())] for language in LANGUAGES]
        return [column[rank] for rank in range(max(map(len, columns), default=0)) for column in columns
                if rank < len(column)]


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
        everyday = tuple((language, t.strip()) for language in ("en", *PLAIN_LANGUAGES)
                         for t in row["plain" if language == "en" else f"plain_{language}"].split(";") if t.strip())
        found.append(Concept(row["id"], row["field"], labels, tuple(t for _language, t in everyday), everyday))
    return found


@cache
def vocabulary():
    """The hand-made concepts and then every concept of the open vocabularies (their labels only)."""
    found = list(concepts())
    csv.field_size_limit(1 << 24)
    for name in VOCABULARIES:
        with open(DATA / f"vocabulary-{name}.tsv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                labels = {lang: tuple(t for t in (row.get(lang) or "").split("|") if t) for lang in LANGUAGES}
                if labels["en"]:
                    found.append(Concept(row["id"], name, {k: v for k, v in labels.items() if v}, ()))
    return found


SHORT_WORD = 4  # letters: a word this short names a label's longer word of the same stem only as a near form
INFLECTIONS = ("s", "es", "ed", "er", "ing", "ings", "en", "ung", "ungen")  # endings of a near form


def _fold(word):
    return word.translate(accent_map)


def _english_stem(word):
    """Plurals only (an "s" stemmer): "batteries" is "battery", but "machining" stays apart from "machine"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[-3:-2] in ("s", "x", "z") or word.endswith(("ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


@cache
def _stemmers():
    return {"en": _english_stem, **{lang: stemmer_for_language(lang) for lang in WORD_LANGUAGES if lang != "en"}}


@lru_cache(maxsize=200_000)
def _forms(word):
    """A word's stem in each language that is matched word by word (accents folded after stemming)."""
    return tuple(_stem(language, word) for language in WORD_LANGUAGES)


@lru_cache(maxsize=200_000)
def _stem(language, word, snowball=False):
    """A word's stem in ``language``, accents folded after stemming; with ``snowball``, Snowball's in English
    too ("fading" is "fade"), where the matchers otherwise take plurals only."""
    try:
        return _fold((stemmer_for_language(language) if snowball else _stemmers()[language])(word))
    except IndexError:  # Whoosh's Spanish Snowball stemmer fails on a few short words ("gu" endings)
        return _fold(word)


def _words(text):
    """The words of ``text`` for phrase matching, lower case: stop words left out, except inside a hyphenated
    word, whose parts all count ("e-learning" is "e" "learning")."""
    words = []
    for token in TOKEN.findall(text.casefold()):
        if "-" in token:
            words.extend(token.split("-"))
        elif token not in stop_words():
            words.append(token)
    return words


class Matcher:
    """Finds the concepts whose phrases occur in a text as whole words, longest first, never overlapping."""

    def __init__(self, entries, compounds=False):
        # language -> first word's stem -> [(stems, concept, phrase, its words as spelled)]
        self.keyed = {lang: {} for lang in WORD_LANGUAGES}
        self.cjk = {}  # first character -> [(phrase, concept)]
        # With ``compounds``: language -> the stems of a two-word label, either order -> [(concept, phrase)]
        self.pairs = {lang: {} for lang in COMPOUNDING} if compounds else None
        for concept, phrase, language in entries:
            if CJK_RUN.search(phrase):
                self.cjk.setdefault(phrase[0].casefold(), []).append((phrase, concept))
            elif language in self.keyed:
                stems = tuple(_stem(language, word) for word in _words(phrase))
                if stems:
                    spelled = tuple(_words(phrase))
                    self.keyed[language].setdefault(stems[0], []).append((stems, concept, phrase, spelled))
                if self.pairs is not None and language in self.pairs and len(set(stems)) == 2:
                    self.pairs[language].setdefault(frozenset(stems), []).append((concept, phrase))

    def find(self, text):
        """[(concept, phrase)] of every phrase found in ``text``, in text order."""
        return [hit for _named, group in self.groups(text) for hit in group]

    def groups(self, text):
        """The phrases found in ``text``, grouped by where they start, word phrases first: [(the words of
        ``text`` that named them, [(concept, phrase)])]."""
        found = []
        words = _words(text)
        forms = [_forms(word) for word in words]
        compounding = None  # whether ``text`` is German or Dutch: asked at its first word no label spells
        position = 0
        while position < len(words):
            longest, here = 0, []
            for index, language in enumerate(WORD_LANGUAGES):
                for stems, concept, phrase, spelled in self.keyed[language].get(forms[position][index], ()):
                    if (tuple(f[index] for f in forms[position:position + len(stems)]) == stems
                            and all(map(_near_form, words[position:position + len(stems)], spelled))):
                        if len(stems) > longest:
                            longest, here = len(stems), []
                        if len(stems) == longest:
                            here.append((concept, phrase))
            if not here and self.pairs is not None:
                if compounding is None:
                    compounding = detect_language(text) in COMPOUNDING
                here = self.compound(words[position], one_part=compounding)
            if here:
                found.append((" ".join(words[position:position + longest or 1]), here))
            position += longest or 1
        if CJK_RUN.search(text):  # CJK labels as they are written, anywhere in the text ("3D打印" too)
            lowered, position = text.casefold(), 0
            while position < len(lowered):
                here = [(concept, phrase) for phrase, concept in self.cjk.get(lowered[position], ())
                        if lowered.startswith(phrase.casefold(), position)]
                longest = max((len(phrase) for _concept, phrase in here), default=0)
                if here:
                    found.append((lowered[position:position + longest],
                                  [hit for hit in here if len(hit[1]) == longest]))
                position += longest or 1
        return found

    def compound(self, word, one_part=False):
        """[(concept, phrase)] that a German or Dutch compound no label spells names through its two parts:
        a two-word label of the same parts ("Kunststoffrecycling": "Recycling von Kunststoffen"), else the
        one-word labels of both parts, its first part's first ("Milchtechnologie": "Milch", then "Technologie"),
        else, with ``one_part`` (the text is German or Dutch), those of one part."""
        if len(word) < 2 * COMPOUND_PART or not word.isalpha():
            return []
        splits = [(word[:i], word[i:]) for i in range(COMPOUND_PART, len(word) - COMPOUND_PART + 1)]
        splits += [(left[:-1], right) for left, right in splits if left.endswith("s")]  # a linking "s"
        for language, pairs in self.pairs.items():
            for left, right in splits:
                hits = pairs.get(frozenset((_stem(language, left), _stem(language, right))))
                if hits:
                    return list(hits)
        for language in self.pairs:
            for left, right in splits:
                parts = [self._single(language, part) for part in (left, right)]
                if all(parts):
                    return parts[0] + parts[1]
        # Else its longest part that a hand-made concept's one-word label spells, the last part first, as that
        # says what the whole is: "Tropfbewässerung" is a kind of "Bewässerung", "Brandschutzkonzept" is about
        # "Brandschutz". (Not the open vocabularies': their one-word labels include words as wide as "Anlage".)
        # Only in German or Dutch text: English words split too ("repla-cement", "carbon-ated").
        best, longest = [], LONE_PART - 1
        for language in self.pairs if one_part else ():
            for left, right in splits:
                for part in (right, left):
                    hits = [(concept, phrase) for concept, phrase in self._single(language, part)
                            if _hand_made(concept) and len(phrase) >= LONE_PART]
                    if hits and len(part) > longest:
                        best, longest = hits, len(part)
        return best

    def _single(self, language, word):
        """[(concept, phrase)] of the one-word labels and phrases ``word`` names in ``language``."""
        stem = _stem(language, word)
        return [(concept, phrase) for stems, concept, phrase, spelled in self.keyed[language].get(stem, ())
                if len(stems) == 1 and _near_form(word, spelled[0])]


def _near_form(word, label_word):
    """Whether ``word`` may name ``label_word``, whose stem it shares: a short word only a form of it one letter
    longer or with an inflection's ending, since a stemmer cuts longer derivations to a short word's stem
    ("alt", old, is not "Altern", ageing; "coat" is "coating")."""
    word, label_word = _fold(word), _fold(label_word)
    return (len(word) > SHORT_WORD or len(label_word) - len(word) < 2
            or label_word.startswith(word) and label_word[len(word):] in INFLECTIONS)


def _entries(chosen, everyday):
    for concept in chosen:
        for language in LANGUAGES:
            for phrase in concept.labels.get(language, ()):
                yield concept, phrase, language
        if everyday:
            for language, phrase in concept.everyday:
                yield concept, phrase, language


@cache
def _query_matcher():
    """Labels of every concept and the hand-made plain phrases: what a query may name."""
    return Matcher(_entries(vocabulary(), everyday=True), compounds=True)


@cache
def _meaning_matcher():
    """The hand-made concepts' English labels and everyday phrases: what a dictionary's English meaning may name
    (not a French or German look-alike: "done", "données"; nor an open vocabulary's stray sense, 加工 "working":
    "Male workers")."""
    return Matcher(entry for entry in _entries(concepts(), everyday=True) if entry[2] == "en")


@cache
def _topic_matcher():
    """The hand-made concepts' academic labels: what tags a profile with a topic."""
    return Matcher(_entries(concepts(), everyday=False))


class Glossary(NamedTuple):
    meanings: dict  # Chinese or Japanese word -> ((its first English meaning in each language), (its others))
    longest: int  # characters in its longest word


@cache
def _glossary():
    """The Chinese and Japanese words of data/glossary-cjk.tsv (from CC-CEDICT and JMdict) and their English
    meanings: read on the first query in those scripts only, as it takes a few tenths of a second."""
    found = {}
    with open(DATA / "glossary-cjk.tsv", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#") and not line.startswith("word\t"):
                word, _language, glosses = line.rstrip("\n").split("\t")
                first, *others = glosses.split("|")
                main, more = found.get(word, ((), ()))
                found[word] = (tuple(dict.fromkeys((*main, first))), tuple(dict.fromkeys((*more, *others))))
    return Glossary(found, max(map(len, found), default=0))


def _glossed(text, named):
    """[(word, (first meanings, other meanings))] of the Chinese and Japanese words of ``text`` (longest first,
    from the left) that no concept's label among ``named`` (the places already found) spells."""
    found, glossary = [], _glossary()
    for run in CJK_RUN.findall(text):
        position = 0
        while position < len(run):
            for size in range(min(glossary.longest, len(run) - position), 1, -1):
                word = run[position:position + size]
                if word in glossary.meanings:
                    if not any(word in place or place in word for place in named):
                        found.append((word, glossary.meanings[word]))
                    position += size
                    break
            else:
                position += 1
    return found


class SortedTable:
    """A tab-separated file sorted by its first column's UTF-8 bytes, under comment lines starting with "#",
    looked up by bisection where it lies: mapped, so that every worker shares one copy, and never read whole."""

    def __init__(self, path):
        with open(path, "rb") as handle:
            self.data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.first = 0  # where the first row starts, past the comments
        while self.data[self.first:self.first + 1] == b"#":
            self.first = self._end(self.first) + 1

    def _end(self, start):
        """Where the line that starts at ``start`` ends (its newline, or the end of the file)."""
        end = self.data.find(b"\n", start)
        return len(self.data) if end < 0 else end

    def _line(self, start):
        line = self.data[start:self._end(start)]
        return line.split(b"\t", 1)[0], line

    def rows(self, key):
        """The other columns of each line whose first column is ``key``, in file order."""
        wanted, low, high = key.encode(), self.first, len(self.data)
        while low < high:  # the first line starting at or after ``middle`` whose key is not below ``wanted``
            middle = (low + high) // 2
            start = max(self.data.rfind(b"\n", self.first, middle) + 1, self.first)
            if self._line(start)[0] < wanted:
                low = self._end(start) + 1
            else:
                high = start
        found = []
        while low < len(self.data):
            line_key, line = self._line(low)
            if line_key != wanted:
                break
            found.append(line.decode("utf-8").split("\t")[1:])
            low = self._end(low) + 1
        return found


@cache
def _dictionary(name):
    """data/glossary-european.tsv (German, French, Spanish, Italian, Portuguese and Dutch words from FreeDict,
    keyed "language:stems", with their first English meanings and others) or data/glossary-english.tsv (the
    way back: English first meanings, keyed by their stems, with the words they mean in those languages and in
    Chinese and Japanese); see data/make_glossary.py."""
    return SortedTable(DATA / f"glossary-{name}.tsv")


def _english_key(text):
    """A meaning's key in glossary-english.tsv: its words' English stems."""
    return " ".join(_english_stem(w) for w in _words(text))


def _taken(named):
    """The words that the places among ``named`` (the query's words there) hold."""
    return {w for place in named for w in place.split()}


def _unnamed_runs(words, named):
    """The runs of side-by-side ``words`` that no place among ``named`` (the query's words there) holds."""
    taken = _taken(named)
    runs = [[]]
    for word in words:
        if word in taken or not word.isalpha() or len(word) < SHORTEST_LOOKED_UP:
            runs.append([])
        else:
            runs[-1].append(word)
    return [run for run in runs if run]


def _meanings(words, languages):
    """(first English meanings, ``Label``s) of ``words`` in the first of ``languages`` whose dictionary gives them
    a meaning other than themselves: another language's words' English meanings, or English words' words in
    other languages. The other languages' entries spelled as the words are come first, in any of them ("herida"
    is Spanish "wound" before it is Portuguese "hera", ivy; "Keller" is a cellar, not a "Kelle"), then those with
    the same stems, the closest in spelling first ("Kellers": "Keller" before "Kelle")."""
    said = _fold(" ".join(words))
    for exactly in (True, False):
        for language in languages:
            if language == "en" and not exactly or language != "en" and len(words) > 2:
                continue  # English is keyed by its meanings' stems alone; the European headwords are short
            if language == "en":
                rows = [(word, "", "", of) for word, of in _dictionary("english").rows(_english_key(said))]
            else:
                rows = [(*row, "en") for row in
                        _dictionary("european").rows(f"{language}:{' '.join(_stem(language, w) for w in words)}")]
            if exactly and language != "en":
                rows = [row for row in rows if _fold(row[0].casefold()) == said]
            rows.sort(key=lambda row: _unlike(_fold(row[0].casefold()), said))
            if language == "en":
                first, labels = [], [Label(word, (of,)) for word, _m, _o, of in rows if _fold(word.casefold()) != said]
            else:
                first = [meaning for _word, main, _others, _of in rows for meaning in main.split("|")
                         if _fold(meaning) != said]
                labels = [Label(meaning, ("en",)) for _word, main, others, _of in rows
                          for meaning in (*main.split("|"), *others.split("|")) if meaning and _fold(meaning) != said]
            if labels:
                return first, labels
    return [], []


def _unlike(word, said):
    """How far ``word`` is spelled from ``said``: the letters past their common beginning."""
    common = next((n for n, (a, b) in enumerate(zip(word, said)) if a != b), min(len(word), len(said)))
    return len(word) + len(said) - 2 * common


def _translated(query, named):
    """Places [(words, [(concept or None, phrase or Label)])] of the words of ``query`` that no place among
    ``named`` holds, longest first within the text between punctuation and CJK runs, in the likeliest language
    of the query whose dictionary holds them: a German, French, Spanish, Italian, Portuguese or Dutch word or
    phrase through the hand-made concepts its first English meanings name, then those meanings as labels; an
    English one through the words in the other languages that it is the first meaning of. (The search uses them
    only where the firm's own words find few profiles: ``Label.meaning``.)"""
    segments = re.split(rf"[;,.:!?]|{CJK_RUN.pattern}", query)  # (CJK words are the glossary's)
    languages = [language for language in likely_languages(" ; ".join(segments))
                 if language in (*GLOSSED_LANGUAGES, "en")]
    found = []
    for run in (run for segment in segments for run in _unnamed_runs(_words(segment), named)) if languages else ():
        position = 0
        while position < len(run):
            for size in range(min(GLOSS_WORDS, len(run) - position), 0, -1):
                words = run[position:position + size]
                first, labels = _meanings(words, languages)
                if labels:
                    found.append((" ".join(words), _named_by(first) + [(None, label) for label in labels]))
                    position += size
                    break
            else:
                position += 1
    return found


@cache
def _loose_phrases():
    """language -> stem -> [(concept, phrase, the phrase's stems)] of the hand-made concepts' everyday phrases
    of two words or more (stop words aside)."""
    keyed = {language: {} for language in WORD_LANGUAGES}
    for concept in concepts():
        for language, phrase in concept.everyday:
            if language in keyed:
                stems = frozenset(_stem(language, w, snowball=True) for w in _words(phrase))
                for stem in stems if len(stems) >= 2 else ():
                    keyed[language].setdefault(stem, []).append((concept, phrase, stems))
    return keyed


def _loosely_named(query, named):
    """Places [(words, [(concept, those words)])] of the hand-made concepts that the words of ``query`` no place
    among ``named`` holds name loosely: all the words of one of their everyday phrases but one, and two at least,
    near each other, in any order and any form ("clothes fading in the wash": "colours fading in the wash"); the
    phrases holding most of them first, a place for each set of words."""
    taken = _taken(named)
    words = list(dict.fromkeys(w for w in _words(query) if w not in taken and w.isalpha()))
    found = []
    for language in (language for language in likely_languages(query) if language in WORD_LANGUAGES):
        stems = [_stem(language, w, snowball=True) for w in words]
        held = {}  # (concept id, phrase) -> [concept, its stems, the positions in ``words`` it holds]
        for position, stem in enumerate(stems):
            for concept, phrase, phrase_stems in _loose_phrases()[language].get(stem, ()):
                held.setdefault((concept.id, phrase), [concept, phrase_stems, set()])[2].add(position)
        for concept, phrase_stems, hits in held.values():  # and near each other: within the phrase's length + 2
            if len(hits) >= max(2, len(phrase_stems) - 1) and max(hits) - min(hits) <= len(phrase_stems) + 1:
                found.append((len(hits), tuple(words[position] for position in sorted(hits)), concept))
    places, used = {}, set()
    for _count, held_words, concept in sorted(found, key=lambda f: -f[0]):
        if held_words in places or not used.intersection(held_words):
            places.setdefault(held_words, []).append((concept, " ".join(held_words)))  # the firm's words
            used.update(held_words)
    return [(" ".join(held_words), group) for held_words, group in places.items()]


@lru_cache(maxsize=4096)
def _places(query):
    """Where ``query`` names concepts: ((its words there, [(concept, phrase)], whether they are a fallback, to
    be searched only where the words find few profiles: a dictionary's, but for the CJK glossary's), ...): the
    labels and plain phrases it holds; then its Chinese and Japanese words that none spells,
    through their English meanings (each meaning as a ``Label`` of no concept, then the hand-made concepts that a
    first meaning names: the others are a dictionary's secondary senses, 材料 "data" among them); then the
    everyday phrases its other words hold loosely (``_loosely_named``); then its words still left, through a
    dictionary (``_translated``)."""
    places = [(named, _meant(group), False) for named, group in _query_matcher().groups(query)]
    if CJK_RUN.search(query):
        for word, (first, others) in _glossed(query, [named for named, _group, _fallback in places]):
            meanings = dict.fromkeys((*first, *others))
            labels = [(None, Label(meaning, ("en",))) for meaning in meanings if _words(meaning)]
            places.append((word, labels + _named_by(first), False))  # (measured: as a fallback, they found less)
    places += [(named, group, False) for named, group in _loosely_named(query, [named for named, *_ in places])]
    places += [(named, group, True) for named, group in _translated(query, [named for named, *_ in places])]
    return tuple(places)


def _named_by(meanings):
    """[(concept, phrase)] of the hand-made concepts that a dictionary's English ``meanings`` name."""
    return [hit for meaning in meanings for _named, group in _meaning_matcher().groups(meaning) for hit in group]


def _hand_made(concept):
    """Whether ``concept`` is a hand-made one, not an open vocabulary's. (A dictionary's meaning names only
    those: the open vocabularies' labels catch its stray senses, 加工 "working": "Male workers".)"""
    return concept.field not in VOCABULARIES


@dataclass(frozen=True)
class Expansion:
    concept: Concept
    matched: str
    fallback: bool = False  # named through a dictionary's meaning: searched only where the words find few

    def terms(self, query):
        """The concept's labels not already in the query."""
        lowered = query.casefold()
        return [t for t in self.concept.terms() if t.casefold() not in lowered]


@lru_cache(maxsize=4096)
def expand(query):
    """Concepts named in ``query`` (with the phrase that named each), hand-made ones first; remembered, since
    popular searches repeat."""
    matches = {}
    for named, group, fallback in _places(query):
        for concept, phrase in group:
            if concept:  # the first: English labels come first; a dictionary's meaning is not the firm's word
                matches.setdefault(concept.id, Expansion(concept, named if fallback else phrase, fallback))
    return tuple(matches.values())


def _meant(group):
    """The concepts a phrase found at one place means: where a hand-made concept knows the phrase (it says
    what firms mean by it), a vocabulary concept only if it shares an English label with one of those, so
    "moulds" for a firm is tooling, not fungi."""
    hand = {concept.id: concept for concept, _phrase in group if _hand_made(concept)}
    if not hand:
        return group
    known = {_english_stem(label.casefold()) for concept in hand.values() for label in concept.labels["en"]}
    return [(concept, phrase) for concept, phrase in group if concept.id in hand
            or any(_english_stem(label.casefold()) in known for label in concept.labels["en"])]


@lru_cache(maxsize=4096)
def expansion_groups(query):
    """What a search also looks for, per place in ``query`` that names concepts: ((the query's words there,
    (the ``Label``s of the concepts they name, in every language, but not the query's own words)), ...). A
    dictionary's meaning is an English label."""
    lowered = query.casefold()
    groups = []
    for named, group, fallback in _places(query):
        # Words that are an open vocabulary's label mean that concept's sense: its labels are their translations,
        # a hand-made concept's other labels are broader ("food safety": not "shelf life"), so they weigh less.
        exact = any(concept and not _hand_made(concept) for concept, _phrase in group)
        labels = {}  # one label for all its spellings ("Fermentation", "fermentation"), in all their languages
        for concept, phrase in sorted(group, key=lambda hit: _aside(hit[0], exact)):
            for term, language in concept.ranked_terms() if concept else [(phrase.text, phrase.languages[0])]:
                if term.casefold() not in lowered:
                    text, languages, aside = labels.setdefault(term.casefold(), (term, {}, _aside(concept, exact)))
                    languages[language] = True
        groups.append((named, tuple(Label(text, tuple(languages), fallback, aside)
                                    for text, languages, aside in labels.values())[:OFFERED_LABELS]))
    return tuple(groups)


def _aside(concept, exact):
    return bool(exact and concept and _hand_made(concept))


def warm():
    """Read now what searches read on first use: the matchers, the Chinese and Japanese glossary, the language
    model and the dictionaries' maps (a server does, before it forks its workers)."""
    for read in (_query_matcher, _meaning_matcher, _loose_phrases, _label_words, _glossary):
        read()
    likely_languages("warm")
    for name in ("european", "english"):
        _dictionary(name)


def knows(word):
    """Whether ``word`` (lower case) is a word of some label or plain phrase of the thesaurus, accents aside."""
    return _fold(word) in _label_words()


@cache
def _label_words():
    return frozenset(_fold(w) for concept in vocabulary() for terms in (concept.terms(), concept.plain)
                     for term in terms for w in TOKEN.findall(term.casefold()) for w in w.split("-"))


def topics_of(texts):
    """Hand-made concept ids whose academic labels appear within one of these texts (the topic facet)."""
    return sorted({concept.id for text in texts for concept, _phrase in _topic_matcher().find(text)})


def concepts_in(text):
    """Every concept (of the whole vocabulary) a label of which appears in ``text``."""
    return [concept for concept, _phrase in _query_matcher().find(text)]


def suggest(prefix, limit=10):
    """Topic labels and plain phrases starting with ``prefix`` (for search-box suggestions)."""
    start = prefix.strip().casefold()
    if not start:
        return []
    found = []
    for concept in concepts():
        for phrase in concept.terms() + list(concept.plain):
            if phrase.casefold().startswith(start) and phrase not in found:
                found.append(phrase)
    return sorted(found, key=lambda p: (len(p), p))[:limit]


def related(query, available, limit=6):
    """Concepts among ``available`` (topic ids that have experts) with a label word that starts like one of the
    query's words (for a search that found nothing: "pipes" leads to pipelines, "ferment" to fermentation),
    most matching words first."""
    words = {w for w in re.findall(r"\w{4,}", query.casefold())}
    scored = []
    for concept in concepts():
        if concept.id not in available:
            continue
        label_words = {w for term in concept.terms() + list(concept.plain) for w in re.findall(r"\w+", term.casefold())}
        hits = sum(1 for w in words if any(lw.startswith(w[:5]) for lw in label_words))
        if hits:
            scored.append((-hits, concept.name.casefold(), concept))
    return [concept for _hits, _name, concept in sorted(scored, key=lambda t: t[:2])[:limit]]
