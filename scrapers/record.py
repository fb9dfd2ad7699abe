"""What a person record means wherever it goes, one rule each for extraction, cleaning (clean.py) and the store
(directory/identity.py, ``directory/store/merge.py``): how two records' emails, URLs and names compare, whether
two names can be one person's, which other names a record keeps, and which value of a field stays when two
pages disagree."""
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

LONGEST_WINS = ("title", "department")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_OTHER_NAMES = 10
MAX_OTHER_NAME_CHARS = 200


def replaces(field, kept, other):
    """Whether ``other`` takes the place of ``kept`` as a person's ``field``: the first value found stays, except
    that a longer title or department wins ('Associate Professor of Physics' over 'Professor')."""
    return bool(other) and (not kept or (field in LONGEST_WINS and len(other) > len(kept)))


@lru_cache(maxsize=65536)  # each value is normalised many times while records are grouped
def normalise_email(email):
    return CONTROL.sub("", (email or "").strip().lower()) or None


@lru_cache(maxsize=65536)
def normalise_url(url):
    """Compare URLs without scheme, case of host, 'www.', fragment or trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(CONTROL.sub("", url.strip()))
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:  # an unparseable URL names nobody
        return None
    return urlunsplit(("", host, parts.path.rstrip("/") or "/", parts.query, "")).lstrip("/")


@lru_cache(maxsize=65536)
def normalise_name(name):
    folded = unicodedata.normalize("NFKD", name or "").casefold()
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).split())


def urls_of(person):
    """The person's profile URL and its aliases, normalised, each once."""
    urls = [normalise_url(u) for u in [person.get("profile_url"), *(person.get("alias_urls") or [])]]
    return list(dict.fromkeys(u for u in urls if u))


def is_curated(page_url):
    """Records from a curator's import file vouch for every address they give."""
    return page_url.startswith("import:")


def clean_other_names(person):
    """``other_names`` as a short list of distinct plain strings that differ from the name (or absent)."""
    value = person.get("other_names")
    value = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    seen, names = {normalise_name(person.get("name"))}, []
    for item in value[:MAX_OTHER_NAMES * 2]:
        text = " ".join(CONTROL.sub(" ", item).split())[:MAX_OTHER_NAME_CHARS] if isinstance(item, str) else ""
        if normalise_name(text) and normalise_name(text) not in seen:
            seen.add(normalise_name(text))
            names.append(text)
    person.pop("other_names", None)
    if names:
        person["other_names"] = names[:MAX_OTHER_NAMES]
    return person


def could_be_one(first, second):
    """Whether two names can be one person's: every word of the shorter is in the longer or is the initial of
    one of its words ("J. Smith", "Prof Jane Smith"), or one is the other run together ("王伟", "王伟教授");
    not "Ann Lee" and "Bo Chan"."""
    a, b = sorted((re.findall(r"\w+", normalise_name(first)), re.findall(r"\w+", normalise_name(second))), key=len)
    if all(word in b or (len(word) == 1 and any(w.startswith(word) for w in b)) for word in a):
        return True
    return "".join(a) in "".join(b)


def any_could_be_one(names, others):
    return any(could_be_one(x, y) for x in names for y in others)
