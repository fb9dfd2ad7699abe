"""What extraction gives: the people of a page and the links to follow from it."""
from dataclasses import dataclass, field, fields

from scrapers.fields.interests import merge_phrases
from scrapers.record import replaces

RECORD_FIELDS = ("name", "title", "email", "phone", "interests", "profile_url", "photo_url", "department",
                 "other_names", "alias_urls", "strategy")


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
    other_names: list = field(default_factory=list)
    alias_urls: list = field(default_factory=list)  # other addresses of the person's own page (a translation)
    strategy: str = None
    # How each field was found ({field: "method: element"}), for `directory preview --explain`; never stored.
    evidence: dict = field(default_factory=dict, repr=False, compare=False)

    def merge(self, other):
        """Fold ``other`` (the same person) into this one, keeping the richest value of each field (lists
        joined; otherwise scrapers.record's rule, the store's too)."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "interests":
                self.interests = merge_phrases(mine, theirs)
            elif f.name in ("other_names", "alias_urls"):
                kept = [n for n in dict.fromkeys(mine + theirs) if n not in (self.name, self.profile_url)]
                setattr(self, f.name, kept)
            elif f.name == "strategy":
                self.strategy = "+".join(dict.fromkeys(filter(None, f"{mine or ''}+{theirs or ''}".split("+"))))
            elif f.name == "evidence":
                self.evidence = {**theirs, **mine}
            elif replaces(f.name, mine, theirs):
                setattr(self, f.name, theirs)
                self.evidence[f.name] = other.evidence.get(f.name, "")
        return self

    def record(self):
        """The person as the store keeps them (no evidence, no empty fields)."""
        return {name: getattr(self, name) for name in RECORD_FIELDS if getattr(self, name) not in (None, "", [])}

    def note(self, field_name, how):
        self.evidence[field_name] = how


@dataclass
class PageResult:
    people: list = field(default_factory=list)
    profile_links: list = field(default_factory=list)
    listing_links: list = field(default_factory=list)
    # The same page in other languages (hreflang alternates, language switchers): one hop, same site.
    alternate_links: list = field(default_factory=list)
    noindex: bool = False
    nofollow: bool = False
    canonical: str = None
    language: str = None  # the page's own (html lang), to tell a site's two languages apart
    kind: str = "other"  # listing, profile or other
    malformed_links: int = 0
    # What was tried on a page that gave nobody, for `directory preview --explain`.
    notes: list = field(default_factory=list)
