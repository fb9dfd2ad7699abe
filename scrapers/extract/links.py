"""Links a page gives the crawl: more pages of a listing (next, page numbers, A–Z letters, tabs), the
same page in other languages, and the shape (template) of a site's profile URLs."""
import re
from urllib.parse import parse_qsl, urlsplit

from scrapers import vocabulary as vocab
from scrapers.extract.document import absolute_http
from scrapers.scope import same_site
from scrapers.text import clean

DIGITS = re.compile(r"\d+")
LETTER = re.compile(r"[A-ZÄÖÜÅÆØÑ]|[A-Z]\s?[-–]\s?[A-Z]|[А-ЯЁ]|[ㄱ-ㅎ가-힣]|[あ-んア-ン]行?")
TABS = re.compile(r"(?:^|[\s_-])(?:tabs?|tablist|nav-tabs|tab-nav|pills|alphabet|alfabeto|az|a-z|letters|abc|filter)"
                  r"(?:$|[\s_-])", re.I)
PAGE_NUMBER = re.compile(r"\d{1,3}|[‹«<>»›→←]+|\.\.\.|…")


def url_template(url):
    """The shape of a URL with its varying part blanked: '/people/anna-weber' -> '/people/*',
    'individual.php?NUM=24' -> 'individual.php?NUM=*', '/info/1032/5678.htm' -> '/info/#/#.htm'."""
    parts = urlsplit(url)
    segments = [DIGITS.sub("#", s) for s in parts.path.rstrip("/").split("/")]
    query = sorted(k for k, _v in parse_qsl(parts.query, keep_blank_values=True))
    if query:
        return f"{parts.hostname}{'/'.join(segments)}?{'&'.join(k + '=*' for k in query)}"
    if segments and segments[-1]:
        last = segments[-1]
        segments[-1] = "*" + last[last.rfind("."):] if "." in last else "*"
    return f"{parts.hostname}{'/'.join(segments)}"


def pagination_links(doc, next_selector_links=()):
    """Links to more pages of a listing: next links, page numbers, A–Z letters, offsets, tabs."""
    found = list(next_selector_links)
    for link in doc.root.iter("link"):
        if "next" in (link.get("rel") or "").lower().split():
            found.append(link.get("href"))
    for anchor in doc.body.iter("a"):
        href = anchor.get("href")
        if not href or href.startswith("#"):
            continue
        text = doc.text(anchor)
        rel = (anchor.get("rel") or "").lower().split()
        try:
            query = dict(parse_qsl(urlsplit(href).query))
        except ValueError:
            continue
        if ("next" in rel or (text and vocab.NEXT_WORDS.fullmatch(text)) or PAGE_NUMBER.fullmatch(text or "-")
                or LETTER.fullmatch(text or "-") or in_tabs(anchor)
                or (set(k.lower() for k in query) & vocab.PAGE_PARAMETERS and len(text.split()) <= 3)):
            found.append(href)
    found += query_siblings(doc)
    urls = []
    for href in found:
        target = absolute_http(doc.url, href)
        if target and urlsplit(target).hostname == urlsplit(doc.url).hostname and target != doc.url:
            urls.append(target)
    return list(dict.fromkeys(urls))


def group_links(doc):
    """Links in a listing's own content to the list of another group of its people ('Voir la liste des
    doctorants', 'Emeriti', 'PhD students'): more of the same listing, kept on a page of its own."""
    found = []
    for anchor in doc.elements(["a"]):
        text = doc.text(anchor)
        if text and len(text.split()) <= 6 and vocab.GROUP_WORDS.search(text) and anchor.get("href"):
            found.append(absolute_http(doc.url, anchor.get("href")))
    return [u for u in dict.fromkeys(found) if u and u != doc.url and same_site(u, doc.url)]


def query_siblings(doc):
    """Links to this same page with another value of one query parameter (?skupina=2, ?bm=3, ?dept=x):
    a listing split over tabs or filters, whatever the parameter is called. Two or more are needed."""
    here = urlsplit(doc.url)
    by_keys = {}
    for anchor in doc.body.iter("a"):
        target = absolute_http(doc.url, anchor.get("href"))
        if not target:
            continue
        parts = urlsplit(target)
        if parts.hostname == here.hostname and parts.path == here.path and parts.query:
            keys = tuple(sorted(k for k, _v in parse_qsl(parts.query)))
            if len(keys) == 1:
                by_keys.setdefault(keys, []).append(target)
    return [u for urls in by_keys.values() if len(set(urls)) >= 2 for u in urls]


def in_tabs(anchor):
    """A link in a row of tabs (or letter filters) that splits one listing over pages."""
    for count, el in enumerate(anchor.iterancestors()):
        if count > 3:
            return False
        marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
        if marks and TABS.search(marks):
            return True
    return anchor.get("role") == "tab"


TAB_ROW = frozenset({"tabs", "tablist", "nav-tabs", "tab-nav", "tab-menu", "tabmenu", "tab-list", "tabnav", "tabs-nav",
                     "nav-pills"})


def is_tab_link(anchor):
    """A link in a row of tabs itself ('Professuren | Ehemalige': a list whose class or role says tabs),
    not a link inside a tab's panel."""
    if anchor.get("role") == "tab":
        return True
    for count, el in enumerate(anchor.iterancestors()):
        if count > 2:
            return False
        marks = {*(el.get("class") or "").lower().split(), (el.get("role") or "").lower()}
        if el.tag in ("ul", "ol", "nav") and marks & TAB_ROW:
            return True
    return False


def alternate_links(doc):
    """The same page in other languages: hreflang alternates and language-switcher links on the same site."""
    found = list(doc.alternates)
    for anchor in doc.body.iter("a"):
        text = clean(doc.text(anchor)).casefold()
        if (anchor.get("hreflang") or (text and text in vocab.LANGUAGE_SWITCH)) and anchor.get("href"):
            found.append(absolute_http(doc.url, anchor.get("href")))
    return [u for u in dict.fromkeys(found) if u and u != doc.url and same_site(u, doc.url)]
