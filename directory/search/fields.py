"""What the index holds: its fields, how a stored expert becomes a document, and the terms a text gives in
each field (for building queries, and for highlighting outside Whoosh). How text becomes terms is
``analysis``; this module chooses which analysis each field gets."""
import re
from functools import lru_cache
from urllib.parse import urlsplit

from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from directory import countries
from directory.languages import CJK_RUN, own_words, profile_language
from directory.search.analysis import (
    STEMMED_LANGUAGES,
    cjk_analyzer,
    cognate_analyzer,
    initialisms,
    language_analyzer,
    pairs_analyzer,
    words_analyzer,
)
from directory.search.sentences import kept_as

WORDS = words_analyzer()
PAIRS = pairs_analyzer()
CJK = cjk_analyzer()
COGNATES = cognate_analyzer()
LANGUAGE_WORDS = {language: language_analyzer(language) for language in STEMMED_LANGUAGES}
WHOLE_INTERESTS = RegexTokenizer(r"[^\n]+")  # each interest whole, one a line, as ``sentences.kept_as`` writes it
INITIALISMS = RegexTokenizer(r"\S+")  # written lower case by ``analysis.initialisms``
SEARCH_FIELDS = {"name": 2.0, "title": 1.0, "interests": 3.0, "department": 1.0, "institution": 0.7, "cjk": 2.0,
                 **{f"text_{language}": 2.0 for language in STEMMED_LANGUAGES},
                 "cognate": 1.0}  # a cognate key stands for many words: below the words themselves
# Where a thesaurus label's words are looked for (besides the stemmed text of its own languages): the fields of
# what a person works on. (A topic's name is no one's name or university; each field costs a new search time.)
LABEL_FIELDS = ("title", "interests", "department", "cjk", "cognate")


def schema():
    def text(name, **options):  # no field keeps word positions: pairs stands in for them
        return TEXT(analyzer=analyzer_of(name), phrase=False, **options)

    return Schema(
        id=ID(stored=True, unique=True),
        name=text("name"),
        title=text("title"),
        interests=text("interests", spelling=True),
        pairs=text("pairs"),  # interests' words side by side: the phrase bonus
        # Each interest whole, one a line (``sentences.kept_as``): the 50,000 most held have vectors beside the
        # index. Stored: a search's best matches are ranked again by their interests' meaning.
        whole_interest=TEXT(analyzer=WHOLE_INTERESTS, phrase=False, stored=True),
        # What each interest may be called by its initials: searched for a firm's initialism ("MVHR":
        # ``querying.initialism``).
        initials=TEXT(analyzer=INITIALISMS, phrase=False),
        department=text("department"),
        institution=text("institution"),
        cjk=text("cjk"),
        cognate=text("cognate"),  # interests only: where a firm's words meet cognates
        country=ID,  # regions are derived from it when searching
        nation=ID,  # UK nation, where the address is at a known university
        topic=KEYWORD(commas=True),
        institution_name=ID,
        last_verified=ID(sortable=True),
        last_changed=ID(sortable=True),
        hidden=ID,
        **{f"text_{language}": text(f"text_{language}") for language in LANGUAGE_WORDS},
    )


def document(expert):
    """The index document of one expert (a dict as returned by the store)."""
    interests = " ; ".join(expert.get("interests") or [])
    names = " ; ".join(filter(None, [expert.get("name"), *(expert.get("other_names") or [])]))  # 陈伟 and Wei Chen
    searchable = " ".join(filter(None, [names, expert.get("title"), interests,
                                        expert.get("department"), expert.get("institution")]))
    language = expert.get("language") or profile_language(expert)  # the store keeps it when sure of it
    stemmed = {f"text_{language}": own_words(expert)} if language in STEMMED_LANGUAGES else {}
    return {
        **stemmed,
        "id": expert["id"],
        "name": names,
        "title": expert.get("title") or "",
        "interests": interests,
        "department": expert.get("department") or "",
        "institution": expert.get("institution") or "",
        "cjk": " ".join(CJK_RUN.findall(searchable)),
        "cognate": interests,
        "pairs": interests,
        "whole_interest": "\n".join(filter(None, map(kept_as, expert.get("interests") or []))),
        "initials": " ".join(sorted(set().union(*map(initialisms, expert.get("interests") or [])))),
        "country": (expert.get("country") or "").upper(),
        "nation": (countries.nation_of((expert.get("email") or "").rpartition("@")[2],
                                       urlsplit(expert.get("profile_url") or "").hostname)
                   if (expert.get("country") or "").upper() == "GB" else None) or "",
        "topic": ",".join(expert.get("topics") or []),
        "institution_name": expert.get("institution") or "",
        "last_verified": expert.get("last_verified") or "",
        "last_changed": expert.get("last_changed") or "",
        "hidden": "1" if expert.get("may_have_left") else "0",
    }


def analyzer_of(name):
    """The analyzer of a text field, for the schema and for building queries: read when called, so that a
    benchmark can swap one (bench/recall.py)."""
    if name.startswith("text_"):
        return LANGUAGE_WORDS[name[5:]]
    return {"cjk": CJK, "cognate": COGNATES, "pairs": PAIRS}.get(name, WORDS)


def stem_of(word):
    """The single index term of one word (its stem), for frequency look-ups."""
    terms = [token.text for token in WORDS(word)]
    return terms[0] if terms else word


def analyse(text):
    """The index terms of ``text`` as the language-neutral fields make them (for matching outside Whoosh)."""
    return [token.text for token in WORDS(text)] + [token.text for token in CJK(text)]


@lru_cache(maxsize=65536)
def terms_of(text):
    """The index terms of a word or phrase in any field (each language's stems too), remembered: result pages
    highlight the same words again and again."""
    return frozenset(analyse(text)).union(*({token.text for token in analyzer(text)}
                                           for analyzer in (*LANGUAGE_WORDS.values(), COGNATES)))


def highlight(phrase, terms):
    """Split ``phrase`` into (text, matched) parts where a word's index term is in ``terms``."""
    if not terms:
        return [(phrase, False)]
    parts, position = [], 0
    for match in re.finditer(r"\w+", phrase):
        word = match.group(0)
        if not terms_of(word).isdisjoint(terms):
            if match.start() > position:
                parts.append((phrase[position:match.start()], False))
            parts.append((word, True))
            position = match.end()
    if position < len(phrase):
        parts.append((phrase[position:], False))
    return parts
