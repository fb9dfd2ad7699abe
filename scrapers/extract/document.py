"""One page, parsed once with lxml: its tree, its main content, its chrome, and the text helpers
every reader uses. Nothing here knows about people."""
import json
import re
from bisect import bisect_left
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from scrapers.fields.emails import at_image
from scrapers.text import UNCLEAN, clean

PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, collect_ids=False)
DROPPED = ("script", "style", "template", "svg", "iframe", "object", "canvas", "select", "button", "math")
EDIT_CONTROLS = frozenset({"mw-editsection", "editsection", "edit-link", "post-edit-link"})
BLOCK_TAGS = frozenset("""address article aside blockquote caption center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td
    tfoot th thead tr ul br""".split())
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary", "menubar", "menu"})
CHROME_TOKENS = frozenset("""nav navbar navigation menu main-menu mainmenu megamenu mega-menu menubar breadcrumb
    breadcrumbs footer site-footer page-footer global-footer site-header page-header-nav masthead sidebar side-bar
    cookie cookies cookie-banner cookie-notice skip-link skiplinks skip-links share social social-links sharing
    share-buttons topbar top-bar language-switcher lang-switch languages langswitch searchbox search-form
    site-search quicklinks quick-links toolbar utility-nav""".split())
CONTENT_SELECTORS = ("//main", "//*[@role='main']", "//*[@id='main-content']", "//*[@id='content']", "//*[@id='main']",
                     "//*[contains(concat(' ', normalize-space(@class), ' '), ' main-content ')]", "//*[@id='primary']",
                     "//*[@id='page-content']", "//*[contains(concat(' ', normalize-space(@class), ' '), ' content ')]")
BREADCRUMB = re.compile(r"breadcrumb", re.I)
TABLE_PARTS = frozenset({"tr", "th", "td", "thead", "tbody", "tfoot", "caption", "colgroup"})  # a header row is no box
BOX_SIZES = (30, 3000)  # characters of text an element needs to be a box the site repeats


def parse(html):
    """An lxml tree for any string, however broken; comments (people commented out) are gone."""
    data = UNCLEAN.sub("", html or "").encode("utf-8", "replace")
    try:
        root = lxml_html.document_fromstring(data, parser=PARSER)
    except (etree.ParserError, ValueError):
        root = None
    if root is None or not isinstance(root.tag, str):
        root = lxml_html.document_fromstring(b"<html><body></body></html>", parser=PARSER)
    return root


@lru_cache(maxsize=65536)
def absolute_http(base, href):
    """An absolute http(s) URL for ``href`` or None: scraped links are http(s) only (pages ask many times)."""
    if not href:
        return None
    try:
        url = urljoin(base, clean(href)).split("#")[0]
        parts = urlsplit(url)
        parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def malformed(base, href):
    """Whether a link is broken: not mail, phone, script or a fragment, and no http(s) URL comes of it."""
    href = (href or "").strip().lower()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "ftp:", "sms:", "callto:")):
        return False
    if "://" in href and not href.startswith(("http://", "https://")):
        return False  # another scheme (webcal:, ...): not ours to judge
    return absolute_http(base, href) is None


def _stands_for_at(img):
    """An image between a user name and a domain that stands for the @ sign (see emails.at_image)."""
    before = img.getprevious().tail if img.getprevious() is not None else img.getparent().text
    hint = " ".join(filter(None, (img.get("src"), img.get("alt"), img.get("title"))))
    return at_image(before or "", hint, img.tail or "")


