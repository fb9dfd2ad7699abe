"""Reading people's names: honorifics and degrees off, "Last, First" and ALL-CAPS surnames put right,
a Latin-script form beside a native one kept, and a test of whether a phrase is a name at all."""
import re
import unicodedata

from nameparser import HumanName

from scrapers import vocabulary as vocab
from scrapers.text import clean

QUOTED = re.compile(r"\s*[\"“”„«»‘’‚'][^\"“”„«»‘’‚']{1,20}[\"“”„«»‘’‚']\s*")  # nicknames: Zhaohui "Steve" Qin
BRACKETED = re.compile(r"\s*[(（\[][^()（）\[\]]{0,60}[)）\]]\s*")
LATIN_LETTER = re.compile(r"[A-Za-zÀ-ɏ]")
NAME_SEPARATORS = " -'’."


def strip_honorifics(text):
    """Remove honorifics before a name and degrees and post-nominals after it."""
    text = clean(text).strip(",;:|-–—·• ")
    previous = None
    while previous != text:
        previous = text
        prefix = vocab.HONORIFIC_PREFIX.match(text)
        rest = text[prefix.end():].split() if prefix else []
        if prefix and len(prefix.group(0).strip(" .,")) == 1 and (len(rest) < 2 or len(rest[0].strip(".")) == 1):
            break  # "M. Vidyasagar", "D. S. Deegalla": an initial, not "M." for Monsieur
        text = vocab.HONORIFIC_PREFIX.sub("", text).strip(" ,")
        text = vocab.HONORIFIC_SUFFIX.sub("", text).strip(" ,")
    return text


def is_name_word(word):
    """A capitalised word of letters, hyphens, apostrophes or an initial's dot."""
    word = word.strip(",")
    return bool(word) and word[0].isupper() and all(ch.isalpha() or ch in "-'’." for ch in word)


def looks_like_name(text, loose=False):
    """Whether ``text`` (honorifics already removed) reads as a person's name. ``loose`` accepts forms a
    listing's neighbours vouch for: one word, lower-case particles, initials only."""
    if not text or len(text) > 70 or any(ch.isdigit() for ch in text) or "@" in text or "://" in text:
        return False
    if vocab.CJK.search(text):
        if LATIN_LETTER.search(text):
            return False
        return vocab.looks_like_cjk_name(text) or (loose and 2 <= len(text.replace(" ", "")) <= 5
                                                   and not vocab.CJK_NOT_NAME.search(text))
    words = text.replace(",", " ").split()
    if not (1 if loose else 2) <= len(words) <= 6:
        return False
    if any(w.casefold().strip(".:") in vocab.NOT_NAME_WORDS for w in words):
        return False
    if any(ch in text for ch in "!?:;/|<>{}[]()=+*#%&"):
        return False
    if vocab.PROFILE_LINK_WORDS.fullmatch(text) or vocab.NEWS_HEADING.fullmatch(text):
        return False  # "Currículo Lattes", "Read more", "Latest news"
    if sum(bool(vocab.TITLE_WORDS.fullmatch(w)) for w in words) * 2 > len(words):
        return False  # "Contratado Doctor", "Senior Lecturer": ranks, not names
    if vocab.TITLE_WORDS.fullmatch(words[0]) and words[0].casefold() not in vocab.NAMES_LIKE_TITLES:
        return False  # "Investigadora Ramón y Cajal"
    rank = vocab.TITLE_WORDS.match(text)
    if rank and len(rank.group(0).split()) >= 2:
        return False  # "Akademische Oberrätin Ute Heuer" holds a name; it is not one
    capitalised = 0
    for word in words:
        if word.casefold() in vocab.NAME_PARTICLES:
            continue
        if not is_name_word(word):
            return False
        capitalised += 1
    return capitalised >= (1 if loose else 2)


def reorder(name):
    """'Weber, Anna' and 'WEBER Anna' -> 'Anna Weber'; ALL-CAPS names get their capitals right."""
    if vocab.CJK.search(name):
        return name
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first and looks_like_name(f"{first} {last}", loose=True):
            name = f"{first} {last}"
    words = name.split()
    caps = [w for w in words if len(w.strip(".-")) > 1 and w.isupper()]
    if caps and len(caps) < len(words):
        # "DUPONT Marie" / "Marie DUPONT": the capitals mark the family name, which goes last.
        lead = 0
        while lead < len(words) and (words[lead].isupper() or words[lead].casefold() in vocab.NAME_PARTICLES):
            lead += 1
        if 0 < lead < len(words):
            words = words[lead:] + words[:lead]
        words = [capitalise(w) if w.isupper() and len(w.strip(".-")) > 1 else w for w in words]
        name = " ".join(words)
    elif caps:
        name = " ".join(capitalise(w) if len(w.strip(".-")) > 1 else w for w in words)
    return name


def capitalise(word):
    """One word of an ALL-CAPS name in its usual capitals (nameparser knows Mc, Mac, O' and particles)."""
    human = HumanName(word)
    human.capitalize(force=True)
    return str(human) or word.capitalize()


def name_in(text, loose=False):
    """The name in a text like 'Prof. Dr. Anna Weber, PhD' or 'WEBER, Anna', or None."""
    name = strip_honorifics(QUOTED.sub(" ", text or ""))
    name = strip_honorifics(BRACKETED.sub(" ", name)) if BRACKETED.search(name) else name
    if not looks_like_name(name, loose):
        return None
    return reorder(name)


def names_in(text, loose=False):
    """The name in ``text`` and other forms of it in another script: '陳大文 (Tai-Man Chan)' ->
    ('陳大文', ['Tai-Man Chan']); also 'Taro Yamada 山田太郎' and '山田 太郎 / Taro Yamada'."""
    text = clean(text)
    pieces = [p for p in re.split(r"\s*[(（)）/|]\s*", text) if p.strip()]
    if len(pieces) < 2 and vocab.CJK.search(text) and LATIN_LETTER.search(text):
        pieces = [p for p in re.split(r"(?<=[^\x00-\u024f])\s+(?=[A-Za-z])|(?<=[A-Za-z.])\s+(?=[^\x00-\u024f])", text) if p]
    if len(pieces) >= 2:
        found = [name for name in (name_in(p, loose) for p in pieces[:3]) if name]
        scripts = {bool(vocab.CJK.search(n)) for n in found}
        if len(found) >= 2 and len(scripts) == 2:
            native = next(n for n in found if vocab.CJK.search(n))
            return native, [n for n in found if n != native]
    name = name_in(text, loose)
    return (name, []) if name else (None, [])


def title_and_name(text):
    """Split 'Professor Dr. Matthias Brandl' or 'Akademische Oberrätin Ute Heuer' into (title, name).
    Degrees are not a title: 'Prof. Dr.-Ing. Anna Weber' gives (None, 'Anna Weber')."""
    words = clean(text).split()
    for cut in range(1, min(len(words) - 1, 6)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if not vocab.TITLE_WORDS.match(head):
            continue
        name = name_in(tail)
        if name and not name_in(head):
            title = strip_degrees(head)
            return title, name
    return None, name_in(text)


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
