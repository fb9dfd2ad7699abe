"""How text becomes index terms, per language: stop words, stemming and CJK words.

The directory holds profiles in its LANGUAGES (directory.languages). Stop words of every one of them are
removed from every field, for profiles and queries alike, so that no result is there through "für", "von" or
"de" (a word that is a stop word in one language and a content word in another, such as Spanish "sea" or
German "die", is given up: a query in any language may contain either). Stop words come from Snowball's
lists (shipped with Whoosh) for the European languages and from stopwords-iso for Chinese, Japanese and Korean.

Every profile is indexed with the English (Porter) stemmer, and a profile in another Snowball language also
with its own stemmer: the language the store keeps (its source's, or told from its words), else told now.
Chinese is cut into words with jieba's dictionary (whole words and the words inside them); Japanese kana and
Korean hangul are kept whole and as pairs of characters, since no dictionary for them ships here.
"""
import logging
import re
from functools import cache, lru_cache

import stopwordsiso
from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang import stopwords_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from directory.languages import CJK_RUN, LANGUAGES
from scrapers.text import HAN_CHARS, HANGUL_CHARS, HIRAGANA_CHARS, KATAKANA_CHARS

STEMMED_LANGUAGES = ("de", "fr", "es", "it", "pt", "nl")  # besides English, which every profile gets
COMPOUNDING = ("de", "nl")  # languages that write compound nouns as one word (queries' compounds are split)
COMPOUND_PART = 4  # the shortest part (stem) of a compound
# Change when the terms a text gives change: indexes built before are rebuilt (4: other names searchable,
# word positions kept only for interests; 5: interests as cognate keys; 6: interests' word pairs, no positions;
# 7: a learned prefix's word also as its cognate key, katakana's closing long vowel mark dropped, topics told
# without short words' long stems; 8: each interest whole, and its vector kept beside the index; 9: each
# document's whole interests stored, for the meaning's share of its rank; 10: each interest's initialisms).
ANALYSIS_VERSION = "10"
INITIALISM_LETTERS = (3, 6)  # letters of an initialism, fewest and most ("LCA", "PEMFC")

_SCRIPT_PARTS = re.compile(f"(?P<han>[{HAN_CHARS}]+)|(?P<hiragana>[{HIRAGANA_CHARS}]+)"
                           f"|(?P<kana>[{KATAKANA_CHARS}]+)|(?P<hangul>[{HANGUL_CHARS}]+)")
WORD = re.compile(r"\w+(?:[-.']\w+)*")  # Whoosh's default token pattern


@cache
def stop_words():
    """Every stop word of every language the directory holds, lower case."""
    words = set()
    for language in LANGUAGES:
        if language in ("zh", "ja", "ko"):
            words |= stopwordsiso.stopwords(language)
        else:
            words |= set(stopwords_for_language(language))
    return frozenset(word.lower() for word in words)


def initialisms(interest):
    """What an interest may be called by its initials, lower case: the first letters of its words without the stop
    words and with them, of as many letters as INITIALISM_LETTERS allows ("Mechanical ventilation with heat
    recovery": "mvhr"; "Internet of things": "iot"); none for an interest with a number among its words ("3D
    printing") or in a script whose initials are not Latin letters (CJK, Cyrillic), which a firm does not type."""
    words = re.findall(r"\w+(?:['’]\w+)*", interest.lower())  # "Alzheimer's" is one word
    if any(not word[0].isalpha() for word in words):
        return set()
    fewest, most = INITIALISM_LETTERS
    letters = ("".join(word[0] for word in chosen).translate(accent_map)  # "Évaluation du cycle de vie": "ecv"
               for chosen in ([word for word in words if word not in stop_words()], words)
               if fewest <= len(chosen) <= most)
    return {initials for initials in letters if initials.isascii() and initials.isalpha()}


class CjkTokenizer(Tokenizer):
    """Chinese, Japanese and Korean runs of a text as words: Han characters through jieba's dictionary
    (``cut_for_search``: a compound and the words inside it); katakana and hangul words whole and as pairs;
    hiragana (Japanese grammar between the words) left out. A query's katakana and hangul words of three letters
    or more are their pairs alone, so that they are found inside the profiles' longer words ("センサ" in
    "ウェアラブルセンサ")."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, word in enumerate(cjk_words(value, inside=mode == "query"), start_pos):
            token.text, token.boost, token.stopped = word, 1.0, False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = position
            yield token


def cjk_words(text, inside=False):
    """The CJK words of ``text`` (see CjkTokenizer); ``inside``: katakana and hangul words longer than two as
    their pairs alone. Katakana's closing long vowel mark is dropped from words of four letters or more, in
    profiles and queries alike: engineers write "センサ" and "センサー"."""
    words = []
    for run in CJK_RUN.findall(text):
        for part in _SCRIPT_PARTS.finditer(run):
            piece = part.group(0)
            if part.lastgroup == "han":
                words.extend(_jieba().cut_for_search(piece))
            elif part.lastgroup != "hiragana":
                piece = piece.rstrip("ー") if part.lastgroup == "kana" and len(piece) > 3 else piece
                if len(piece) <= 2 or not inside:
                    words.append(piece)
                if len(piece) > 2:
                    words.extend(piece[i:i + 2] for i in range(len(piece) - 1))
    return words


@cache
def _jieba():
    """jieba, its dictionary loaded (about a second, once per process, only when CJK text comes)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


