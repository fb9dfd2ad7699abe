"""What a site's pages say together: text that every page repeats is chrome or a label, not a person's
data; the names a listing gives its profile links are the names to look for on those profiles."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from scrapers.extract.links import url_template
from scrapers.fields.emails import EMAIL, deobfuscate, from_mailto
from scrapers.text import clean


@dataclass
class SiteModel:
    pages: int = 0
    counts: Counter = field(default_factory=Counter)
    seen: set = field(default_factory=set)  # canonical URLs counted: variants of a page count once
    # profile URL -> the names listings gave it (the anchor to look for on that page)
    hints: dict = field(default_factory=lambda: defaultdict(list))
    # URL templates of profile links that listings named people with ('/people/*')
    person_templates: Counter = field(default_factory=Counter)

    def learn_page(self, doc):
        """Count the page's short texts (call once per page of the site)."""
        if doc.canonical in self.seen:
            return
        self.seen.add(doc.canonical or doc.url)
        self.pages += 1
        self.counts.update(doc.units())
        self.counts.update("email:" + e for e in set(page_emails(doc)))

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


NO_SITE = SiteModel()
