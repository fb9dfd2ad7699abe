"""Reading people's names: honorifics and degrees off, "Last, First" and ALL-CAPS surnames put right,
a table's name columns put in the order the script writes, a Latin-script form beside a native one kept, and a
test of whether a phrase is a name at all."""
import re
import unicodedata
from functools import lru_cache

from nameparser import HumanName

from scrapers import vocabulary as vocab
from scrapers.text import clean

QUOTED = re.compile(r"\s*[\"“”„«»‘’‚'][^\"“”„«»‘’‚']{1,20}[\"“”„«»‘’‚']\s*")  # nicknames: Zhaohui "Steve" Qin
BRACKETED = re.compile(r"\s*[(（\[][^()（）\[\]]{0,60}[)）\]]\s*")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
# Scripts without capital letters (Arabic, Hebrew, Thai, Devanagari and their kin): a name's words are
# letters, and the page's structure has to vouch for the rest.
CASELESS_WORD = re.compile(r"^[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u097f\u0980-\u09ff\u0e00-\u0e7f"
                           r"\u1200-\u137f\u0b80-\u0bff\u0c00-\u0c7f'’\-]+$")
# Dutch and Flemish pages write initials with the name people use: 'J.A. (Jan) de Vries' is Jan de Vries.
KATAKANA_NAME = re.compile(r"^[ァ-ヺー]{2,8}[・＝][ァ-ヺー]{2,10}$")  # 'マイケル・ブラウン', when neighbours vouch
FUSED_HONORIFICS = re.compile(r"^(?:[A-Za-z]{2,6}\.){2,}")  # Dutch 'prof.dr.ir.': read as 'prof. dr. ir.'
CALLED_NAME = re.compile(r"^((?:[A-Z]\.\s?)+)\s*\(([A-ZÀ-Þ][a-zà-ÿ'’-]+)\)\s+")
SCRIPT_CHANGE = re.compile(r"(?<=[^\x00-\u024f])\s+(?=[A-Za-z])|(?<=[A-Za-z.])\s+(?=[^\x00-\u024f])")
SHOUTED = re.compile(r"[^\W\d_]{2}")  # two letters in a row: a word, not initials like 'J.A.'


def shouted(word):
    """An ALL-CAPS word (any script with capitals): 'DUPONT', 'ΠΑΠΑΔΟΠΟΥΛΟΣ', not 'J.A.'."""
    return word.isupper() and bool(SHOUTED.search(word))
# ", prof. PW": a Polish professor's title at a named institution, written after the name.
INSTITUTION_PROFESSOR = re.compile(r",?\s+prof\.\s*(?:[A-ZĄĆĘŁŃÓŚŹŻ]{1,5}|uczelni|ucz\.)\s*$")
NAME_SEPARATORS = " -'’."


@lru_cache(maxsize=65536)
def strip_honorifics(text):
    """Remove honorifics before a name and degrees and post-nominals after it."""
    text = FUSED_HONORIFICS.sub(lambda m: m.group(0).replace(".", ". "), clean(text).strip(",;:|-–—·• "))
    previous = None
    while previous != text:
        previous = text
        prefix = vocab.HONORIFIC_PREFIX.match(text)
        rest = text[prefix.end():].split() if prefix else []
        if prefix and len(prefix.group(0).strip(" .,")) == 1 and (len(rest) < 2 or len(rest[0].strip(".")) == 1
                                                                  or rest[0].startswith("(")):
            break  # "M. Vidyasagar", "D. S. Deegalla", "M. (Mohamed) El Amrani": an initial, not Monsieur
        text = vocab.HONORIFIC_PREFIX.sub("", text).strip(" ,")
        text = vocab.HONORIFIC_SUFFIX.sub("", INSTITUTION_PROFESSOR.sub("", text)).strip(" ,")
    return text


def is_name_word(word):
    """A capitalised word of letters, hyphens, apostrophes or an initial's dot."""
    word = word.strip(",")
    return bool(word) and word[0].isupper() and all(ch.isalpha() or ch in "-'’." for ch in word)


