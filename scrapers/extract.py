"""Generic extraction of people from department pages, in any layout or language.

Strategies, strongest first: per-source CSS overrides, structured markup
(JSON-LD, microdata, RDFa, microformats), repeated person-like blocks in a
listing, and the main person of a profile page. Everything returned is plain
text; no markup survives.
"""
import html as html_lib
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from urllib.parse import parse_qsl, urljoin, urlsplit

import extruct
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from scrapers import vocabulary as vocab


@dataclass
class Person:
    name: str
    title: str = None
    email: str = None
    phone: str = None
    interests: list = field(default_factory=list)
    profile_url: str = None
    photo_url: str = None
    department: str = None
    strategy: str = None

    def merge(self, other):
        """Fold ``other`` (the same person) into this one, keeping the richest value of each field."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "interests":
                self.interests = merge_phrases(mine, theirs)
            elif f.name == "strategy":
                self.strategy = "+".join(dict.fromkeys(filter(None, f"{mine or ''}+{theirs or ''}".split("+"))))
            elif theirs and (not mine or (f.name in ("title", "department") and len(theirs) > len(mine))):
                setattr(self, f.name, theirs)
        return self


@dataclass
class PageResult:
    people: list = field(default_factory=list)
    profile_links: list = field(default_factory=list)
    listing_links: list = field(default_factory=list)
    noindex: bool = False
    nofollow: bool = False
    canonical: str = None
    kind: str = "other"  # listing, profile or other


# -- text helpers --------------------------------------------------------------

SPACE = re.compile(r"\s+")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")
PHONE = re.compile(r"(?:\+|\b00)?\(?\d[\d\s().\-/]{6,18}\d")
SPLIT_PHRASES = re.compile(r"[;；、，,]|\s[•·|]\s|\n")
LIST_CONJUNCTION = re.compile(r"\s+(?:and|und|et|y|e|en|ed|og|och)\s+", re.I)


def clean(text):
    return SPACE.sub(" ", text or "").strip()


def text_of(node):
    if node is None:
        return ""
    if isinstance(node, NavigableString):
        return clean(str(node))
    return clean(node.get_text(" "))


def deobfuscate(text):
    """Undo the common ways pages hide email addresses from harvesters."""
    text = re.sub(r"\s*[\[\(\{<]\s*(?:at|ät|arroba|chez|@)\s*[\]\)\}>]\s*", "@", text, flags=re.I)
    text = re.sub(r"\s*[\[\(\{<]\s*(?:dot|punkt|point|punto|ponto|\.)\s*[\]\)\}>]\s*", ".", text, flags=re.I)
    text = re.sub(r"(?<=\w)\s+(?:at|AT|arroba|chez)\s+(?=[\w-]+(?:\s+(?:dot|DOT)\s+|\.)\w)", "@", text)
    text = re.sub(r"(?<=\w)\s+(?:dot|DOT)\s+(?=\w)", ".", text)
    return text.replace("＠", "@").replace("．", ".")


def find_email(node):
    """The first email address in ``node``: mailto links, then (de-obfuscated) text."""
    for link in node.select('a[href^="mailto:" i]'):
        address = link["href"][7:].split("?")[0].strip()
        if EMAIL.fullmatch(address):
            return address.lower()
    match = EMAIL.search(deobfuscate(text_of(node)))
    return match.group(0).lower().rstrip(".") if match else None


def find_phone(node):
    for link in node.select('a[href^="tel:" i]'):
        number = clean(link["href"][4:])
        if sum(ch.isdigit() for ch in number) >= 7:
            return number
    text = text_of(node)
    label = vocab.PHONE_LABEL.search(text)
    if label:
        match = PHONE.search(text, label.end())
        if match and match.start() - label.end() < 6:
            return clean(match.group(0))
    return None


def split_phrases(text):
    """Split an interests text into phrases, keeping commas inside parentheses."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch in "(（[" and 1 or 0
        depth -= ch in ")）]" and 1 or 0
        if depth <= 0 and SPLIT_PHRASES.match(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    phrases = [clean(p).strip(".。·-–—:： ") for p in parts]
    phrases = [p for p in phrases if p]
    # "a, b and c": the last item of a real list holds two phrases.
    if len(phrases) >= 2:
        tail = LIST_CONJUNCTION.split(phrases[-1])
        if len(tail) == 2 and all(tail):
            phrases[-1:] = tail
    return [p for p in phrases if 1 < len(p) <= 120]


def merge_phrases(first, second):
    seen, merged = set(), []
    for phrase in list(first or []) + list(second or []):
        key = phrase.casefold()
        if key not in seen:
            seen.add(key)
            merged.append(phrase)
    return merged


# -- names and titles ------------------------------------------------------------

def strip_honorifics(text):
    """Remove honorifics before a name and post-nominals after it."""
    text = clean(text).strip(",;:|-–— ")
    previous = None
    while previous != text:
        previous = text
        text = vocab.HONORIFIC_PREFIX.sub("", text).strip()
        text = vocab.HONORIFIC_SUFFIX.sub("", text).strip(" ,")
    return text


def looks_like_name(text):
    """Whether ``text`` (honorifics already removed) reads as a person's name."""
    if not text or len(text) > 60 or any(ch.isdigit() for ch in text) or "@" in text:
        return False
    if vocab.CJK.search(text):
        return vocab.looks_like_cjk_name(text)
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 5:
        return False
    if any(w.casefold().strip(".:") in vocab.NOT_NAME_WORDS for w in words):
        return False
    capitalised = 0
    for word in words:
        if word.lower() in vocab.NAME_PARTICLES:
            continue
        if not is_name_word(word):
            return False
        capitalised += 1
    return capitalised >= 2


def is_name_word(word):
    """A capitalised word of letters, hyphens, apostrophes or an initial's dot."""
    return word[0].isupper() and all(ch.isalpha() or ch in "-'’." for ch in word)


def name_in(text):
    """The name in a text like 'Prof. Dr. Anna Weber, PhD', or None."""
    name = strip_honorifics(text)
    return name if looks_like_name(name) else None


TITLE_THEN_UNIT = re.compile(r"^(.{3,80}?)\s*[,–—|]\s*(" + vocab.DEPARTMENT_LABEL.pattern + r"\b.{2,120})$", re.I)


def split_title(text):
    """'Professor, School of Engineering' -> ('Professor', 'School of Engineering')."""
    text = text.strip("–—-|·,:;()（）[] ")
    match = TITLE_THEN_UNIT.match(text)
    if match and looks_like_title(match.group(1)):
        return match.group(1), match.group(2)
    return text, None


def looks_like_title(text):
    return bool(text) and len(text) <= 120 and bool(vocab.TITLE_WORDS.search(text))


# -- page structure --------------------------------------------------------------

CHROME = "nav, footer, aside, [role=navigation], [role=contentinfo], [role=complementary], [role=search], form"


def parse(html):
    soup = BeautifulSoup(html, "lxml")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    return soup


def robots_meta(soup):
    content = " ".join(m.get("content", "") for m in soup.select('meta[name="robots" i], meta[name="googlebot" i]'))
    return {token.strip().lower() for token in content.split(",")}


def main_content(soup):
    """The page's main content with site chrome (menus, footers, sidebars) removed."""
    for node in soup.select("script, style, noscript, template, svg, iframe, " + CHROME):
        node.decompose()
    for selector in ("main", "[role=main]", "article", "#content", "#main", ".content", "#main-content"):
        found = soup.select_one(selector)
        if found is not None and len(text_of(found)) > 40:
            return found
    return soup.body or soup


def element_signature(node, depth=4):
    """A node's structural path (tags and classes of itself and a few ancestors)."""
    parts = []
    for element in [node, *node.parents][:depth]:
        if not isinstance(element, Tag) or element.name in ("[document]", "html"):
            break
        part = element.name + "." + ".".join(sorted(element.get("class", []))[:2])
        if element.name in ("td", "th"):  # table columns hold different things
            part += f":{len(element.find_previous_siblings(['td', 'th']))}"
        parts.append(part)
    return "/".join(parts)


def absolute_http(base, href):
    """An absolute http(s) URL for ``href`` or None: scraped links are http(s) only."""
    if not href:
        return None
    url = urljoin(base, href.strip()).split("#")[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


# -- strategies ------------------------------------------------------------------

def extract(html, url, selectors=None):
    """Extract people and links to follow from one page."""
    result = PageResult()
    soup = parse(html)
    directives = robots_meta(soup)
    result.noindex = bool(directives & {"noindex", "none"})
    result.nofollow = bool(directives & {"nofollow", "none"})
    canonical = soup.find("link", rel="canonical", href=True)
    result.canonical = absolute_http(url, canonical["href"]) if canonical else None
    structured = structured_people(html, url)
    # Pagination often sits in a <nav>, which main_content() strips as chrome.
    next_links = pagination_links(soup, url, (selectors or {}).get("next_page"))
    content = main_content(soup)

    if selectors:
        people, profile_links = override_people(content, url, selectors)
        person = None
    else:
        person = profile_person(content, url)
        people, profile_links = listing_people(content, url, single_ok=person is None)
        if person is not None and len(people) >= 2 and any(same_person(person, p) for p in people):
            person = None  # the "profile" heading is one card of a listing
    if person is not None:
        # The page's own person; others named on it are reached through their links.
        result.kind, people = "profile", [person]
    elif people:
        result.kind = "listing"
    people = combine(structured, people)
    if len(structured) >= 2:
        result.kind = "listing"
    result.people = people
    result.profile_links = [link for link in dict.fromkeys(profile_links) if link != url]
    result.listing_links = next_links
    return result


def combine(structured, found):
    """Merge markup people with heuristic people: structured data wins, heuristics fill gaps."""
    people = {}
    for person in structured + found:
        key = person.profile_url or person.email or person.name.casefold()
        match = next((p for k, p in people.items() if same_person(p, person)), None)
        if match is None:
            people[key] = person
        else:
            match.merge(person)
    return list(people.values())


def same_person(a, b):
    if a.email and b.email:
        return a.email == b.email
    if a.profile_url and b.profile_url and a.profile_url == b.profile_url:
        return True
    return clean(a.name).casefold() == clean(b.name).casefold()


def structured_people(html, url):
    """People described with schema.org (JSON-LD, microdata, RDFa) or h-card markup."""
    try:
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "rdfa", "microformat"],
                               uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 - malformed markup must never stop the page
        return []
    people = []
    for syntax, items in data.items():
        for item in _walk(items):
            item = _flatten_rdfa(item) if syntax == "rdfa" else item
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(str(t).rsplit("/", 1)[-1] in ("Person", "h-card") for t in types):
                person = _person_from_markup(item, url, syntax)
                if person is not None:
                    people.append(person)
    return people


def _walk(value):
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def _flatten_rdfa(item):
    flat = {}
    for key, values in item.items():
        short = key.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if key.startswith("http") else key
        if isinstance(values, list):
            values = [v.get("@value", v.get("@id")) if isinstance(v, dict) else v for v in values]
        flat[short] = values
    return flat


def _first_text(value):
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("value") or value.get("@value")
        return _first_text(value)
    if not value:
        return None
    text = str(value)
    return clean(BeautifulSoup(text, "lxml").get_text(" ") if "<" in text else html_lib.unescape(text))


def _phrases(value):
    values = value if isinstance(value, list) else [value]
    phrases = []
    for item in values:
        text = _first_text(item)
        if text:
            phrases.extend(split_phrases(text))
    return phrases


def _person_from_markup(item, url, syntax):
    name = name_in(_first_text(item.get("name")) or "") or strip_honorifics(_first_text(item.get("name")) or "")
    if not name:
        return None
    email = _first_text(item.get("email"))
    if email and email.lower().startswith("mailto:"):
        email = email[7:]
    email = email if email and EMAIL.fullmatch(email) else None
    department = None
    for key in ("worksFor", "affiliation", "memberOf"):
        if item.get(key):
            department = _first_text(item.get(key))
            break
    return Person(
        name=name,
        title=_first_text(item.get("jobTitle") or item.get("job-title") or item.get("role")),
        email=email.lower() if email else None,
        phone=_first_text(item.get("telephone") or item.get("tel")),
        interests=_phrases(item.get("knowsAbout") or item.get("category") or []),
        profile_url=absolute_http(url, _first_text(item.get("url"))),
        photo_url=absolute_http(url, _first_text(item.get("image") or item.get("photo"))),
        department=department,
        strategy=syntax,
    )


def override_people(content, url, selectors):
    """People found with a source's own CSS selectors (for the rare site the generic method misses)."""
    people, links = [], []
    for block in content.select(selectors.get("person", "body")):
        name_node = block.select_one(selectors["name"]) if "name" in selectors else None
        name = strip_honorifics(text_of(name_node)) if name_node else None
        if not name:
            continue
        person = Person(name=name, strategy="override")
        if "title" in selectors:
            person.title = text_of(block.select_one(selectors["title"])) or None
        email_node = block.select_one(selectors["email"]) if "email" in selectors else block
        person.email = find_email(email_node) if email_node else None
        if "interests" in selectors:
            person.interests = merge_phrases([], [p for n in block.select(selectors["interests"]) for p in split_phrases(text_of(n))])
        link_node = block.select_one(selectors.get("profile_link", "a[href]"))
        if link_node is not None:
            person.profile_url = absolute_http(url, link_node.get("href"))
            if person.profile_url and not person.profile_url.startswith("mailto"):
                links.append(person.profile_url)
        people.append(person)
    return people, links


NAME_CARRIERS = ["a", "h2", "h3", "h4", "h5", "h6", "strong", "b", "td", "th", "dt", "span", "div", "p", "li"]


def listing_people(content, url, single_ok=False):
    """People in repeated person-like blocks: table rows, cards, list items.

    With ``single_ok``, a lone name linking to a profile in a list or table also
    counts (A-Z pages often hold one person per letter)."""
    candidates = defaultdict(list)
    carriers = content.find_all(NAME_CARRIERS)
    texts = {id(node): text_of(node) for node in carriers}
    # Only the innermost element that carries the name counts: walk up from each carrier and set aside
    # the ones around it with the same text (one walk per node, so deep nesting stays cheap).
    outer = set()
    for node in carriers:
        for parent in node.parents:
            if id(parent) in texts:
                if texts[id(parent)] != texts[id(node)]:
                    break
                outer.add(id(parent))
    for node in carriers:
        own_text = texts[id(node)]
        if own_text and len(own_text) <= 80 and id(node) not in outer:
            candidates[element_signature(node)].append(node)
    people, links, used = [], [], set()
    for signature, nodes in sorted(candidates.items(), key=lambda kv: -len(kv[1])):
        named = [(n, name_in(text_of(n))) for n in nodes]
        named = [(n, name) for n, name in named if name]
        lone = (single_ok and len(named) == 1 and named[0][0].name == "a"
                and named[0][0].find_parent(["li", "tr", "dd"]) is not None)
        if not lone and (len(named) < 2 or len(named) < 0.6 * len(nodes)):
            continue
        if any(id(n) in used for n, _ in named) or under_news_heading(named[0][0]):
            continue
        for node, name in named:
            block = person_block(node, {id(n) for n, _ in named})
            if any(id(b) in used for b in [block, *block.parents]):
                continue
            person = person_from_block(block, node, name, url)
            if lone and not person.profile_url:
                continue
            # A bare capitalised phrase (a German noun phrase, say) is not enough.
            if not (person.profile_url or person.email or person.title or person.strategy == "markup"):
                continue
            used.add(id(block))
            people.append(person)
            if person.profile_url:
                links.append(person.profile_url)
    return people, links


def under_news_heading(node):
    """Whether the nearest heading before ``node`` introduces news or events."""
    heading = node.find_previous(["h1", "h2", "h3", "h4"])
    return heading is not None and bool(vocab.NEWS_HEADING.match(text_of(heading)))


def person_block(node, group):
    """The largest ancestor of ``node`` that holds no other member of its group."""
    block = node
    for parent in node.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "main", "[document]"):
            break
        members = sum(1 for d in parent.find_all(True) if id(d) in group)
        if members > 1 or len(text_of(parent)) > 1500:
            break
        block = parent
    return block


def person_from_block(block, name_node, name, url):
    person = Person(name=name, strategy="listing")
    link = name_node if name_node.name == "a" else name_node.find("a", href=True) or name_node.find_parent("a", href=True)
    if link is None:
        link = next((a for a in block.find_all("a", href=True)
                     if not a["href"].lower().startswith(("mailto:", "tel:")) and not vocab.looks_like_file(a["href"])), None)
    if link is not None:
        target = absolute_http(url, link.get("href"))
        if target and urlsplit(target).hostname == urlsplit(url).hostname and target != url:
            person.profile_url = target
    person.email = find_email(block)
    person.phone = find_phone(block)
    texts = [t for t in (clean(s) for s in block.stripped_strings) if t]
    title = column_value(block, vocab.TITLE_LABEL) or next(
        (t for t in texts if t != text_of(name_node) and looks_like_title(t) and not name_in(t)), None)
    if title:
        person.title, person.department = split_title(title)
    image = block.find("img", src=True)
    if image is not None:
        person.photo_url = absolute_http(url, image["src"])
    interests = column_value(block, vocab.INTEREST_HEADING)
    person.interests = inline_interests(block) or (split_phrases(interests) if interests else [])
    return person


def column_value(row, label_pattern):
    """The cell of a table row under the column header that ``label_pattern`` matches."""
    if row.name != "tr":
        return None
    table = row.find_parent("table")
    header = table.find("tr") if table is not None else None
    if header is None or header is row:
        return None
    labels = [text_of(cell) for cell in header.find_all(["th", "td"], recursive=False)]
    for label, cell in zip(labels, row.find_all(["td", "th"], recursive=False)):
        if len(label) <= 40 and label_pattern.fullmatch(label.rstrip(" :：")):
            return text_of(cell) or None
    return None


def inline_interests(node):
    """Interests written inline, as 'Research interests: a, b, c', from the smallest
    element that holds the label."""
    holders = [n for n in [node, *node.find_all(["p", "li", "dd", "td", "div", "span"])]
               if vocab.INTEREST_LABEL.search(text_of(n))]
    if not holders:
        return []
    text = text_of(min(holders, key=lambda n: len(text_of(n))))
    rest = text[vocab.INTEREST_LABEL.search(text).end():].lstrip(" :：-–")
    return split_phrases(rest[:600])


def profile_person(content, url):
    """The main person of a profile page, or None when the page is not a profile."""
    heading, name = None, None
    for candidate in content.find_all(["h1", "h2"], limit=6):
        name = name_in(text_of(candidate))
        if name:
            heading = candidate
            break
    if name is None:
        return None
    person = Person(name=name, strategy="profile", profile_url=url)
    person.email = find_email(content)
    person.phone = find_phone(content)
    person.interests = section_interests(content) or inline_interests(content)
    title = labelled_value(content, vocab.TITLE_LABEL) or profile_title(content, heading)
    unit = None
    if title:
        title, unit = split_title(title)
    person.title = title
    person.department = labelled_value(content, vocab.DEPARTMENT_LABEL) or unit
    person.photo_url = profile_photo(content, heading, name, url)
    if not (person.email or person.interests or person.title):
        return None
    return person


def profile_title(content, heading):
    """The job title: a title-like line just after the name heading, else the first one."""
    if heading is not None:
        for sibling in heading.find_all_next(string=True, limit=12):
            text = clean(sibling)
            if looks_like_title(text) and not name_in(text):
                return text
    for node in content.find_all(["p", "div", "span", "li", "dd", "td", "h2", "h3"]):
        text = text_of(node)
        if looks_like_title(text) and len(text) <= 100:
            return text
    return None


HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6", "dt", "th", "strong", "b", "caption", "legend"]
LABELS = ["div", "span", "p", "label"]  # CMS field labels: <div class="field__label">Interests</div>


def section_interests(content):
    """Phrases from the section under a heading that means 'research interests'."""
    for heading in content.find_all(HEADINGS + LABELS):
        label = text_of(heading)
        if len(label) > 60 or not vocab.INTEREST_HEADING.search(label):
            continue
        if heading.name in LABELS and (heading.find(True) is not None or not vocab.INTEREST_HEADING.fullmatch(label.rstrip(" :："))):
            continue  # a label element holds only the label
        inline = label[vocab.INTEREST_HEADING.search(label).end():].lstrip(" :：")
        phrases = split_phrases(inline) if inline else []
        for node in section_nodes(heading):
            items = node.find_all("li") if isinstance(node, Tag) else []
            if isinstance(node, Tag) and node.name == "li":
                items = [node]
            if items:
                for item in items:
                    phrases.extend(split_phrases(text_of(item)))
            else:
                phrases.extend(split_phrases(lines_of(node)))
        if not phrases and heading.parent is not None:
            # "<p><strong>Interests:</strong> a, b</p>"
            phrases = split_phrases(text_of(heading.parent).replace(label, "", 1).lstrip(" :："))
        if phrases:
            return merge_phrases([], phrases)
    return []


def lines_of(node):
    """Text with line breaks (<br>, block children) kept as newlines, which split phrases."""
    if isinstance(node, NavigableString):
        return str(node)
    parts = []
    for piece in node.descendants:
        if isinstance(piece, Tag) and piece.name in ("br", "p", "div", "li"):
            parts.append("\n")
        elif isinstance(piece, NavigableString) and not isinstance(piece, Comment):
            parts.append(str(piece))
    return "".join(parts)


def section_nodes(heading):
    """What follows a heading up to the next heading of the same kind."""
    if heading.name in LABELS:
        value = heading.find_next_sibling(True)
        return [value] if value is not None else []
    if heading.name == "dt":
        dd = heading.find_next_sibling(["dd", "dt"])
        return [dd] if dd is not None and dd.name == "dd" else []
    if heading.name == "th":
        cell = heading.find_next_sibling("td")
        return [cell] if cell is not None else []
    start = heading
    if heading.name in ("strong", "b") and heading.parent is not None and len(text_of(heading.parent)) <= len(text_of(heading)) + 2:
        start = heading.parent
    nodes = []
    for sibling in start.next_siblings:
        if isinstance(sibling, Tag):
            if sibling.name in HEADINGS[:6] or (sibling.find(HEADINGS[:6]) is not None):
                break
            if sibling.name in ("strong", "b") or (sibling.name == "p" and sibling.find(["strong", "b"]) and
                                                   len(text_of(sibling.find(["strong", "b"]))) + 2 >= len(text_of(sibling))):
                break
            nodes.append(sibling)
        elif clean(str(sibling)):
            nodes.append(sibling)
        if len(nodes) >= 6:
            break
    return nodes


def labelled_value(content, label_pattern):
    """The value beside a label such as 'Department:' in a list, table or paragraph."""
    for label in content.find_all(["dt", "th", "strong", "b", "span", "label", "div"]):
        text = text_of(label)
        if len(text) > 40 or not label_pattern.fullmatch(text.rstrip(" :：")):
            continue
        value = label.find_next_sibling(["dd", "td", "span", "a", "div"]) if label.name != "strong" and label.name != "b" else None
        value_text = text_of(value) if value is not None else text_of(label.parent).replace(text, "", 1)
        value_text = value_text.strip(" :：")
        if 2 <= len(value_text) <= 150:
            return value_text
    return None


def profile_photo(content, heading, name, url):
    for image in content.find_all("img", src=True):
        hints = " ".join([image.get("alt", ""), " ".join(image.get("class", [])), image["src"]]).lower()
        if name.split()[-1].lower() in hints or re.search(r"photo|portrait|profile|staff|avatar|headshot|foto", hints):
            return absolute_http(url, image["src"])
    return None


def pagination_links(soup, url, next_selector=None):
    """Links to more listing pages: next links, page numbers, A-Z letters, offsets."""
    here = urlsplit(url)
    found = []
    anchors = soup.select(next_selector) if next_selector else []
    anchors += soup.find_all("link", rel="next", href=True)
    for anchor in soup.find_all("a", href=True):
        text = text_of(anchor)
        rel = {r.lower() for r in anchor.get("rel", [])}
        query = dict(parse_qsl(urlsplit(urljoin(url, anchor["href"])).query))
        if ("next" in rel or vocab.NEXT_WORDS.fullmatch(text) or re.fullmatch(r"\d{1,3}", text)
                or re.fullmatch(r"[A-ZÄÖÜ]", text) or re.fullmatch(r"[A-Z]\s?[-–]\s?[A-Z]", text)
                or (set(query) & vocab.PAGE_PARAMETERS and not text_of(anchor).count(" ") > 3)):
            anchors.append(anchor)
    for anchor in anchors:
        target = absolute_http(url, anchor.get("href"))
        if target and urlsplit(target).hostname == here.hostname and target != url:
            found.append(target)
    return list(dict.fromkeys(found))
