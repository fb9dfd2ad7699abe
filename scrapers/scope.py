"""Crawl scope: which URLs a source may enter. One page has one URL (canonical_url); a source stays in its
start URLs' folders, except for the one hop to a person's own page anywhere on the same site: the same
registrable domain under the Public Suffix List (bundled snapshot, never fetched), so www., department
subdomains and the main host count as one site; calendars and paths that repeat themselves are traps."""
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract

from scrapers.fetch import BadURL, split_url

SESSION_PARAMETERS = {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "utm_source", "utm_medium",
                      "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid"}
CALENDAR = re.compile(r"/(?:19|20)\d\d/\d\d?(?:/\d\d?)?/|[?&](?:date|month|year|day)=", re.I)

# The snapshot shipped inside tldextract: no network, no cache folder. Private suffixes count too, so two
# people's sites under one hosting suffix (a.github.io, b.github.io) are two sites.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=4096)
def registrable_domain(host):
    """'www.fim.uni-passau.de' -> 'uni-passau.de'; an IP address or a bare name is its own site."""
    host = (host or "").lower().strip(".")
    found = _EXTRACT(host)
    return found.top_domain_under_public_suffix or host


def parent_domains(host):
    """A host and the domains above it, longest first, never the top-level label alone: 'eoe.liverpool.ac.uk'
    -> ['eoe.liverpool.ac.uk', 'liverpool.ac.uk', 'ac.uk'], the names a registry of university domains is
    asked for, in turn, to find the one a host (or an email's domain) belongs to."""
    labels = (host or "").lower().strip(".").split(".")
    return [".".join(labels[start:]) for start in range(len(labels) - 1)]


def site_of(url):
    try:
        return registrable_domain(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def same_site(a, b):
    """Whether two URLs are on one site (same registrable domain)."""
    first = site_of(a)
    return bool(first) and first == site_of(b)


def canonical_url(url):
    """Drop fragments and session or tracking parameters so one page has one URL.
    Raises :class:`BadURL` for a malformed or non-http(s) URL."""
    parts = split_url(url)
    path = re.sub(r";jsessionid=[^/?]*", "", parts.path, flags=re.I)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SESSION_PARAMETERS]
    return urlunsplit((parts.scheme, parts.netloc.lower(), path or "/", urlencode(params), ""))


def looks_like_trap(url):
    """Endless calendars and paths that repeat themselves (a/b/a/b/...)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if any(segments.count(s) >= 3 for s in set(segments)) or len(segments) > 12:
        return True
    return bool(CALENDAR.search(url))


class Scope:
    """Which URLs a source may enter: its start URLs' folders and its 'allow' prefixes; and, for the
    person links a listing gives, anywhere on the same site (registrable domain), one hop."""

    def __init__(self, source, max_url_length):
        self.prefixes = [u[: u.rfind("/") + 1] for u in (canonical_url(s) for s in source.start_urls)]
        self.prefixes += [canonical_url(a) for a in source.allow]
        self.sites = {site_of(u) for u in source.start_urls}
        self.max_url_length = max_url_length

    def __call__(self, url, person_link=False):
        try:
            url = canonical_url(url)
        except BadURL:
            return False
        if len(url) > self.max_url_length:
            return False
        if any(url.startswith(p) for p in self.prefixes) and not looks_like_trap(url):
            return True
        # A person's page may sit anywhere on the site ('/staff/' linking to '/people/x', a dated post);
        # it is one hop from a listing, so it cannot lead the crawl into a trap.
        return person_link and site_of(url) in self.sites

    def links(self, urls, depth, person_link=False):
        """(canonical URL, depth) of the ``urls`` in scope, and how many were malformed."""
        kept, malformed = [], 0
        for url in urls:
            try:
                canonical = canonical_url(url)
            except BadURL:
                malformed += 1
                continue
            if self(canonical, person_link):
                kept.append((canonical, depth))
        return kept, malformed
