"""People found with a source's own CSS selectors, for the rare site the generic reading misses.
Beautiful Soup (soupsieve) reads the selectors, so curators get full CSS; they match anywhere in the
page, the element the page's content sits in included."""
import soupsieve
from bs4 import BeautifulSoup

from scrapers.extract.document import absolute_http
from scrapers.extract.model import Person
from scrapers.fields.emails import EMAIL, deobfuscate, from_mailto
from scrapers.fields.interests import merge_phrases, split_phrases
from scrapers.fields.names import strip_honorifics
from scrapers.text import clean


def _text(node):
    return clean(node.get_text(" ")) if node is not None else ""


def select(root, css):
    """Elements matching ``css`` under ``root``, ``root`` itself included."""
    found = soupsieve.select(css, root)
    return ([root] if soupsieve.match(css, root) else []) + found


def override_people(html, url, selectors):
    """(people, profile links, next-page links) found with the source's selectors."""
    soup = BeautifulSoup(html, "lxml")
    for node in soup(["script", "style", "template"]):
        node.decompose()
    root = soup.body or soup
    people, links = [], []
    for block in select(root, selectors.get("person", "body")):
        name_node = next(iter(select(block, selectors["name"])), None) if "name" in selectors else None
        name = strip_honorifics(_text(name_node)) if name_node is not None else None
        if not name:
            continue
        person = Person(name=name, strategy="override")
        person.note("name", f"selector {selectors['name']!r}")
        if "title" in selectors:
            person.title = _text(next(iter(select(block, selectors["title"])), None)) or None
        email_nodes = select(block, selectors["email"]) if "email" in selectors else [block]
        for node in email_nodes:
            address = next((from_mailto(a.get("href")) for a in [node, *node.find_all("a")] if a.get("href")), None)
            match = EMAIL.search(deobfuscate(_text(node)))
            person.email = address or (match.group(0).lower() if match else None)
            if person.email:
                break
        if "interests" in selectors:
            found = [p for n in select(block, selectors["interests"]) for p in split_phrases(_text(n))]
            person.interests = merge_phrases([], found)
        link_node = next(iter(select(block, selectors.get("profile_link", "a[href]"))), None)
        if link_node is not None:
            person.profile_url = absolute_http(url, link_node.get("href"))
            if person.profile_url:
                links.append(person.profile_url)
        people.append(person)
    anchors = select(root, selectors["next_page"]) if "next_page" in selectors else []
    next_links = [absolute_http(url, a.get("href")) for a in anchors]
    return people, links, [u for u in next_links if u]
