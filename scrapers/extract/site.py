"""What a site's pages say together: text that every page repeats is chrome or a label, not a person's
data; the names a listing gives its profile links are the names to look for on those profiles."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scrapers.extract.links import url_template
from scrapers.fields.emails import EMAIL, deobfuscate, from_mailto
from scrapers.fields.names import name_key
from scrapers.text import clean


@dataclass
class SiteModel:
    pages: int = 0
    counts: Counter = field(default_factory=Counter)
    seen: set = field(default_factory=set)  # canonical URLs counted: variants of a page count once
    boxes: Counter = field(default_factory=Counter)  # hashes of longer element texts -> pages showing them
    learned: set = field(default_factory=set)  # URLs of the pages learnt from (the crawl learns as it goes)
    # profile URL -> the names listings gave it (the anchor to look for on that page)
    hints: dict = field(default_factory=lambda: defaultdict(list))
    # URL templates of profile links that listings named people with ('/people/*')
    person_templates: Counter = field(default_factory=Counter)

    def learn(self, doc, result):
        """Learn from one page of the site and what extraction without the site's knowledge found on it."""
        self.learned.add(doc.url)
        self.learn_page(doc)
        self.learn_listing(result, doc.url)

    def learn_page(self, doc):
        """Count the page's short texts (call once per page of the site)."""
        if doc.canonical in self.seen:
            return
        self.seen.add(doc.canonical or doc.url)
        self.pages += 1
        self.counts.update(doc.units())
        self.counts.update("email:" + e for e in set(page_emails(doc)))
        self.boxes.update(doc.blocks())

    def learn_listing(self, result, url):
        """Remember the names a listing gave its profile links."""
        if result.kind != "listing":
            return
        for person in result.people:
            if person.profile_url and person.profile_url != url:
                if person.name not in self.hints[person.profile_url]:
                    self.hints[person.profile_url].append(person.name)
                self.person_templates[url_template(person.profile_url)] += 1

    def is_template(self, text):
        """Text that most of the site's pages repeat (menus, footers, labels, a contact box on every profile)."""
        if self.pages < 4 or not text:
            return False
        return self.counts[clean(text).casefold()] >= max(4, 0.5 * self.pages)

    def is_template_block(self, text):
        """A box (30 characters or more) most pages show word for word."""
        if self.pages < 4 or len(text) < 30:
            return False
        return self.boxes[hash(text.casefold())] >= max(4, 0.5 * self.pages)

    def is_template_email(self, address):
        """An address most pages show (the department office in a contact box or footer)."""
        return self.is_template("email:" + address)

    def is_person_link(self, url):
        return self.person_templates[url_template(url)] >= 2


def page_emails(doc):
    """Every address a page shows, in links or text."""
    found = [from_mailto(a.get("href")) for a in doc.body.iter("a") if a.get("href")]
    found += [m.group(0).lower() for m in EMAIL.finditer(deobfuscate(doc.text(doc.body)))]
    return [e for e in found if e]


def settle(results, language):
    """What a site's pages say of each other ({url: PageResult}, changed in place):
    - a profile in two languages (each page naming the other as its translation) is one person: both pages
      carry both names and both addresses;
    - where the site has pages in the source's ``language``, its pages in other languages are translations,
      whose names and topics count but not their titles;
    - a title a listing took from the heading a group sits under yields to the one the person's own page, or
      another page's entry beside their name, states ('doctorant CIFRE Thales' over 'Doctorants')."""
    pages = {url: r for url, r in results.items() if r is not None}
    bilingual = any(r.language == language for r in pages.values())
    profiles = {url: r.people[0] for url, r in pages.items() if r.kind == "profile" and r.people}
    for url, person in profiles.items():
        for other_url in pages[url].alternate_links:
            twin = profiles.get(other_url)
            # Twins name each other: a link every profile gives (the other language's home page) is no twin.
            if twin is not None and twin is not person and url in pages[other_url].alternate_links:
                person.other_names = [n for n in dict.fromkeys(person.other_names + [twin.name, *twin.other_names])
                                      if n != person.name]
                person.alias_urls = list(dict.fromkeys(person.alias_urls + [other_url]))
    stated = {key for r in pages.values() for p in r.people if p.title
              and not p.evidence.get("title", "").startswith("heading") for key in _keys(p)}
    for url, result in pages.items():
        translated = bilingual and language and result.language and result.language != language
        for person in result.people:
            own = profiles.get(person.profile_url)
            from_heading = person.evidence.get("title", "").startswith("heading")
            if translated or (from_heading and ((own is not None and own is not person and own.title)
                                                or _keys(person) & stated)):
                person.title = person.department = None


def _keys(person):
    """What tells a person on one page of a site from the same person on another: their link and name."""
    return {key for key in (person.profile_url, name_key(person.name)) if key}


NO_SITE = SiteModel()