@lru_cache(maxsize=65536)
def looks_like_name(text, loose=False):
    """Whether ``text`` (honorifics already removed) reads as a person's name. ``loose`` accepts forms a
    listing's neighbours vouch for: one word, lower-case particles, initials only."""
    if not text or len(text) > 70 or any(ch.isdigit() for ch in text) or "@" in text or "://" in text:
        return False
    if vocab.CJK.search(text):
        if LATIN_LETTER.search(text):
            return False
        return vocab.looks_like_cjk_name(text) or (loose and (2 <= len(text.replace(" ", "")) <= 5
                                                             or bool(KATAKANA_NAME.match(text)))
                                                   and not vocab.CJK_NOT_NAME.search(text))
    words = text.replace(",", " ").split()
    if not (1 if loose else 2) <= len(words) <= 6:
        return False
    if any(w.casefold().strip(".:") in vocab.NOT_NAME_WORDS for w in words):
        return False
    unparticled = " ".join(w for w in words if w.casefold() not in vocab.NAME_PARTICLES)
    if any(ch in unparticled for ch in "!?:;/|<>{}[]()=+*#%&"):
        return False  # ("a/l" in "Ravichandran a/l Subramaniam" is a particle)
    if vocab.PROFILE_LINK_WORDS.fullmatch(text) or vocab.NEWS_HEADING.fullmatch(text):
        return False  # "Currículo Lattes", "Read more", "Latest news"
    if sum(bool(vocab.TITLE_WORDS.fullmatch(w)) for w in words) * 2 > len(words):
        return False  # "Contratado Doctor", "Senior Lecturer": ranks, not names
    ends = (words[0], words[-1])
    if any(vocab.TITLE_WORDS.fullmatch(w) and w.casefold() not in vocab.NAMES_LIKE_TITLES for w in ends):
        return False  # "Investigadora Ramón y Cajal", "Do-Yun Kim Professor"
    rank = vocab.TITLE_WORDS.match(text)
    if rank and len(rank.group(0).split()) >= 2:
        return False  # "Akademische Oberrätin Ute Heuer" holds a name; it is not one
    if all(CASELESS_WORD.match(w) for w in words):
        return not any(w in vocab.NOT_NAME_WORDS for w in words)
    capitalised = 0
    for number, word in enumerate(words):
        # a particle that starts a name in capitals is a given name: "Ben Walker" (not "ben" as in "Ali ben Said")
        given = number == 0 and len(word) >= 3 and word[0].isupper() and len(words) > 1 and (
            words[1].casefold() not in vocab.NAME_PARTICLES)
        if word.casefold() in vocab.NAME_PARTICLES and not given:
            continue
        if not is_name_word(word):
            return False
        capitalised += 1
    return capitalised >= (1 if loose else 2)


def reorder(name):
    """'Weber, Anna' and 'WEBER Anna' -> 'Anna Weber'; ALL-CAPS names get their capitals right."""
    if vocab.CJK.search(name):
        parts = name.split()
        # '王　伟': a two-character Chinese name padded to line up with three-character ones
        return "".join(parts) if len(parts) == 2 and all(len(p) == 1 and vocab.HAN.match(p) for p in parts) else name
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first.casefold() in vocab.GENERATIONAL:
            return f"{last} {first}"  # 'John Smith, Sr.'
        if last and first and looks_like_name(f"{first} {last}", loose=True):
            name = f"{first} {last}"
    words = name.split()
    caps = [w for w in words if shouted(w)]

    if caps and len(caps) < len(words):
        # "DUPONT Marie" / "Marie DUPONT": the capitals mark the family name, which goes last.
        lead = 0
        while lead < len(words) and (shouted(words[lead]) or words[lead].casefold() in vocab.NAME_PARTICLES):
            lead += 1
        if 0 < lead < len(words):
            words = words[lead:] + words[:lead]
        words = [capitalise(w) if shouted(w) else w for w in words]
        name = " ".join(words)
    elif caps:
        name = " ".join(capitalise(w) if shouted(w) else w for w in words)
    words = name.split()
    return " ".join([words[0]] + [w.lower() if w.casefold() in vocab.NAME_PARTICLES and w[:1].isupper() and caps
                                  else w for w in words[1:]]) if words else name


@lru_cache(maxsize=65536)
def capitalise(word):
    """One word of an ALL-CAPS name in its usual capitals (nameparser knows Mc, Mac, O' and particles)."""
    human = HumanName(word)
    human.capitalize(force=True)
    return str(human) or word.capitalize()


@lru_cache(maxsize=65536)
def name_in(text, loose=False):
    """The name in a text like 'Prof. Dr. Anna Weber, PhD' or 'WEBER, Anna', or None."""
    name = strip_honorifics(QUOTED.sub(" ", text or ""))
    name = CALLED_NAME.sub(lambda m: m.group(2) + " ", name)
    name = strip_honorifics(BRACKETED.sub(" ", name)) if BRACKETED.search(name) else name
    if not looks_like_name(name, loose):
        return None
    return reorder(name)


@lru_cache(maxsize=65536)
def names_in(text, loose=False):
    """The name in ``text`` and other forms of it in another script: '陳大文 (Tai-Man Chan)' ->
    ('陳大文', ['Tai-Man Chan']); also 'Taro Yamada 山田太郎' and '山田 太郎 / Taro Yamada'."""
    text = clean(text)
    pieces = [p for p in re.split(r"\s*[(（)）/|]\s*", text) if p.strip()]
    if len(pieces) < 2 and vocab.CJK.search(text) and LATIN_LETTER.search(text):
        pieces = [p for p in SCRIPT_CHANGE.split(text) if p]
    if len(pieces) >= 2:
        found = [name for name in (name_in(p, loose) for p in pieces[:3]) if name]
        scripts = {bool(vocab.CJK.search(n)) for n in found}
        if len(found) >= 2 and len(scripts) == 2:
            native = next(n for n in found if vocab.CJK.search(n))
            return native, [n for n in found if n != native]
    name = name_in(text, loose)
    if name and QUOTED.search(text):  # 'Zhaohui "Steve" Qin': the form with the nickname is his too
        return name, [strip_honorifics(text)]
    return (name, []) if name else (None, [])


