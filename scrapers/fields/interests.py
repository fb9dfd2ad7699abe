"""Reading research interests: the lines under an interests heading or label, a label's inline list, tag
chips, and, where a page has no list, the phrases that running text introduces ("My research focuses on
X, Y and Z")."""
import re

from scrapers import vocabulary as vocab
from scrapers.text import KATAKANA_CHARS, clean, squeeze_cjk

SPLIT_PHRASES = re.compile(r"[;；、，,]|\s[•·|/]\s|\n|\s[-–]\s")
LIST_CONJUNCTION = re.compile(r"\s+(?:" + vocab.alternatives("page", "list_conjunctions", cjk=False) + r")\s+|"
                              + vocab.alternatives("page", "list_conjunctions", cjk=True), re.I)
# '熱流体工学・沸騰熱伝達' lists two topics; 'マイクロ・チャネル' is one katakana word
NAKAGURO_LIST = re.compile(f"(?<![{KATAKANA_CHARS}])・|・(?![{KATAKANA_CHARS}])")
NOT_A_TOPIC = re.compile(r"@|https?://|www\.|^\+?[\d\s().-]{7,}$")  # an address or a phone number in the list
LEADING_CONJUNCTION = re.compile(r"^(?:" + vocab.alternatives("page", "leading_conjunctions") + r")\s+", re.I)
SENTENCE_END = re.compile(r"(?<!\b[A-Za-z])(?<!e\.g)(?<!i\.e)(?<!etc)[.!?](?=\s|$)|[。！？；;]")
FILLERS = re.compile(r"^(?:(?:" + vocab.pattern("page", "prose_fillers").pattern + r")\s*)+", re.I)
LABEL_LEAD = "•·-–—*☑✓✔►▶▸➤➥→:：#§ \u00a0"
MAX_PHRASE = 120


def split_phrases(text):
    """Split an interests text into phrases, keeping commas inside parentheses."""
    parts, depth, current = [], 0, []
    text = NAKAGURO_LIST.sub("、", text or "")
    for ch in text:
        depth += ch in "(（[" and 1 or 0
        depth -= ch in ")）]" and 1 or 0
        if depth <= 0 and SPLIT_PHRASES.match(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    phrases = [LEADING_CONJUNCTION.sub("", clean(p).strip(".。·-–—:：•*► ")) for p in parts]
    phrases = [p for p in phrases if p]
    return [p for p in phrases if 1 < len(p) <= MAX_PHRASE and not NOT_A_TOPIC.search(p)]


def merge_phrases(first, second):
    """Phrases of both lists in order, each once (compared without case)."""
    seen, merged = set(), []
    for phrase in list(first or []) + list(second or []):
        key = phrase.casefold()
        if key not in seen:
            seen.add(key)
            merged.append(phrase)
    return merged


def label_of(text):
    """(label, rest) when a line starts with an interests label ('Research interests: a, b'), else None."""
    bare = squeeze_cjk(text.lstrip(LABEL_LEAD))
    match = vocab.INTEREST_HEADING.match(bare)
    if not match:
        return None
    rest = bare[match.end():]
    if rest and not (rest[:1] in ":：" or rest[:2] in (" :", " -", " –") or rest.startswith((" (", "（"))):
        return None
    if "(" in rest[:2] or "（" in rest[:2]:
        rest = rest[rest.find(")") + 1:] if ")" in rest else ""
    return match.group(0), clean(rest.lstrip(" :：-–"))


def is_label_line(text):
    """A short line that labels what follows ('Education:', 'Kontakt', a known field label)."""
    bare = clean(text).strip(LABEL_LEAD)
    if not bare or len(bare) > 45:
        return False
    if text.rstrip().endswith((":", "：")):
        return True
    return any(p.fullmatch(bare) for p in vocab.LABELS.values())


def prose_phrases(text):
    """Phrases that running text introduces: 'His research interests include A, B and C.' -> [A, B, C]."""
    found = []
    for match in vocab.INTEREST_PROSE.finditer(text):
        rest = text[match.end():].lstrip(" :：,")
        end = SENTENCE_END.search(rest)
        sentence = rest[: end.start()] if end else rest[:300]
        items = split_phrases(sentence[:300])
        if len(items) >= 2:  # "a, b and c": in running text the last item holds two topics
            items[-1:] = [t.strip() for t in LIST_CONJUNCTION.split(items[-1], maxsplit=1) if t.strip()]
        for phrase in (part for item in items for part in _two_topics(item)):
            phrase = FILLERS.sub("", phrase).strip(" .")
            if 2 < len(phrase) <= 80 and len(phrase.split()) <= 9:
                found.append(phrase)
        if found:
            break
    return found


def _two_topics(phrase):
    """'machine learning and computer vision' or 'la catalyse et la chimie verte' is two topics;
    'heat and mass transfer' is one."""
    parts = LIST_CONJUNCTION.split(phrase)
    if len(parts) == 2 and all(p.strip() for p in parts):
        left, right = (p.strip() for p in parts)
        if FILLERS.match(right) or (len(left.split()) >= 2 and len(right.split()) >= 2):
            return [left, right]
    return [phrase]


def looks_like_prose(text):
    """Running text rather than a list: long, with sentences, and not mostly short comma-separated items."""
    if len(text) <= 90:
        return False
    pieces = split_phrases(text)
    short = sum(len(p) for p in pieces) / max(len(pieces), 1) <= 60
    if len(pieces) >= 3 and short and len(SENTENCE_END.findall(text[:-1])) <= 1:
        return False
    return len(text) > 200 or bool(SENTENCE_END.search(text[:-1]))


def lines_after_label(lines, start):
    """The phrases of the lines that follow an interests heading at ``start``, up to the next heading or label."""
    phrases, prose = [], []
    for line in lines[start + 1: start + 40]:
        if line.is_heading or is_label_line(line.text) or label_of(line.text):
            break
        if looks_like_prose(line.text):
            prose.append(line.text)  # a paragraph, not a list item
            continue
        phrases.extend(split_phrases(line.text))
    if not phrases:
        for paragraph in prose:
            phrases.extend(prose_phrases(paragraph) or [])
    return phrases


def interests_in_lines(lines):
    """Interests from a block's lines: the phrases after every interests label or heading ('Research areas'
    and 'Research interests' both), full labels ('Thèmes de recherche') before everyday words ('Recherche');
    a label that is a link is navigation."""
    found, generic = [], []
    for number, line in enumerate(lines):
        labelled = label_of(line.text)
        if labelled is None or (line.lead is not None and line.lead.tag == "a") or (
                line.element is not None and line.element.tag == "a"):
            continue
        label, rest = labelled
        phrases = split_phrases(rest) if rest and len(rest) <= 600 and not looks_like_prose(rest) else []
        if rest and not phrases:
            phrases = prose_phrases(rest) or split_phrases(rest)
        if not rest:
            phrases = lines_after_label(lines, number)
        if phrases:
            if label.casefold() not in vocab.GENERIC_INTEREST_LABELS:
                found = merge_phrases(found, phrases)
            generic = generic or phrases
    return found or merge_phrases([], generic)


def interests_in_prose(lines):
    """Interests introduced by running text, when nothing lists them."""
    for line in lines:
        if len(line.text) > 40:
            phrases = prose_phrases(line.text)
            if phrases:
                return merge_phrases([], phrases)
    return []
