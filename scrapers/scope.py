"""Which site a URL belongs to: its registrable domain under the Public Suffix List (bundled snapshot,
never fetched), so www., department subdomains and the main host count as one site."""
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# The snapshot shipped inside tldextract: no network, no cache folder.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host):
    """'www.fim.uni-passau.de' -> 'uni-passau.de'; an IP address or a bare name is its own site."""
    host = (host or "").lower().strip(".")
    found = _EXTRACT(host)
    return found.top_domain_under_public_suffix or host


def site_of(url):
    try:
        return registrable_domain(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def same_site(a, b):
    """Whether two URLs are on one site (same registrable domain)."""
    first = site_of(a)
    return bool(first) and first == site_of(b)
