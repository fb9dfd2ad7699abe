"""Cleaning, the last step of harvesting: every person record passes through here before the store.

Scraped text is untrusted. :func:`clean_person` removes what no reader needs and some programs choke on (lone
surrogates, noncharacters and unassigned code points, control characters, invisible characters that
reorder or hide text), puts text in Unicode NFC, caps every size and drops what is left empty.
Identifiers that are too long (a name, a phone number, an email, a URL) are dropped, since a cut one
would be wrong; descriptions (title, department, each interest phrase) are cut at a word.

:func:`page_records` then makes the people of one page the records the store keeps: only what the page may
speak for, the source's defaults filled in, and no address that several people share. An import
(directory/imports.py) passes its rows through it too.
"""
import re
import unicodedata
from collections import defaultdict

from scrapers.fetch import BadURL, split_url
from scrapers.record import (
    any_could_be_one,
    clean_other_names,
    is_curated,
    normalise_email,
    normalise_name,
    normalise_url,
    urls_of,
)
from scrapers.scope import same_site

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


def page_records(source, page_url, people):
    """The people ``page_url`` (a page of ``source``) gives, as the records the store keeps: empty values
    and nameless people dropped, links http(s) only, a profile URL and its aliases only on the page's own site,
    other names cleaned, the source's defaults filled in, and addresses that several differently named people
    share (a department's) taken from all of them."""
    records = [record for record in (_page_record(source, page_url, person) for person in people) if record]
    drop_shared_addresses(records)
    return records


def _page_record(source, page_url, person):
    person = {k: v for k, v in person.items() if v not in (None, "", [])}
    if not isinstance(person.get("name"), str) or not normalise_name(person["name"]):
        return None
    for key in URL_FIELDS:  # links from scraped data are http(s) only
        if key in person and not str(person[key]).lower().startswith(("http://", "https://")):
            del person[key]
    if person.get("profile_url") and not speaks_for(page_url, person["profile_url"]):
        del person["profile_url"]
    aliases = [u for u in person.pop("alias_urls", None) or [] if isinstance(u, str) and speaks_for(page_url, u)]
    if aliases:
        person["alias_urls"] = aliases
    clean_other_names(person)
    person.setdefault("institution", source.institution)
    if getattr(source, "language", None):
        person.setdefault("language", source.language)
    person.setdefault("country", source.country)
    if source.department and not person.get("department"):
        person["department"] = source.department
    return person


def speaks_for(page_url, url):
    """Whether a page may name ``url`` as someone's profile: one on its own site (same registrable domain), as
    a page cannot speak for another site's profile pages; a curator's import file may name any."""
    return is_curated(page_url) or same_site(url, page_url)


def drop_shared_addresses(people):
    """Take from ``people`` (one page's, or one import's rows) every email and URL that several of them with
    names that cannot be one person's give: a department's address or a contact page, nobody's own.
    Returns {normalised address: the positions in ``people`` of those who gave it}."""
    holders = defaultdict(list)
    for number, person in enumerate(people):
        for address in [normalise_email(person.get("email")), *urls_of(person)]:
            if address:
                holders[address].append(number)
    shared = {}
    for address, numbers in holders.items():
        names = [[people[n].get("name"), *(people[n].get("other_names") or [])] for n in numbers]
        if any(not any_could_be_one(x, y) for i, x in enumerate(names) for y in names[i + 1:]):
            shared[address] = numbers
    for person in people:
        if normalise_email(person.get("email")) in shared:
            del person["email"]
        if normalise_url(person.get("profile_url")) in shared:
            del person["profile_url"]
        if person.get("alias_urls"):
            person["alias_urls"] = [u for u in person["alias_urls"] if normalise_url(u) not in shared]
    return shared
