"""The crawl of one host: one request at a time at the polite pace, robots.txt per host, retries, the
host's time budget, and what each page gives (links to follow, its body to keep). Workers only fetch and
read; they hand everything to the job's writer (job.py) as events."""
import hashlib
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapers.extract import SiteModel, extract
from scrapers.fetch import Fetcher, FetchError, FetchTimeout, allowed, worth_retrying
from scrapers.scope import Scope

log = logging.getLogger(__name__)
KEPT_HEADERS = ("content-type", "x-robots-tag", "etag", "last-modified")


@dataclass
class PageEvent:
    """What a worker learnt from one URL, for the writer thread to store."""
    source: object
    url: str
    depth: int
    status: str  # done, unchanged, gone, skipped, failed
    http_status: int = None
    error: str = None
    people: list = None
    links: list = field(default_factory=list)  # [(url, depth)]
    cache: dict = None
    body: dict = None  # {"text", "final_url", "headers"}: kept so the site can be read as a whole
    found: int = 0  # people the page names, as the crawl saw it (the site reading decides)
    malformed_links: int = 0


@dataclass
class SourceDone:
    """A host worker has crawled all it will of one source: the writer reads the source's pages now,
    with what the crawl learnt of the site on the way."""
    source: object
    site: SiteModel = None


