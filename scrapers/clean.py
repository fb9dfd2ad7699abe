"""Cleaning, the last step of harvesting: every person record passes through here before the store.

Scraped text is untrusted. Cleaning removes what no reader needs and some programs choke on (lone
surrogates, noncharacters and unassigned code points, control characters, invisible characters that
reorder or hide text), puts text in Unicode NFC, caps every size and drops what is left empty.
Identifiers that are too long (a name, a phone number, an email, a URL) are dropped, since a cut one
would be wrong; descriptions (title, department, each interest phrase) are cut at a word.
"""
import re
import unicodedata

from scrapers.fetch import BadURL, split_url

# Removed outright: C0 and C1 controls (whitespace controls become spaces first), lone surrogates, the
# byte order mark and zero-width space, bidirectional embeddings, overrides and isolates (they reorder
# what a reader sees), interlinear annotation marks. Noncharacters and unassigned code points go below.
UNWANTED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]")
SPACES = re.compile(r"[\s\u00a0\u2028\u2029]+")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")
MAX_EMAIL_CHARS = 254  # RFC 5321
URL_FIELDS = ("profile_url", "photo_url")
URL_LIST_FIELDS = ("alias_urls",)


def clean_text(value, limit, cut=False):
    """``value`` as clean one-line text of at most ``limit`` characters, or None when nothing is left.

    A longer text is cut at a word when ``cut``, else refused (None)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = _without_unwanted(SPACES.sub(" ", value[: 4 * limit + 16]))  # never scan more than can be kept
    text = SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if len(value) > 4 * limit + 16 or len(text) > limit:
        if not cut:
            return None
        text = text[: limit - 1]  # room for the ellipsis
        if " " in text[limit // 2:]:
            text = text[: text.rindex(" ")]
        text = text.rstrip(" ,;:-") + "…"
    return text or None


def _without_unwanted(text):
    text = UNWANTED.sub("", text)
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cn")  # noncharacters, unassigned


def clean_url(value, limit):
    """``value`` if it is a well-formed http(s) URL of at most ``limit`` characters, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or clean_text(url, limit) != url:  # a URL is also clean text: no hidden characters
        return None
    try:
        split_url(url)
    except BadURL:
        return None
    return url


def clean_email(value):
    """A lower-case address shaped like ``local@domain.tld``, or None."""
    text = clean_text(value, MAX_EMAIL_CHARS)
    return text.lower() if text and EMAIL.fullmatch(text) else None


def clean_list(values, limit, count, cut=False):
    """Each text cleaned (``limit`` characters), empty ones and repeats dropped, at most ``count`` kept."""
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        values = [values]
    kept = {}
    for value in values:
        text = clean_text(value, limit, cut=cut)
        if text and text.casefold() not in kept:
            kept[text.casefold()] = text
            if len(kept) == count:
                break
    return list(kept.values())


def clean_person(person, settings):
    """The record ``person`` (a dict from extraction) cleaned and capped, or None when it has no usable
    name. Fields it does not know are kept as short clean text, or lists of it."""
    name = clean_text(person.get("name"), settings.max_name_chars)
    if not name:
        return None
    cleaned = {"name": name}
    for key, value in person.items():
        if key == "name" or value in (None, "", [], ()):
            continue
        if key == "email":
            value = clean_email(value)
        elif key == "phone":
            value = clean_text(value, settings.max_phone_chars)
        elif key == "interests":
            value = clean_list(value, settings.max_interest_chars, settings.max_interests, cut=True)
        elif key == "other_names":
            value = [n for n in clean_list(value, settings.max_name_chars, settings.max_other_names)
                     if n.casefold() != name.casefold()]
        elif key in URL_FIELDS:
            value = clean_url(value, settings.max_url_length)
        elif key in URL_LIST_FIELDS:
            value = [u for u in (clean_url(v, settings.max_url_length) for v in value or []) if u]
        elif isinstance(value, (list, tuple)):
            value = clean_list(value, settings.max_text_chars, settings.max_interests, cut=True)
        else:  # title, department, and whatever extraction adds later
            value = clean_text(value, settings.max_text_chars, cut=True)
        if value not in (None, "", []):
            cleaned[key] = value
    return cleaned


def is_clean_text(text):
    """Whether ``text`` is what :func:`clean_text` gives (for checks over stored data)."""
    return isinstance(text, str) and text == clean_text(text, max(len(text), 1))
