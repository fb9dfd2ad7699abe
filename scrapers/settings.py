"""Politeness, limits and timeouts for harvesting: one place, with defaults and help.

The web app's config may override any of them as ``CRAWL_<NAME>`` (for example
``CRAWL_DELAY = 2.0`` in instance/config.py); a source may override ``delay``.
"""
from dataclasses import dataclass, field, fields, replace


def _setting(default, help):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: str = _setting(
        "ExpertiseDirectoryBot/0.1 (+{contact_url})",
        "User-Agent sent with every request; {contact_url} is filled in from contact_url.",
    )
    contact_url: str = _setting(
        "https://github.com/expertise-directory/expertise-directory",
        "Where a site owner can learn about the crawler and ask it to stop.",
    )
    delay: float = _setting(1.0, "Seconds between two requests to the same host.")
    max_crawl_delay: float = _setting(300.0, "Cap on a robots.txt Crawl-delay, in seconds.")
    max_retry_after: float = _setting(300.0, "Cap on a Retry-After header, in seconds.")
    workers: int = _setting(64, "Hosts harvested in parallel (one request at a time per host).")
    connect_timeout: float = _setting(10.0, "Seconds to wait for a connection.")
    read_timeout: float = _setting(20.0, "Seconds to wait between two reads of a response.")
    fetch_deadline: float = _setting(60.0, "Wall-clock limit on one fetch, headers and body included, enforced on "
                                           "the connection (a server dripping bytes is cut off).")
    host_time_budget: float = _setting(
        3600.0, "Wall-clock seconds one host may take in a run, waits and retries included; the pages it has "
                "not reached by then are skipped this run.")
    max_body_bytes: int = _setting(5 * 1024 * 1024, "Largest decoded body read; longer ones are cut off.")
    max_redirects: int = _setting(5, "Redirects followed for one fetch.")
    retries: int = _setting(2, "Retries on 408, 429, 5xx and timeouts, with exponential backoff.")
    backoff: float = _setting(1.0, "First retry waits this many seconds, then doubles.")
    max_pages: int = _setting(500, "Page budget per source and run.")
    max_depth: int = _setting(3, "Links followed away from a start URL.")
    max_url_length: int = _setting(2083, "Longer URLs are ignored.")
    max_name_chars: int = _setting(200, "Longest name kept; a longer one is not a name, and its record is dropped.")
    max_text_chars: int = _setting(300, "Titles, departments and other text are cut at a word to this length.")
    max_phone_chars: int = _setting(50, "Longest phone number kept; a longer one is dropped.")
    max_interest_chars: int = _setting(200, "Each research-interest phrase is cut at a word to this length.")
    max_interests: int = _setting(50, "Interest phrases kept per record; the rest are dropped.")
    max_other_names: int = _setting(10, "Other names (spellings, scripts) kept per record.")
    robots_cache_hours: float = _setting(24.0, "How long a host's robots.txt is trusted.")
    allow_private_hosts: bool = _setting(
        False,
        "Allow loopback, private and link-local addresses (tests and the bundled demo only).",
    )
    missing_runs_before_left: int = _setting(
        3, "Successful runs without a person before they are marked 'may have left'."
    )

    @property
    def agent(self):
        return self.user_agent.format(contact_url=self.contact_url)

    @classmethod
    def from_mapping(cls, mapping, prefix="CRAWL_"):
        """Build settings from a config mapping holding ``CRAWL_<NAME>`` keys."""
        values = {
            f.name: mapping[prefix + f.name.upper()]
            for f in fields(cls)
            if prefix + f.name.upper() in mapping
        }
        return cls(**values)

    def but(self, **changes):
        """A copy with some settings changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def describe():
    """(name, default, help) for every setting, for docs and `directory settings`."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(CrawlSettings)]