@lru_cache(maxsize=65536)
def title_and_name(text):
    """Split 'Professor Dr. Matthias Brandl', 'Akademische Oberrätin Ute Heuer' or 'Do-Yun Kim Professor'
    into (title, name). Degrees are not a title: 'Prof. Dr.-Ing. Anna Weber' gives (None, 'Anna Weber')."""
    words = clean(text).split()
    for cut in range(min(len(words) - 1, 6) - 1, 0, -1):  # the longest rank first: 'Distinguished Professor'
        for head, tail in ((words[:cut], words[cut:]), (words[-cut:], words[:-cut])):
            head, tail = " ".join(head), " ".join(tail)
            if not vocab.TITLE_WORDS.fullmatch(strip_degrees(head) or ""):
                continue  # the head is all rank ('Professor Dr.'), not a rank and a first name ('Professor Roshan')
            name = name_in(tail)
            if name and not name_in(head):
                return strip_degrees(head), name
    return None, name_in(text)


def entry_name(text):
    """(name, other forms, rank) of the text of a listing's entry: a name alone, in one script or two ('陳大文
    (Tai-Man Chan)'), else a rank and a name ('Scientia Professor Rajesh Kumar'); (None, [], None) when neither."""
    name, others = names_in(text)
    if name:
        return name, others, None
    title, name = title_and_name(text)
    return (name, [], title) if title and name else (None, [], None)


def name_from_columns(columns, language=None):
    """The name a staff table's row gives in its name columns ({column: text}): the "name" column as written;
    a "family_first" one ('Cognome Nome') given name first; "given_name" and "family_name" ones in the order the
    script writes them: Latin given name first, Chinese and Korean family name first and run together, Japanese
    (``language`` "ja") family name first and apart."""
    if "name" in columns:
        return columns["name"]
    if "family_first" in columns:
        return given_name_first(columns["family_first"])
    given, family = columns.get("given_name", ""), columns.get("family_name", "")
    cjk = vocab.CJK.search(family + given)
    return f"{family}{given}" if cjk and (language or "") != "ja" else (
        f"{family} {given}" if cjk else f"{given} {family}")


def given_name_first(text):
    """'De Luca Anna Maria' under a 'Cognome Nome' header -> 'Anna Maria De Luca' (particles stay with
    the family name)."""
    words = clean(text).split()
    if vocab.CJK.search(text) or len(words) < 2 or "," in text:
        return text
    cut = 1
    while cut < len(words) - 1 and words[cut - 1].casefold() in vocab.NAME_PARTICLES:
        cut += 1
    return " ".join(words[cut:] + words[:cut])


def strip_degrees(text):
    """A title without the abbreviated honorifics and degrees around it ('Professor Dr.' -> 'Professor');
    None when nothing but those is left."""
    words = [w for w in clean(text).split() if not is_degree(w)]
    title = " ".join(words).strip(" ,")
    return title or None


def is_degree(word):
    """An abbreviated honorific or degree: 'Dr.', 'Prof.', 'Dr.-Ing.', 'PhD', 'M.Sc.'."""
    bare = word.strip(",;()")
    if not bare:
        return True
    if bare.endswith(".") or bare.startswith("-"):
        return bool(vocab.HONORIFIC_PREFIX.match(bare + " ") or vocab.HONORIFIC_SUFFIX.search(" " + bare))
    return bare.casefold() in ("phd", "dphil", "msc", "bsc", "mba", "pd")


def fold(text):
    """Lower case without accents, for comparing names."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def name_key(text):
    """An order-free key of a name's words: 'Weber, Anna' and 'Prof. Anna Weber' share it."""
    name = name_in(text, loose=True) or strip_honorifics(text)
    words = re.split(r"[\s,.\-'’]+", fold(name))
    words = sorted(w for w in words if w)
    return " ".join(words) if not vocab.CJK.search(name) else fold(name).replace(" ", "")


def same_name(a, b):
    """Whether two written names are one: same words in any order, or initials matching given names."""
    if not a or not b:
        return False
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    wa, wb = ka.split(), kb.split()
    if vocab.CJK.search(ka) or vocab.CJK.search(kb) or len(wa) < 2 or len(wb) < 2:
        return False
    shorter, longer = sorted((wa, wb), key=len)
    rest = list(longer)
    for word in shorter:  # every word of the shorter name is a word, or the initial of one, of the longer
        match = next((w for w in rest if w == word or (len(word) == 1 and w.startswith(word))), None)
        if match is None:
            return False
        rest.remove(match)
    return sum(len(w) > 1 for w in shorter) >= 1


def slug_matches(name, url, words_needed=2):
    """Whether a URL's last path part or query spells the name ('/people/anna-weber', '?NAME=Anna-Weber')."""
    tail = fold(url.rstrip("/").rsplit("/", 1)[-1])
    words = [w for w in re.split(r"[\s\-'’.]+", fold(name)) if len(w) > 1]
    return len(words) >= 1 and sum(w in tail for w in words) >= min(words_needed, len(words))
