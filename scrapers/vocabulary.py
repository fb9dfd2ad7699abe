"""The words department pages use, compiled from the lists in scrapers/words/ (see its README).

Everything here is data: titles, labels, honorifics, headings and family names in many languages. The
extraction code asks questions of these patterns and never spells a language's words itself."""
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from scrapers.text import HAN_CHARS, HAN_MARK_CHARS, HANGUL_CHARS, HANGUL_JAMO_CHARS, HIRAGANA_CHARS, KATAKANA_CHARS

WORDS = Path(__file__).parent / "words"
CJK_CHARS = HAN_MARK_CHARS + HIRAGANA_CHARS + KATAKANA_CHARS + HAN_CHARS + HANGUL_CHARS + HANGUL_JAMO_CHARS
CJK = re.compile(f"[{CJK_CHARS}]")
HAN = re.compile(f"^[{HAN_MARK_CHARS}{HAN_CHARS}]+$")  # with 々 (佐々木)
KANA_OR_HAN = re.compile(f"^[{HAN_MARK_CHARS}{HIRAGANA_CHARS}{KATAKANA_CHARS}{HAN_CHARS}]+$")
HANGUL = re.compile(f"^[{HANGUL_CHARS}]+$")


@lru_cache(maxsize=None)
def _file(name):
    with open(WORDS / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def phrases(name, table):
    """Every phrase of one table, all languages together, longest first."""
    found = set()
    for value in _file(name)[table].values():
        found.update(value if isinstance(value, list) else [value])
    return sorted(found, key=lambda p: (-len(p), p))


def _word_regexes(phrase):
    """A phrase as the regexes of its words (a Chinese, Japanese or Korean phrase is one 'word')."""
    if CJK.search(phrase):
        return [re.escape(phrase)]
    words = []
    for word in phrase.split():
        prefix = word.endswith("*")
        one_letter = len(word.rstrip("*").strip(".")) == 1  # 'Dr.' matches 'Dr'; 'd.' needs its dot (D'Almeida)
        word = re.escape(word.rstrip("*"))
        word = word.replace(r"\.", r"\.\s?" if one_letter else r"\.?\s?").replace(r"\-", r"\s?-\s?")
        words.append(word + (r"\w*" if prefix else ""))
    return words


END = ""  # marks the end of a phrase in the trie


def _trie_regex(node, first=True):
    """Alternatives of a trie of word regexes, longest continuations first, so that a pattern of thousands
    of phrases tries each shared first word once (a flat alternation tried every phrase at every place)."""
    options = []
    for word in sorted((w for w in node if w != END), key=lambda w: _longest(node[w]) + len(w), reverse=True):
        child = node[word]
        rest = _trie_regex(child, first=False)
        stop = r"(?!\w)" if not CJK.search(word) else ""
        if rest and END in child:
            options.append(f"{word}(?:\\s+(?:{rest})|{stop})")
        elif rest:
            options.append(f"{word}\\s+(?:{rest})")
        else:
            options.append(f"{word}{stop}")
    return _by_first_letter(options) if first else "|".join(options)


def _by_first_letter(options):
    """The top of a trie, checked fast: Python's regex engine tries every alternative at every place in a
    line, so the alternatives are grouped under their first letter, behind a look-ahead for any first letter,
    and Latin words must start a word. (Fifty phone labels in twenty languages: 87 -> under 10 µs a line.)"""
    groups = {}
    for option in options:
        letter = option[0].lower() if option[0].isalnum() and len(option[0].lower()) == 1 else option
        groups.setdefault(letter, []).append(option)
    latin, cjk = [], []
    for letter, same in groups.items():
        grouped = same[0] if len(same) == 1 else same[0][0] + "(?:" + "|".join(o[1:] for o in same) + ")"
        (cjk if CJK.search(letter) else latin).append(grouped)
    ahead = f"(?=[{re.escape(''.join(groups))}])" if all(len(letter) == 1 for letter in groups) else ""
    parts = ([r"(?<!\w)(?:" + "|".join(latin) + ")"] if latin else []) + cjk
    return ahead + "(?:" + "|".join(parts) + ")"


def _longest(node):
    """The length of the longest continuation below a trie node (alternatives are tried longest first)."""
    return max((len(w) + 1 + _longest(child) for w, child in node.items() if w != END), default=0)


def pattern(name, table):
    """A case-insensitive regex matching any phrase of the table as whole words."""
    trie = {}
    for phrase in phrases(name, table):
        node = trie
        for word in _word_regexes(phrase):
            node = node.setdefault(word, {})
        node[END] = {}
    return re.compile(_trie_regex(trie), re.I)


def word_set(name, table):
    return frozenset(p.casefold() for p in phrases(name, table))


def alternatives(name, table, cjk=None):
    """A table's phrases as regex alternatives, each as written (longest first), for a pattern that places them
    itself (a year after 'since', 'and' between spaces); with ``cjk`` True or False, only the Chinese, Japanese
    and Korean phrases, or only the others."""
    return "|".join(re.escape(p) for p in phrases(name, table) if cjk is None or bool(CJK.search(p)) == cjk)


TITLE_WORDS = pattern("titles", "title_words")
GROUP_WORDS = pattern("titles", "group_words")
ROLES_BESIDE_RANK = word_set("titles", "roles_beside_rank")
AFFILIATION_END = re.compile("(?:" + alternatives("titles", "affiliation_endings") + ")$")
LABELS = {field: pattern("labels", field) for field in _file("labels") if field != "interests_generic"}
GENERIC_INTEREST_LABELS = word_set("labels", "interests_generic")
# A field's label closing a line or opening a value ("Assistant Professor Research Interests: ..."), in one search.
LABEL_AHEAD = re.compile("(?:" + "|".join(LABELS[f].pattern for f in ("interests", "email", "phone"))
                         + r")(?=\s*(?:[:：]|$))", re.I)
INTEREST_HEADING = LABELS["interests"]
HONORIFIC_PREFIX = re.compile(r"^(?:" + pattern("names", "honorific_prefix").pattern + r")[\s,]*", re.I)
HONORIFIC_SUFFIX = re.compile(r"(?:[\s,]+(?:" + pattern("names", "honorific_suffix").pattern.replace(r"(?<!\w)", "")
                              + r")|(?:" + "|".join(re.escape(p) for p in phrases("names", "honorific_suffix")
                                                    if CJK.search(p)) + r"))\s*$", re.I)
NAME_PARTICLES = word_set("names", "particles")
GENERATIONAL = word_set("names", "generational")
# Column headers ("Cognome Nome", "Name Vorname") are not names either.
NOT_NAME_WORDS = (word_set("names", "not_name") | {w for table in ("name", "family_name", "given_name")
                                                   for p in phrases("labels", table) for w in p.split()}
                  | {w for p in phrases("page", "language_switch") if len(p) > 3 for w in p.split()}) - NAME_PARTICLES
NAMES_LIKE_TITLES = word_set("names", "names_like_titles")
CJK_NOT_NAME = re.compile("|".join(re.escape(p) for p in phrases("names", "cjk_not_name")))
CHINESE_SURNAMES = frozenset("".join(_file("names")["surnames"]["zh"].split()))
COMPOUND_SURNAMES = tuple(_file("names")["surnames"]["zh_compound"])
JAPANESE_SURNAMES = frozenset(_file("names")["surnames"]["ja"])
KOREAN_SURNAMES = frozenset(_file("names")["surnames"]["ko"])
NEWS_HEADING = pattern("page", "news_headings")
FORMER_HEADING = pattern("page", "former_headings")
NEXT_WORDS = pattern("page", "next_page")
PROFILE_LINK_WORDS = pattern("page", "profile_link")
LANGUAGE_SWITCH = word_set("page", "language_switch")
INTEREST_PROSE = pattern("page", "interest_prose")

PAGE_PARAMETERS = frozenset("""page p pg offset start letter initial pagina seite skip from lettera letra buchstabe
    lettre alpha char az tab pageno page_no pagenum currentpage paged pn b_start startrow""".split())
FILE_ENDINGS = tuple(f".{e}" for e in """pdf doc docx ppt pptx xls xlsx zip jpg jpeg png gif svg ics vcf mp4 mp3 bib
    ris csv txt tex webp""".split())


def looks_like_file(href):
    return href.lower().split("?")[0].split("#")[0].endswith(FILE_ENDINGS)


def looks_like_cjk_name(text):
    """Chinese, Japanese or Korean personal names: short, and starting with a known family name
    (or, for Japanese, written as family and given name apart)."""
    if CJK_NOT_NAME.search(text):
        return False
    parts = text.split()
    joined = "".join(parts)
    if len(parts) == 2 and HAN.match(parts[0]) and KANA_OR_HAN.match(parts[1]) and 2 <= len(joined) <= 8:
        return len(parts[0]) <= 4
    if all(HAN.match(p) for p in parts) and len(parts) == 1 and 2 <= len(joined) <= 4:
        return (joined[0] in CHINESE_SURNAMES or joined.startswith(COMPOUND_SURNAMES)
                or any(joined.startswith(s) and len(joined) > len(s) for s in JAPANESE_SURNAMES))
    if all(HANGUL.match(p) for p in parts) and 2 <= len(joined) <= 4 and len(parts) <= 2:
        return joined[0] in KOREAN_SURNAMES
    return False