class HostWorker:
    """Crawls every source on one host, one request at a time, at the polite pace, within the host's
    time budget. Nothing a page holds stops it: an unforeseen error is that page's error."""

    def __init__(self, host, sources, frontier, cache, settings, events, stop):
        self.host, self.sources, self.settings = host, sources, settings
        self.frontier, self.cache, self.events, self.stop = frontier, cache, events, stop
        self.fetcher = Fetcher(settings)
        self.next_request = 0.0
        self.robots = {}  # site root -> (rules or the FetchError that made it off-limits, when read)
        self.sites = defaultdict(SiteModel)  # source name -> what its pages taught so far
        self.ends = None  # when the host's time budget runs out: counted from the start of its crawl

    def time_left(self):
        return self.ends - time.monotonic()

    def wait_turn(self, delay):
        """Wait for this host's next turn. False, at once, when that turn comes after the time budget."""
        pause = self.next_request - time.monotonic()
        if pause >= self.time_left():
            return False
        if pause > 0:
            self.stop.wait(pause)
        self.next_request = time.monotonic() + delay
        return True

    def rest(self, delay):
        """The delay runs from the end of an answer too: the host sees requests ``delay`` apart however slowly
        it or this machine answers (a gap measured between request starts shrinks when one arrives late)."""
        self.next_request = max(self.next_request, time.monotonic() + delay)

    def run(self):
        self.ends = time.monotonic() + self.settings.host_time_budget
        try:
            for source in self.sources:
                try:
                    self.crawl(source)
                except Exception:  # noqa: BLE001 - a bug: this source stops here, the other sources and the run go on
                    log.exception("%s: the crawl of %s stopped", source.name, self.host)
                if not self.stop.is_set():
                    self.events.put(SourceDone(source, self.sites.get(source.name)))
        finally:
            self.fetcher.close()

    def crawl(self, source):
        settings = self.settings
        delay = source.delay if source.delay is not None else settings.delay
        queued, known = self.frontier[source.name]
        if not queued:
            return
        scope = Scope(source, settings.max_url_length)
        budget = (source.max_pages or settings.max_pages) - (len(known) - len(queued))
        pending = list(queued)
        while pending and not self.stop.is_set():
            root = f"{urlsplit(pending[0][0]).scheme}://{urlsplit(pending[0][0]).netloc}"
            try:
                rules = self.rules(root, delay)
            except FetchError as error:
                on_host = [p for p in pending if p[0] == root or p[0].startswith(root + "/")]
                for url, depth in on_host:
                    self.events.put(PageEvent(source, url, depth, "failed",
                                              error=f"{error}; nothing fetched from this host this run"))
                pending = [p for p in pending if p not in on_host]
                continue
            crawl_delay = rules.crawl_delay(settings.agent)
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), settings.max_crawl_delay))
            url, depth = pending.pop(0)
            if self.time_left() <= 0:
                self.events.put(PageEvent(source, url, depth, "skipped", error=(
                    f"the host's time budget ({settings.host_time_budget:g} s) is used up; left for the next run")))
                continue
            if budget <= 0:
                self.events.put(PageEvent(source, url, depth, "skipped", error="page budget for this source used up"))
                continue
            if not allowed(rules, url, settings.agent):
                self.events.put(PageEvent(source, url, depth, "skipped", error="disallowed by robots.txt"))
                continue
            budget -= 1
            try:
                event = self.visit(source, url, depth, delay, scope, rules)
            except Exception as error:  # noqa: BLE001 - a page no code foresaw is that page's error
                log.exception("%s: %s could not be harvested", source.name, url)
                event = PageEvent(source, url, depth, "failed", error=(
                    f"could not be harvested ({type(error).__name__}: {str(error)[:200]}); "
                    "the traceback is in the scrape log"))
            new = [(u, d) for u, d in event.links if u not in known and d <= settings.max_depth]
            known.update(u for u, _ in new)
            event.links = new
            pending.extend(new)
            self.events.put(event)

    def rules(self, root, delay):
        """A host's robots.txt rules, read again once they are older than the cache limit.
        Raises :class:`FetchError` saying why when the host is off-limits this run."""
        rules, read = self.robots.get(root, (None, 0.0))
        if rules is None or time.monotonic() - read > self.settings.robots_cache_hours * 3600:
            try:
                if not self.wait_turn(delay):
                    raise FetchTimeout(f"the host's time budget ({self.settings.host_time_budget:g} s) "
                                       "ran out before robots.txt could be read")
                rules = self.fetcher.robots(root, time_limit=self.time_left())
                self.rest(delay)
            except FetchError as error:
                rules = error
            self.robots[root] = (rules, time.monotonic())
        if isinstance(rules, FetchError):
            raise rules
        return rules

    def visit(self, source, url, depth, delay, scope, rules):
        cached = self.cache.get(url) or {}
        headers = {}
        if cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
        try:
            page = self.fetch_with_retries(url, headers, delay, scope, rules)
        except FetchError as error:
            return PageEvent(source, url, depth, "failed", error=str(error))
        if page.status == 304:
            return PageEvent(source, url, depth, "unchanged", 304, links=self.cached_links(cached, depth))
        if page.status in (404, 410):
            return PageEvent(source, url, depth, "gone", page.status, error=f"HTTP {page.status}")
        if page.status != 200:
            return PageEvent(source, url, depth, "failed", page.status, error=f"HTTP {page.status}")
        if not page.is_html:
            return PageEvent(source, url, depth, "skipped", 200, error=f"not HTML ({page.content_type or 'no type'})")
        content_hash = hashlib.sha256(page.text.encode("utf-8", "replace")).hexdigest()
        cache = {"etag": page.headers.get("etag"), "last_modified": page.headers.get("last-modified"),
                 "content_hash": content_hash}
        if cached.get("content_hash") == content_hash:
            return PageEvent(source, url, depth, "unchanged", 200, links=self.cached_links(cached, depth), cache=cache)
        body = {"text": page.text, "final_url": page.url,
                "headers": {k: v for k, v in page.headers.items() if k in KEPT_HEADERS}}
        result = extract(page.text, page.url, source.selectors or None, country=source.country,
                         language=source.language, learn_into=self.sites[source.name])
        links, malformed = [], 0
        header_nofollow = bool(page.robots_directives & {"nofollow", "none"})
        if not (result.nofollow or header_nofollow):
            found = []
            if scope(url):  # pages outside the source's folders (a person's page elsewhere) lead nowhere
                found += [scope.links(result.listing_links, depth), scope.links(result.profile_links, depth + 1, True)]
            # The same profile in the site's other language: one more page about the same person.
            found.append(scope.links(result.alternate_links, depth, True))
            links = [u for kept, _bad in found for u in kept]
            malformed = sum(bad for _kept, bad in found) + result.malformed_links
        notes = ["page cut off at the size limit"] if page.truncated else []
        if malformed:
            notes.append(f"{malformed} malformed link(s) skipped")
        return PageEvent(source, url, depth, "done", 200, error="; ".join(notes) or None, links=links, cache=cache,
                         body=body, found=len(result.people), malformed_links=malformed)

    @staticmethod
    def cached_links(cached, depth):
        """Links a page gave last time, stored with depths relative to the page."""
        return [(url, depth + delta) for url, delta in json.loads(cached.get("links") or "[]")]

    def fetch_with_retries(self, url, headers, delay, scope, rules):
        """Fetch ``url``, retrying timeouts and 408/429/5xx answers while the host's time budget allows."""
        settings = self.settings
        for attempt in range(settings.retries + 1):
            if not self.wait_turn(delay):
                raise FetchTimeout(f"the host's time budget ({settings.host_time_budget:g} s) ran out "
                                   "before this page could be fetched")
            try:
                page = self.fetcher.get(url, headers=headers, in_scope=lambda u: scope(u, person_link=True),
                                        robots=rules, time_limit=self.time_left())
            except FetchTimeout:
                self.rest(delay)
                self.next_request += settings.backoff * 2 ** attempt
                if attempt == settings.retries or self.next_request >= self.ends:
                    raise
                continue
            self.rest(delay)
            if not worth_retrying(page.status) or attempt == settings.retries:
                return page
            wait = settings.backoff * 2 ** attempt
            retry_after = retry_after_seconds(page.headers.get("retry-after"))
            if retry_after is not None:
                wait = max(wait, min(retry_after, settings.max_retry_after))
            self.next_request = time.monotonic() + wait
            if self.next_request >= self.ends:  # no time for another try this run
                return page
        return page


def retry_after_seconds(value):
    """Seconds from a Retry-After header (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
