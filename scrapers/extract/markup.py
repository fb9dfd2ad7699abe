"""People described with structured markup: schema.org Person in JSON-LD (read here, on the page already
parsed), microdata and RDFa, and h-card microformats (through extruct, only when the page has them)."""
import html as html_lib

import extruct
from lxml import html as lxml_html

from scrapers.extract.document import absolute_http
from scrapers.extract.model import Person
from scrapers.fields.emails import EMAIL
from scrapers.fields.interests import split_phrases
from scrapers.fields.names import name_in, names_in, strip_honorifics
from scrapers.scope import same_site
from scrapers.text import clean

# Which markup a page has, asked of the parsed tree (extruct parses again, so it runs only where needed).
SIGNS = {"microdata": "boolean(//*[@itemscope])", "rdfa": "boolean(//*[@typeof])",
         "microformat": "boolean(//*[contains(@class, 'h-card') or contains(@class, 'vcard')])"}
MAX_ITEMS = 2000  # a page describing more "people" than this is not a department page


def structured_people(doc, html):
    """Every Person the page's markup describes."""
    items = [("json-ld", item) for data in doc.json_ld_items() for item in _walk(data)]
    syntaxes = [name for name, sign in SIGNS.items() if doc.root.xpath(sign)]
    if syntaxes:
        try:
            found = extruct.extract(html, base_url=doc.url, syntaxes=syntaxes, uniform=True, errors="ignore")
        except Exception:  # noqa: BLE001 - extruct raises many kinds on broken markup; a page must never stop
            found = {}
        for syntax, values in found.items():
            items.extend((syntax, _flatten_rdfa(i) if syntax == "rdfa" else i) for i in _walk(values))
    people = []
    for syntax, item in items[:MAX_ITEMS]:
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(str(t).rsplit("/", 1)[-1] in ("Person", "h-card") for t in types):
            person = _person(item, doc.url, syntax)
            if person is not None:
                people.append(person)
    return people


def _walk(value, depth=0):
    if depth > 12:
        return
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value[:MAX_ITEMS]:
            yield from _walk(inner, depth + 1)


def _flatten_rdfa(item):
    flat = {}
    for key, values in item.items():
        short = key.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if key.startswith("http") else key
        if isinstance(values, list):
            values = [v.get("@value", v.get("@id")) if isinstance(v, dict) else v for v in values]
        flat[short] = values
    return flat


def _text(value):
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("value") or value.get("@value"))
    if value is None or isinstance(value, (bool, int, float)) or value == "":
        return None
    text = str(value)[:2000]
    if "<" in text:
        try:
            text = lxml_html.fromstring(text).text_content()
        except Exception:  # noqa: BLE001 - a fragment lxml cannot read is taken as it is
            pass
    return clean(html_lib.unescape(text)) or None


def _phrases(value):
    values = value if isinstance(value, list) else [value]
    phrases = []
    for item in values[:200]:
        text = _text(item)
        if text:
            phrases.extend(split_phrases(text))
    return phrases


def _person(item, url, syntax):
    parts = (_text(item.get("givenName")), _text(item.get("familyName")))
    raw = _text(item.get("name")) or " ".join(filter(None, parts))
    name, others = names_in(raw or "")
    name = name or name_in(raw or "", loose=True)
    if name is None and syntax != "microformat":
        # A Person type vouches for an odd name; an h-card is as often a site's address ('Centre for ...')
        name = strip_honorifics(raw or "")
    if not name or len(name) > 100:
        return None
    email = _text(item.get("email"))
    if email and email.lower().startswith("mailto:"):
        email = email[7:]
    email = email.lower() if email and EMAIL.fullmatch(email) else None
    department = next((_text(item.get(key)) for key in ("worksFor", "affiliation", "memberOf") if item.get(key)), None)
    profile_url = absolute_http(url, _text(item.get("url")))
    if profile_url and not same_site(profile_url, url):
        profile_url = None  # a page may speak only for its own site's people
    person = Person(
        name=name,
        title=_text(item.get("jobTitle") or item.get("job-title") or item.get("role")),
        email=email,
        phone=_text(item.get("telephone") or item.get("tel")),
        interests=_phrases(item.get("knowsAbout") or item.get("category") or []),
        profile_url=profile_url,
        photo_url=absolute_http(url, _text(item.get("image") or item.get("photo"))),
        department=department,
        other_names=others,
        strategy=syntax,
    )
    for field_name in ("name", "title", "email", "interests", "profile_url"):
        if getattr(person, field_name):
            person.note(field_name, f"{syntax} Person markup")
    return person
