"""Application settings, declared once with their defaults and help.

Override them in ``<instance>/config.py`` (upper-case names) or with the
``test_config`` mapping given to :func:`directory.create_app`. Harvesting
settings live in :mod:`scrapers.settings` and are set here as ``CRAWL_<NAME>``.
"""
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS = [
    Setting("DATABASE", None, "Path of the SQLite store (default: <instance>/directory.sqlite)."),
    Setting("DATABASE_TIMEOUT", 30, "Seconds to wait for another writer before giving up with 'database is locked'."),
    Setting("INDEX", None, "Folder of the Whoosh index (default: <instance>/index)."),
    Setting("TRUSTED_HOSTS", ["localhost", "127.0.0.1"],
            "Host names the site answers to (a leading dot allows subdomains); any other Host header gets a 400, so "
            "absolute links in feeds, the API, embeds and OpenSearch always name one of these. Set your own."),
    Setting("SITE_NAME", "Expertise Directory", "Name shown in page titles and the header."),
    Setting("DEMO", False, "Label the data as demo data in every page (set by `make run`)."),
    Setting("PER_PAGE", 20, "Results per page when the request does not say."),
    Setting("MAX_PER_PAGE", 100, "Largest page size the site and API accept."),
    Setting("MAX_PAGE", 500, "Deepest result page served; deeper pages are a clear error."),
    Setting("MAX_QUERY_LENGTH", 300, "Longest query accepted, in characters (the parser is slow on long input)."),
    Setting("CURATOR_CONTACT", "mailto:curators@example.org",
            "Where people ask for removal (opt-out) or corrections; shown on every expert page."),
    Setting("API_RATE_LIMIT", "120 per minute",
            "Requests one client may make to the JSON API, all endpoints together."),
    Setting("SEARCH_RATE_LIMIT", "60 per minute",
            "Searches one client may make, all together: the site's, the widget's, the Atom feed's and the API's."),
    Setting("RATELIMIT_STORAGE_URI", None,
            "Where rate-limit counters live, shared by every worker process: default "
            "sqlite:///<instance>/ratelimits.sqlite (one machine, no other server). Other flask-limiter storage URIs "
            "work but are not tested here."),
    Setting("REFERRAL_TAGS_PER_CLIENT", 20,
            "Distinct ?ref= tags one client may bring into the referral counts a day (visits with more are not "
            "counted)."),
    Setting("EMBED_ORIGINS", "*", "Origins allowed to frame /embed/results (CSP frame-ancestors), space separated."),
    Setting("PERMANENT_SESSION_LIFETIME", timedelta(days=365),
            "How long the shortlist cookie lasts after the visitor's last visit (it holds expert ids only)."),
    Setting("HIDE_MAY_HAVE_LEFT", True, "Hide experts marked 'may have left' from search results."),
    Setting("CURATOR_PAGES", False, "Serve the read-only curator pages (/curator/sources: each source's people over "
                                    "recent runs, errors and field coverage). They have no login: turn them on "
                                    "only where the proxy in front asks for one, or on a private address."),
    Setting("JOB_NICENESS", 10, "How far scrape, import and reindex jobs lower their CPU priority (os.nice), so "
                                "that searches stay quick while they run on the same machine; 0 leaves it."),
]

DEFAULTS = {s.name: s.default for s in SETTINGS}