class Document:
    """A parsed page: head facts (robots, canonical, alternates, JSON-LD), chrome marks and main content."""

    def __init__(self, html, url, site=None):
        self.url = url
        self.root = parse(html)
        self._texts = {}
        head = self.root.find("head")
        self.title = clean(head.findtext("title")) if head is not None else ""
        self.lang = (self.root.get("lang") or "").split("-")[0].lower() or None
        self.json_ld = [el.text_content() for el in self.root.iter("script")
                        if (el.get("type") or "").strip().lower() == "application/ld+json"]
        self.robots = {token.strip().lower() for el in self.root.iter("meta")
                       if (el.get("name") or "").lower() in ("robots", "googlebot")
                       for token in (el.get("content") or "").split(",")}
        self.canonical, self.alternates = None, []
        for link in self.root.iter("link"):
            rel = (link.get("rel") or "").lower().split()
            target = absolute_http(url, link.get("href"))
            if target and "canonical" in rel:
                self.canonical = self.canonical or target
            elif target and "alternate" in rel and link.get("hreflang"):
                self.alternates.append(target)
        self.og_title = next((clean(m.get("content")) for m in self.root.iter("meta")
                              if (m.get("property") or "").lower() == "og:title"), "")
        for el in [el for el in self.root.iter(*DROPPED)]:
            el.drop_tree()
        edit_controls = [el for el in self.root.iter("span", "a", "div")
                         if EDIT_CONTROLS & set((el.get("class") or "").split())]
        for el in edit_controls:
            el.drop_tree()  # a wiki's '[modifier]' beside each heading
        for el in [el for el in self.root.iter("noscript")]:  # what a reader without scripts sees is kept
            if el.getparent() is None or not (el.text_content() or "").strip():
                continue
            el.text, el.tail = " " + (el.text or ""), " " + (el.tail or "")  # read apart from a link beside it
            el.drop_tag()
        for img in [img for img in self.root.iter("img") if _stands_for_at(img)]:
            img.tail = "@" + (img.tail or "")
        # Links no reader could follow ('http://[oops/', a port of 99999), counted for the curator.
        self.malformed_links = sum(1 for a in self.root.iter("a") if malformed(url, a.get("href")))
        self.body = self.root.find("body")
        if self.body is None:
            self.body = self.root
        for el in self.body.iter():  # blocks read apart, as a browser shows them ("Office" "office@uni")
            if el.tag in BLOCK_TAGS:
                el.text = " " + el.text if el.text else " "
                el.tail = " " + el.tail if el.tail else " "
        self.order = {el: number for number, el in enumerate(self.body.iter())}
        self.chrome = self._mark_chrome()
        if site is not None:
            self._mark_site_boxes(site)
        self.content = self._main_content()

    # -- structure -----------------------------------------------------------------

    def _mark_chrome(self):
        """Every element inside site chrome: menus, banners, footers, sidebars, cookie notices."""
        roots = []
        for el in self.body.iter():
            if not isinstance(el.tag, str):
                continue
            role = (el.get("role") or "").lower()
            tokens = set((el.get("class") or "").lower().split()) | {(el.get("id") or "").lower()}
            if el.tag in ("header", "footer"):
                if any(a.tag in ("article", "main", "li", "td") or (a.get("role") or "") == "main"
                       for a in el.iterancestors()):
                    continue  # a card's or the main content's own header or footer
            elif el.tag == "aside":
                if any(a.tag in ("article", "li", "td") for a in el.iterancestors()):
                    continue  # a card's aside; a sidebar beside the content is chrome
            elif el.tag == "form":
                inputs = [i for i in el.iter("input") if (i.get("type") or "text").lower() not in ("hidden", "submit")]
                if not inputs or len(self.text(el)) > 400:
                    continue  # a page-wide form (ASP.NET, CMS templates) holds the content
            elif not (el.tag == "nav" or role in CHROME_ROLES or tokens & CHROME_TOKENS):
                continue
            roots.append(el)
        self.breadcrumb = self._last_breadcrumb()
        marked = set()
        for el in roots:
            if el not in marked:
                marked.update(el.iter())
        return marked

    def _mark_site_boxes(self, site):
        """Boxes every page of the site repeats word for word (a contact box, a secretariat) are chrome too."""
        for el in self.body.iter():
            if (isinstance(el.tag, str) and el.tag not in TABLE_PARTS and el not in self.chrome
                    and site.is_template_block(self.text(el))):
                self.chrome.update(el.iter())

    def blocks(self):
        """The longer texts of the page's elements (hashed), for finding the boxes every page repeats."""
        return {hash(text.casefold()) for el in self.body.iter() if isinstance(el.tag, str)
                and BOX_SIZES[0] <= len(text := self.text(el)) <= BOX_SIZES[1]}

    def _last_breadcrumb(self):
        for el in self.body.iter():
            if isinstance(el.tag, str) and BREADCRUMB.search((el.get("class") or "") + " " + (el.get("id") or "")
                                                             + " " + (el.get("aria-label") or "")):
                items = [self.text(i) for i in el.iter("li", "a", "span") if self.text(i)]
                return items[-1] if items else None
        return None

    def _main_content(self):
        chrome_roots = [el for el in self.chrome if el.getparent() is not None and el.getparent() not in self.chrome]
        body_text = len(self.text(self.body)) - sum(len(self.text(el)) for el in chrome_roots)
        for selector in CONTENT_SELECTORS:
            for found in self.body.xpath(selector):
                if found not in self.chrome and len(self.text(found)) >= max(40, 0.25 * body_text):
                    return found
        articles = self.body.findall(".//article")
        if len(articles) == 1 and len(self.text(articles[0])) >= max(40, 0.25 * body_text):
            return articles[0]
        return self.body

    def in_chrome(self, el):
        return el in self.chrome

    def elements(self, tags=None, root=None):
        """Elements under ``root`` (default: the main content) that are not chrome, in document order."""
        root = self.content if root is None else root
        for el in (root.iter(*tags) if tags else root.iter()):
            if isinstance(el.tag, str) and el not in self.chrome:
                yield el

    # -- text ------------------------------------------------------------------------

    def text(self, el):
        """The element's text on one line (cached: elements are asked many times)."""
        found = self._texts.get(el)
        if found is None:
            found = self._texts[el] = clean(el.text_content()) if isinstance(el.tag, str) else ""
        return found

    def own_text(self, el):
        """Text written directly in the element, not in its children."""
        return clean(" ".join([el.text or ""] + [child.tail or "" for child in el]))

    def before(self, a, b):
        return self.order.get(a, -1) < self.order.get(b, -1)

    def headings(self):
        """(document position, element) of every heading-like element, in order, cached."""
        if not hasattr(self, "_headings"):
            self._headings = [(self.order[el], el) for el in self.body.iter(*HEADING_TAGS) if el in self.order]
        return self._headings

    def heading_before(self, el, levels=HEADING_TAGS):
        """The nearest heading before ``el`` in document order."""
        position = self.order.get(el, 0)
        headings = self.headings()
        index = bisect_left(headings, position, key=lambda h: h[0]) - 1
        while index >= 0:
            heading = headings[index][1]
            if heading.tag in levels and heading not in self.chrome:
                return heading
            index -= 1
        return None

    def units(self):
        """The short texts of the page (casefolded), for finding what every page of a site repeats."""
        found = set()
        for el in self.body.iter():
            if isinstance(el.tag, str) and (el.text or "").strip():
                text = self.text(el)
                if 0 < len(text) <= 150:
                    found.add(text.casefold())
        return found

    def json_ld_items(self):
        for raw in self.json_ld:
            try:
                yield json.loads(raw, strict=False)
            except (ValueError, RecursionError):
                continue


