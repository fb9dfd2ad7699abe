"""The sources file (TOML): which department pages to harvest, validated up front."""
import re
import tomllib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pycountry

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SELECTOR_KEYS = {"person", "name", "title", "email", "interests", "profile_link", "next_page"}


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the source and key."""


@dataclass(frozen=True)
class Source:
    name: str
    institution: str
    country: str
    start_urls: tuple
    department: str = None
    language: str = None
    delay: float = None
    max_pages: int = None
    # Extra URL prefixes the crawl may enter besides the start URLs' own folders.
    allow: tuple = ()
    selectors: dict = field(default_factory=dict)

    @property
    def hosts(self):
        return sorted({urlsplit(u).hostname for u in self.start_urls})


# key -> (required, check) where check(value) returns the cleaned value or raises ValueError
def _text(value):
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value.strip()


def _slug(value):
    if not isinstance(value, str) or not SLUG.match(value):
        raise ValueError("must be a slug: lower-case letters, digits and '-', up to 80 characters")
    return value


def _country(value):
    if not isinstance(value, str) or pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. 'GB', 'DE')")
    return value.upper()


def _url(value):
    if not isinstance(value, str):
        raise ValueError("must be a URL string")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _urls(value):
    if not isinstance(value, list) or not value:
        raise ValueError("must be a non-empty list of http(s) URLs")
    return tuple(_url(v) for v in value)


def _prefixes(value):
    if not isinstance(value, list):
        raise ValueError("must be a list of http(s) URL prefixes")
    return tuple(_url(v) for v in value)


def _positive_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("must be a number of 0 or more")
    return float(value)


def _positive_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of 1 or more")
    return value


def _language(value):
    if not isinstance(value, str) or pycountry.languages.get(alpha_2=value.lower()) is None:
        raise ValueError(f"{value!r} is not an ISO 639-1 language code (e.g. 'de', 'zh')")
    return value.lower()


def _selectors(value):
    from soupsieve import SelectorSyntaxError
    from soupsieve import compile as compile_css

    if not isinstance(value, dict):
        raise ValueError("must be a table of CSS selectors")
    unknown = set(value) - SELECTOR_KEYS
    if unknown:
        raise ValueError(f"unknown selector {sorted(unknown)[0]!r}; known: {', '.join(sorted(SELECTOR_KEYS))}")
    for key, css in value.items():
        try:
            compile_css(_text(css))
        except (SelectorSyntaxError, ValueError) as error:
            raise ValueError(f"selector {key!r} is not valid CSS: {error}") from None
    return dict(value)


FIELDS = {
    "name": (True, _slug),
    "institution": (True, _text),
    "country": (True, _country),
    "start_urls": (True, _urls),
    "department": (False, _text),
    "language": (False, _language),
    "delay": (False, _positive_number),
    "max_pages": (False, _positive_int),
    "allow": (False, _prefixes),
    "selectors": (False, _selectors),
}


def parse_sources(text, origin="sources file"):
    """Parse and validate TOML text; return a list of :class:`Source`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourcesError(f"{origin}: not valid TOML: {error}") from None
    unknown_top = set(data) - {"sources"}
    if unknown_top:
        raise SourcesError(f"{origin}: unknown top-level key {sorted(unknown_top)[0]!r}; expected [[sources]] tables")
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{origin}: no [[sources]] tables found")
    sources, seen = [], set()
    for position, entry in enumerate(entries, 1):
        label = f"{origin}: source #{position}"
        if isinstance(entry.get("name"), str):
            label = f"{origin}: source {entry['name']!r}"
        for key in entry:
            if key not in FIELDS:
                raise SourcesError(f"{label}: unknown key {key!r}; known keys: {', '.join(FIELDS)}")
        values = {}
        for key, (required, check) in FIELDS.items():
            if key not in entry:
                if required:
                    raise SourcesError(f"{label}: missing required key {key!r}")
                continue
            try:
                values[key] = check(entry[key])
            except ValueError as error:
                raise SourcesError(f"{label}: key {key!r} {error}") from None
        if values["name"] in seen:
            raise SourcesError(f"{label}: duplicate name {values['name']!r}")
        seen.add(values["name"])
        sources.append(Source(**values))
    return sources


def load_sources(path):
    """Read and validate a sources file from disk."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise SourcesError(f"cannot read sources file {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourcesError(f"{path}: not UTF-8 text") from None
    return parse_sources(text, origin=str(path))
