"""Extraction of people from department pages, in any layout or language.

A page is parsed once (document.py). Its people come from structured markup (markup.py), from listings:
staff tables and repeated person-like blocks (listing.py), and from the page's own person on a profile
(profile.py); the field readers for names, emails, titles, interests and phones are in scrapers/fields/,
their words in scrapers/words/. A site is read as a whole (extract_site): what every page repeats is
chrome, and the name a listing gives a link is the name to look for on the page it links to.
Everything returned is plain text; no markup survives.
"""
import logging
from dataclasses import dataclass, field

from scrapers.extract.document import Document
from scrapers.extract.links import alternate_links, group_links, pagination_links
from scrapers.extract.listing import listing_people
from scrapers.extract.markup import structured_people
from scrapers.extract.model import PageResult, Person
from scrapers.extract.override import override_people
from scrapers.extract.profile import page_person
from scrapers.extract.site import NO_SITE, SiteModel, settle
from scrapers.fields.emails import domain_note, stand_in_for_at
from scrapers.fields.names import name_key, same_name

__all__ = ["extract", "extract_site", "Person", "PageResult", "SiteModel"]
log = logging.getLogger(__name__)


@dataclass
class Context:
    """What extraction knows beyond the page: the site's repeated text, the names listings gave this
    page, the source's country and language, and the page's notes on how it writes emails."""
    site: SiteModel = field(default_factory=lambda: NO_SITE)
    hints: list = field(default_factory=list)
    country: str = None
    language: str = None
    stand_in: str = None
    domain: str = None


def extract(html, url, selectors=None, site=None, country=None, language=None, learn_into=None):
    """People and links to follow from one page (``site``: what the rest of the site taught). With
    ``learn_into`` (a SiteModel), the page also teaches that model, as a crawl does page by page."""
    doc = Document(html, url, site)
    result = extract_document(doc, html, selectors, site or NO_SITE, country, language)
    if learn_into is not None:
        learn_into.learn(doc, result)
    return result


def extract_document(doc, html, selectors=None, site=NO_SITE, country=None, language=None):
    result = PageResult()
    result.noindex = bool(doc.robots & {"noindex", "none"})
    result.nofollow = bool(doc.robots & {"nofollow", "none"})
    result.canonical = doc.canonical
    result.language = doc.lang
    result.malformed_links = doc.malformed_links
    page_text = doc.text(doc.body)
    hints = site.hints.get(doc.url, []) + (site.hints.get(doc.canonical, []) if doc.canonical else [])
    hints = list(dict.fromkeys(hints))
    context = Context(site=site, hints=hints, country=country, language=language or doc.lang,
                      stand_in=stand_in_for_at(page_text), domain=domain_note(page_text))
    structured = structured_people(doc, html)
    next_selected = []
    if selectors:
        people, profile_links, next_selected = override_people(html, doc.url, selectors)
        person = None
    else:
        person, _name_el = page_person(doc, context)
        people, profile_links = listing_people(doc, context)
        if person is not None and not hints and people:
            if any(same_name(person.name, p.name) for p in people) or len(people) >= 3:
                person = None  # the "profile" heading is one card of a listing, or the page lists a team
    if person is not None:
        # The page's own person; others named on it are reached through their links.
        result.kind, people, profile_links = "profile", [person], []
        result.alternate_links = alternate_links(doc)
    elif people:
        result.kind = "listing"
    people = combine(structured, people, doc.url)
    if len(structured) >= 2:
        result.kind = "listing"
    result.people = people
    linked = profile_links + [p.profile_url for p in structured if p.profile_url]
    result.profile_links = [u for u in dict.fromkeys(linked) if u != doc.url]
    result.listing_links = pagination_links(doc, next_selected)
    if result.kind == "listing":
        result.listing_links += [u for u in group_links(doc) if u not in result.listing_links]
    if not people:
        result.notes = explain_nobody(doc, context)
    return result


def combine(structured, found, url):
    """Merge markup people with heuristic people: structured data wins, heuristics fill gaps. The same
    person is the same email, or the same link and name, or (with neither) the same name."""
    people, by_email, by_link, by_name = [], {}, {}, {}
    for person in structured + found:
        key = name_key(person.name)
        match = by_email.get(person.email) if person.email else None
        if match is None and person.profile_url:
            match = by_link.get((person.profile_url, key))
        if match is None:
            match = by_name.get(key)
            if match is not None and ((match.email and person.email and match.email != person.email) or (
                    match.profile_url and person.profile_url and match.profile_url != person.profile_url)):
                match = None  # namesakes with their own addresses are two people
        if match is None:
            people.append(person)
            match = person
        else:
            match.merge(person)
        link = (match.profile_url, key) if match.profile_url else None
        for index, value in ((by_email, match.email), (by_link, link), (by_name, key)):
            if value:
                index.setdefault(value, match)
    return people


def explain_nobody(doc, context):
    """Why a page gave nobody, for `directory preview --explain`."""
    notes = [f"main content: <{doc.content.tag} id={doc.content.get('id')!r} class={doc.content.get('class')!r}>"
             f" ({len(doc.text(doc.content))} characters); {len(doc.chrome)} elements taken for menus and chrome"]
    headings = [doc.text(h) for h in doc.elements(("h1", "h2"))][:3]
    notes.append("profile: no name found in h1/h2 " + repr(headings) + ", name-like elements, the title "
                 f"{doc.title!r} or the breadcrumb" if not context.hints else
                 f"profile: the listing's name {context.hints[0]!r} was not found with an email, title or interests")
    notes.append("listing: no group of two or more elements in one place of the page reads as names with a link, "
                 "email or title beside them, and no table has a name column")
    return notes


def extract_site(pages, selectors=None, country=None, language=None, site=None):
    """Read a site's pages together. ``pages`` is a function returning an iterable of (url, html) (it is
    called twice: once to learn the site, once to read it); ``site`` is what a crawl already learnt
    (pages it learnt from are not read twice). Returns {url: PageResult}, None for a page extraction
    failed on (logged), with what the pages say of each other settled (see site.settle)."""
    site = site or SiteModel()
    for url, html in pages():
        if url in site.learned:
            continue
        try:
            doc = Document(html, url)
            site.learn(doc, extract_document(doc, html, selectors, NO_SITE, country, language))
        except Exception:  # noqa: BLE001 - one page's bad markup must not stop the site's reading
            log.exception("extraction failed on %s", url)
    results = {}
    for url, html in pages():
        try:
            results[url] = extract(html, url, selectors, site, country, language)
        except Exception:  # noqa: BLE001
            log.exception("extraction failed on %s", url)
            results[url] = None
    settle(results, language)
    return results
