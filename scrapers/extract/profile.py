"""The person a profile page is about. The name comes first: the name a listing gave the link (found
wherever the page writes it), else a heading, a name-like element, the page title or the last breadcrumb;
what every page of the site repeats (menus, a contact box) is never the person."""
import re

from scrapers.extract.document import Block, absolute_http
from scrapers.extract.model import Person
from scrapers.extract.person_block import TITLE_CLASS, fill_from_block
from scrapers.fields.labels import labelled_value
from scrapers.fields.names import name_in, name_key, names_in, same_name, title_and_name
from scrapers.fields.titles import clean_title
from scrapers.text import clean

NAME_CLASSES = re.compile(r"(?:^|[\s_-])(?:name|fullname|full-name|nameplate|person|profile-title|staff-name|"
                          r"persondetail|person-name|author|teacher-name|faculty-name|researcher|page-title)(?:$|[\s_-])",
                          re.I)
TITLE_SEPARATORS = re.compile(r"\s+[|–—·:»\-]\s+|\s*[|｜_]\s*")
PHOTO_HINTS = re.compile(r"photo|portrait|profile|staff|avatar|headshot|foto|picture|person|teacher|faculty|pic", re.I)


def page_person(doc, context):
    """The page's own person, or None when the page is not a profile."""
    hints = context.hints
    name_el, name, others = find_name(doc, hints, context)
    if name is None:
        return None, None
    person = Person(name=name, other_names=others, strategy="profile", profile_url=doc.url)
    person.note("name", describe(name_el, hints))
    title_hint = None
    if name_el is not None:
        title_hint = title_and_name(doc.text(name_el))[0]
    region = Block(doc, [doc.content])
    fill_from_block(doc, person, region, name_el, context, title_hint=title_hint)
    person.profile_url = doc.url
    person.note("profile_url", "the page itself")
    near = title_near(doc, name_el, person.name)
    if near and (not person.title or person.evidence.get("title") == "title-like line"):
        person.title = near
        person.note("title", "title-like line after the name")
    person.photo_url = photo(doc, person.name) or person.photo_url
    # A page no listing pointed to needs more than a title to be someone's profile.
    if not (person.email or person.interests or hints or (person.title and (person.phone or person.department))):
        return None, None
    return person, name_el


def describe(el, hints):
    where = f"<{el.tag} class={el.get('class')!r}>" if el is not None else "page title or breadcrumb"
    return ("the name the listing gave this page, found in " if hints else "") + where


def find_name(doc, hints, context):
    """(element, name, other forms) of the page's person."""
    template = context.site.is_template
    if hints:
        for el in prominent_elements(doc, deep=True):
            text = doc.text(el)
            if len(text) <= 150 and not template(text) and any(contains_name(text, hint) for hint in hints):
                found, others = names_in(text, loose=True)
                # The listing's form names the person (it is what the listing's record says); the page's
                # own form, when it differs ('J. Alawatugoda' for 'Janaka Alawatugoda'), is another. The same
                # words spelt better on the page (accents a capitalised listing lost) are the page's.
                name = found if found and name_key(found) == name_key(hints[0]) else hints[0]
                others = [o for o in [found, hints[0], *others] if o and o != name]
                return el, name, others
        return None, hints[0], []
    labelled = labelled_value(Block(doc, [doc.content]).lines(), "name")
    if labelled:  # "Imię i nazwisko: prof. dr hab. inż. Jan Kowalski", "氏名：山田 太郎"
        name, others = names_in(labelled)
        if name:
            return None, name, others
    for el in prominent_elements(doc):
        text = doc.text(el)
        if not text or len(text) > 120 or template(text):
            continue
        name, others = names_in(text)
        if name is None:
            name = title_and_name(text)[1]
        if name:
            return el, name, others
    for text in title_parts(doc):
        if not template(text):
            name, others = names_in(text)
            if name:
                return None, name, others
    return None, None, []


def prominent_elements(doc, deep=False):
    """Where pages put the person's name, most likely first: headings, then name-like elements."""
    seen = set()
    for tags in (("h1",), ("h2",)):
        for el in list(doc.elements(tags))[:4]:
            seen.add(el)
            yield el
    for el in doc.elements():
        if el in seen:
            continue
        marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("itemprop"))))
        if marks and NAME_CLASSES.search(marks) and len(doc.text(el)) <= 120:
            seen.add(el)
            yield el
    if deep:  # looking for a name a listing gave: it may be anywhere
        for el in list(doc.elements(("h3", "strong", "b", "td", "th", "span", "div", "p")))[:400]:
            if el not in seen:
                yield el


def title_parts(doc):
    """The page title's parts ('Anna Weber | Chemistry | Uni X'), the last breadcrumb and og:title."""
    parts = []
    for text in (doc.title, doc.og_title):
        parts.extend(p for p in TITLE_SEPARATORS.split(text or "") if p)
    if doc.breadcrumb:
        parts.insert(0, doc.breadcrumb)
    return parts


def contains_name(text, hint):
    """Whether ``text`` is, or holds, the name ``hint`` ('Prof. Roshan G. Ragel' holds 'Roshan G. Ragel')."""
    if same_name(text, hint):
        return True
    found = name_in(text, loose=True)
    if found and same_name(found, hint):
        return True
    return clean(hint).casefold() in clean(text).casefold() and len(text) <= len(hint) + 60


def title_near(doc, name_el, name):
    """A title-like line within the few lines after the name."""
    if name_el is None:
        return None
    for count, node in enumerate(name_el.itersiblings()):
        if count > 4 or not isinstance(node.tag, str):
            break
        value = clean_title(doc.text(node)) if len(doc.text(node)) <= 120 else None
        if value and not same_name(value, name):
            return value
    parent = name_el.getparent()
    if parent is not None:
        for el in parent.iter():
            classes = (el.get("class") or "").lower()
            if el is not name_el and TITLE_CLASS.search(classes):
                value = clean_title(doc.text(el))
                if value:
                    return value
    return None


def photo(doc, name):
    last = name.split()[-1].lower() if name.split() else name
    for image in doc.elements(("img",)):
        hints = " ".join([image.get("alt") or "", image.get("class") or "", image.get("src") or ""])
        if image.get("src") and (last in hints.lower() or PHOTO_HINTS.search(hints)):
            return absolute_http(doc.url, image.get("src"))
    return None