class RememberingAnalyzer(CompositeAnalyzer):
    """A tokenizer and filters that remember, when indexing, what each piece of a text gives: the pieces are
    the text between semicolons (one interest, as the index joins them), which no word spans. Interests,
    titles and departments repeat across profiles a great deal, and analysing them again was most of an
    index build. The terms and positions are the chain's own (see ``_joined``); any other use (queries,
    highlighting) runs the chain."""

    PIECES = 100_000  # remembered pieces per analyzer and process, the most recently used
    WORDS = 200_000  # remembered words, for chains that take a text a word at a time (``_by_word``)

    def __call__(self, value, no_morph=False, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        plain = (not (chars or keeporiginal or start_pos or not removestops or not tokenize)
                 and set(kwargs) <= {"boosts"})
        if not plain or not (mode == "index" or no_morph and not positions):
            return super().__call__(value, no_morph=no_morph, positions=positions, chars=chars,
                                    keeporiginal=keeporiginal, removestops=removestops, start_pos=start_pos,
                                    start_char=start_char, tokenize=tokenize, mode=mode, **kwargs)
        return self._joined(value, no_morph, Token(positions, mode=mode, **kwargs))

    def _joined(self, value, no_morph, token):
        """The pieces' remembered terms in turn. Positions as the stop filter renumbers them: the first term
        keeps its place among all the words before it (stop words included), each next one is one further."""
        position = None
        words_before = 0
        for piece in value.split(";"):
            terms, first, words = self._piece(piece, no_morph, token.positions)
            if terms and position is None:
                position = words_before + first
            words_before += words
            for text in terms:
                token.text, token.boost, token.stopped = text, 1.0, False
                if token.positions:
                    token.pos = position
                    position += 1
                yield token

    def _piece(self, piece, no_morph, positions):
        if "_pieces" not in self.__dict__:  # (``_words`` first: a thread that finds ``_pieces`` finds both)
            self._words = lru_cache(maxsize=self.WORDS)(self._word)
            self._pieces = lru_cache(maxsize=self.PIECES)(self._analysed)
        return self._pieces(piece, no_morph, positions)

    def _analysed(self, piece, no_morph, positions):
        """(the terms of ``piece``; with ``positions``, the place of its first among its words and its number of
        words). A chain whose filters each take one word at a time (``_by_word``) gives each word's terms,
        remembered: a million profiles' interests are mostly pieces never seen before, of words seen often."""
        if not positions and self._by_word():
            terms = [term for match in self.items[0].expression.finditer(piece)
                     for term in self._words(match.group(0), no_morph)]
            if isinstance(self.items[-1], WordPairs):
                terms = [f"{first} {second}" for first, second in zip(terms, terms[1:])]
            return tuple(terms), 0, 0
        found = [(token.text, token.pos)
                 for token in super().__call__(piece, no_morph=no_morph, positions=True, mode="index")]
        words = sum(1 for _token in self.items[0](piece))
        return tuple(text for text, _pos in found), found[0][1] if found else 0, words

    def _by_word(self):
        """Whether the chain's terms of a text are its words' terms in turn: a tokenizer of words and filters of
        one word at a time (and, last, perhaps ``WordPairs``)."""
        tokenizer, *filters = self.items
        if filters and isinstance(filters[-1], WordPairs):
            filters.pop()
        return (type(tokenizer) is RegexTokenizer and not tokenizer.gaps
                and all(type(item) in ONE_WORD_AT_A_TIME for item in filters))

    def _word(self, word, no_morph):
        """The terms of one word, by the chain but for ``WordPairs``."""
        tokens = self.items[0](word, mode="index")
        for item in self.items[1:]:
            if not isinstance(item, WordPairs) and not (no_morph and getattr(item, "is_morph", False)):
                tokens = item(tokens)
        return tuple(token.text for token in tokens)

    def __getstate__(self):  # the index keeps its schema pickled: without what was remembered
        return {key: value for key, value in self.__dict__.items() if key not in ("_pieces", "_words")}

    def clean(self):
        super().clean()
        self.__dict__.pop("_pieces", None)
        self.__dict__.pop("_words", None)


def words_analyzer(stop=True, stem=True):
    """Every field's words: lower case, no stop word of any language, English stems, accents folded. (The
    switches are for measuring what each part is worth: bench/recall.py.)"""
    return RememberingAnalyzer(_words_chain(stop, stem))


def pairs_analyzer(stop=True, stem=True):
    """Each two words side by side in one interest, as ``words_analyzer`` makes them, as one term ("batteri
    recycl"): where a query's words are side by side, without word positions."""
    return RememberingAnalyzer(_words_chain(stop, stem) | WordPairs())


class WordPairs(Filter):
    """Each two neighbouring terms as one, a space between. (Whoosh's BiWordFilter fails on a text without
    terms, "—" or "of the", and passes a lone term through.)"""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = f"{previous} {text}"
                yield token
            previous = text


def _words_chain(stop, stem):
    chain = RegexTokenizer() | LowercaseFilter()
    chain = chain | StopFilter(stoplist=stop_words() if stop else (), minsize=2)
    if stem:
        chain = chain | StemFilter(stemfn=porter_stem, cachesize=50000)
    return chain | CharsetFilter(accent_map)


def language_analyzer(language, stop=True, stem=True):
    """A profile's text in its own language: its Snowball stemmer after the stop words of every language."""
    chain = RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=stop_words() if stop else (), minsize=2)
    if stem:
        chain = chain | StemFilter(lang=language, cachesize=50000)
    return RememberingAnalyzer(chain | CharsetFilter(accent_map))


