"""Reading job titles: a short line that names a rank or role, without the degrees around it, and the
unit after it ('Professor, School of Engineering')."""
import re
from functools import lru_cache

from scrapers import vocabulary as vocab
from scrapers.fields.names import name_in, strip_degrees
from scrapers.text import clean

TITLE_THEN_UNIT = re.compile(r"^(.{3,80}?)\s*(?:,|–|—|\||\bat\b|\bin the\b|\bof the\b)\s*((?:"
                             + vocab.LABELS["department"].pattern + r").{2,120})$", re.I)


@lru_cache(maxsize=65536)
def looks_like_title(text):
    """A short line naming a rank or role ('Senior Lecturer', 'Maître de conférences', '教授')."""
    text = clean(text)
    sentence = text.endswith((".", "。")) and len(text) > 60
    if not text or len(text) > 120 or "@" in text or len(text.split()) > 10 or sentence:
        return False
    if re.search(r"\w[:：]\s+\w+\s+\w+\s+\w+", text) and not vocab.LABELS["title"].match(text):
        return False  # "Notte europea dei ricercatori: il Dipartimento partecipa ...": a headline
    if not vocab.TITLE_WORDS.search(text):
        return False
    return strip_degrees(text) is not None


SEPARATORS = re.compile(r"\s+[—–|·•/-]\s+|\s*[;；]\s*")
# 'Doctorante depuis 2023'
SINCE_YEAR = re.compile(r"\s*[,(]?\s*(?:" + vocab.alternatives("titles", "since_year") + r")\s+"
                        r"(?:\d{1,2}[./])?\d{4}\)?$", re.I)
BRACKETED_ROLE = re.compile(r"\s*[(（]([^()（）]{1,30})[)）]$")
HEAD_COUNT = re.compile(r"\s*[(（\[]\s*\d+\s*(?:" + vocab.alternatives("titles", "head_count_units")
                        + r")?\s*[)）\]]$", re.I)  # 'Professors (12)', '研究员（1人）'
ROLE_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")


@lru_cache(maxsize=65536)
def unbracketed(text):
    """'(办公室主任)' -> '办公室主任'."""
    while text and text[0] in "(（[" and text[-1] in ")）]":
        text = text[1:-1].strip()
    return text


def clean_title(text, labelled=False):
    """A title without degrees, bullets, brackets or an address beside it; None when no title is left.
    A ``labelled`` text (after 'Title:') is not checked for being a name: with no capital letters to go by
    (Hebrew, Arabic) 'פרופסור מן המניין' reads as an honorific and a name."""
    text = clean(text).strip("–—-|·•,:;/ ")
    text = unbracketed(HEAD_COUNT.sub("", text))
    pieces = text.split()
    if len(pieces) > 1 and all(vocab.AFFILIATION_END.search(p) for p in pieces[:-1]):
        text = pieces[-1]  # '西京大学 大学院工学研究科 機械工学専攻 教授': the rank after the affiliation
    bracketed = BRACKETED_ROLE.search(text)
    if bracketed and bracketed.group(1).casefold() in vocab.ROLES_BESIDE_RANK:
        text = text[:bracketed.start()]  # '教授（兼任）'
    parts = ROLE_SEPARATORS.split(text)
    ranks = [part for part in parts if part.casefold() not in vocab.ROLES_BESIDE_RANK]
    if ranks and len(ranks) < len(parts):
        text = ("，" if vocab.CJK.search(text) else ", ").join(ranks)
    parts = SEPARATORS.split(text)
    # "Professor Titular - FEQ/UFCM": keep the run of parts that are titles ("HoD - Senior Lecturer")
    if len(parts) > 1:
        separators = [m.group(0) for m in SEPARATORS.finditer(text)]
        titled = [looks_like_title(p) and "@" not in p for p in parts]
        if any(titled):
            start = titled.index(True)
            end = start
            while end + 1 < len(parts) and titled[end + 1]:
                end += 1
            text = parts[start] + "".join(separators[i] + parts[i + 1] for i in range(start, end))
    for found in vocab.LABEL_AHEAD.finditer(text):  # "Assistant Professor Research Interests: ..."
        if found.start() > 0 and found.group(0).casefold() not in vocab.GENERIC_INTEREST_LABELS:
            text = text[: found.start()].strip(" ,;:|-–—")
            break
    text = SINCE_YEAR.sub("", text)
    title = strip_degrees(text)
    if title and not looks_like_title(title) and vocab.TITLE_WORDS.match(text):
        title = text  # "PhD Candidate" is a title; its "PhD" is not a degree held
    if not title or not looks_like_title(title):
        return None
    head, comma, field = title.partition(",")
    # "Professor Jane Doe" is a name line; "Assistant Professor, Indigenous Forest Stewardship" names a field
    if not labelled and name_in(head if comma and looks_like_title(head) else title):
        return None
    return title


@lru_cache(maxsize=65536)
def split_title(text):
    """'Professor, School of Engineering' or 'Tutkijatohtori, Energiatekniikan laitos' -> (title, unit)."""
    text = clean(text).strip("–—-|·,:; ")
    text = unbracketed(text)
    match = TITLE_THEN_UNIT.match(text)
    if match and looks_like_title(match.group(1)):
        return match.group(1), match.group(2)
    head, comma, tail = text.partition(", ")
    if comma and looks_like_title(head) and vocab.LABELS["department"].search(tail) and not looks_like_title(tail):
        return head, tail
    return text, None


@lru_cache(maxsize=65536)
def group_title(heading_text):
    """The role a heading gives the people listed under it ('Professoren', 'Leadership', '教授'), or None."""
    text = HEAD_COUNT.sub("", clean(heading_text)).strip(":： ")
    if not text or len(text) > 70 or name_in(text) or text.casefold() in vocab.ROLES_BESIDE_RANK:
        return None
    if vocab.GROUP_WORDS.search(text) or vocab.TITLE_WORDS.search(text):
        return text
    return None