FIELD_TAGS = frozenset({"span", "a", "small", "em", "strong", "b", "i"})


def _next_field(node):
    """An inline element with a class of its own right after another ('<span class="wr_1">교수</span><span
    class="wr_2">건축구조</span>'): the next field of a card, read as a line of its own."""
    before = node.getprevious()
    return (node.tag in FIELD_TAGS and before is not None and before.tag in FIELD_TAGS and bool(node.get("class"))
            and bool(before.get("class")) and before.get("class") != node.get("class")
            and not (before.tail or "").strip())


class Line:
    """One line of a block's text, with the block element it sits in and the inline element it starts
    with (a label in <strong>, a name in <a>), so readers can tell labels and headings from values."""

    __slots__ = ("text", "element", "lead")

    def __init__(self, text, element, lead):
        self.text, self.element, self.lead = text, element, lead

    @property
    def is_heading(self):
        return self.element is not None and self.element.tag in HEADING_TAGS

    def __repr__(self):
        return f"Line({self.text!r})"


class Block:
    """The part of a page that speaks of one person: one element (a card, a row) or a run of siblings
    (a definition term and its descriptions; a name in bold and the lines after it)."""

    def __init__(self, doc, elements, tails=False):
        self.doc, self.elements, self.tails = doc, list(elements), tails
        self._lines = None

    @property
    def first(self):
        return self.elements[0]

    def iter(self, *tags):
        for el in self.elements:
            for inner in (el.iter(*tags) if tags else el.iter()):
                if isinstance(inner.tag, str):
                    yield inner

    def contains(self, el):
        return any(el is top or top in el.iterancestors() for top in self.elements)

    def text(self):
        parts = [self.doc.text(el) for el in self.elements]
        if self.tails:
            parts = [p for el in self.elements for p in (self.doc.text(el), clean(el.tail))]
        return clean(" ".join(parts))

    def lines(self):
        """The block's text as :class:`Line` s: block elements and <br> break lines; chrome is left out.
        Worked out once: every field reader asks."""
        if self._lines is None:
            self._lines = self._read_lines()
        return self._lines

    def _read_lines(self):
        lines, words, start, lead = [], [], None, None

        def flush():
            text = clean("".join(words))
            if text:
                lines.append(Line(text, start, lead))
            words.clear()

        skip = None
        for el in self.elements:
            for event, node in etree.iterwalk(el, events=("start", "end")):
                if not isinstance(node.tag, str):
                    continue
                if skip is not None:
                    if event == "end" and node is skip:
                        skip = None
                        if node is not el or self.tails:
                            words.append(node.tail or "")
                    continue
                if event == "start":
                    if node in self.doc.chrome and node is not el:
                        skip = node
                        continue
                    if node.tag in BLOCK_TAGS or _next_field(node):
                        flush()
                        start, lead = node, None
                    elif not clean("".join(words)) and lead is None and node.tag != "img":
                        lead = node
                    words.append(node.text or "")
                else:
                    if node.tag in BLOCK_TAGS:
                        flush()
                        start, lead = node.getparent(), None
                    if node is not el or self.tails:
                        words.append(node.tail or "")
            flush()
            start, lead = None, None
        return lines

    def anchors(self):
        return [a for a in self.iter("a") if a.get("href")]

    def __len__(self):
        return len(self.text())