# Spellings that differ between the European languages for the same sound, so that cognates meet:
# "Kosmetik", "cosmétique", "cosmética"; "Zement", "cement"; "Therapie", "terapia".
COGNATE_SPELLINGS = (("œ", "oe"), ("æ", "ae"), ("ph", "f"), ("th", "t"), ("ch", "c"), ("k", "c"), ("qu", "c"),
                     ("y", "i"), ("z", "c"))
COGNATE_LENGTH = 5  # the letters a cognate key keeps: enough to tell words apart, few enough to skip endings
_DOUBLED = re.compile(r"(.)\1")


def cognate_spelling(word):
    """``word`` in lower case, accents folded, spelled the same across the European languages."""
    word = word.casefold()
    for written, said in COGNATE_SPELLINGS:
        word = word.replace(written, said)
    return word.translate(accent_map)


def cognate_key(word):
    """A word's cognate key: lower case, accents folded, its spelling normalised across the European
    languages, doubled letters single, cut to COGNATE_LENGTH letters; None for short or non-Latin words,
    which are too ambiguous or have no cognates to meet. Five letters also join some unrelated words
    ("control" and "contract"); the key weighs less than the word itself, and a common key is left out of
    large indexes' queries (facts.RARE_ONLY)."""
    return _spelled_key(cognate_spelling(word))


def _spelled_key(word):
    """``cognate_key`` of a word ``cognate_spelling`` has spelled."""
    if len(word) < COGNATE_LENGTH or not word.isascii() or not word.isalpha():
        return None
    word = _DOUBLED.sub(r"\1", word)
    return word[:COGNATE_LENGTH] if len(word) >= COGNATE_LENGTH else None


# Learned prefixes that make a new word of a word in every European language ("Photokatalyse", "biosurfactants"),
# as cognate_key spells them.
LEARNED_PREFIXES = ("foto", "bio", "nano", "micro", "termo", "electro", "hidro", "poli", "geo", "agro", "aero")
PREFIXED_REST = 6  # letters left after the prefix, at least: "microbial" is not "micro" + "bial"


def prefixed_key(word):
    """The cognate key of the word that a learned prefix is put before ("photocatalytic": "catalytic"), or None."""
    spelled = cognate_spelling(word)
    for prefix in LEARNED_PREFIXES:
        if spelled.startswith(prefix) and len(spelled) - len(prefix) >= PREFIXED_REST:
            return _spelled_key(spelled[len(prefix):])
    return None


class CognateFilter(Filter):
    """Each word as its cognate key (``cognate_key``), words without one dropped; a profile's word made with a
    learned prefix also as the key of the word after it, so that "catalysis" finds "Photokatalyse". (A query's
    word keeps its own key alone: "biotechnology" is not to find every "technology".)"""

    def __call__(self, tokens):
        for token in tokens:
            key = cognate_key(token.text)
            rest = prefixed_key(token.text) if token.mode != "query" and key else None
            if key:
                token.text = key
                yield token
            if rest and rest != key:
                token.text = rest
                yield token


# Filters whose terms of a word depend on that word alone (a stop filter's positions aside).
ONE_WORD_AT_A_TIME = (LowercaseFilter, StopFilter, StemFilter, CharsetFilter, CognateFilter)


def cognate_analyzer(stop=True):
    """Interests as cognate keys: the same word across European languages meets ("irrigación", "irrigation")."""
    chain = RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=stop_words() if stop else (), minsize=2)
    return RememberingAnalyzer(chain | CognateFilter())  # cognate_key folds case and accents itself


def cjk_analyzer(stop=True, dictionary=True):
    """CJK words (CjkTokenizer); without ``dictionary``, every character and pair of characters instead."""
    chain = CjkTokenizer() if dictionary else RegexTokenizer(CJK_RUN.pattern) | NgramFilter(minsize=1, maxsize=2)
    return chain | LowercaseFilter() | StopFilter(stoplist=stop_words() if stop else (), minsize=1)
