"""A scrape job: sources -> polite fetch -> extract -> normalised records -> the store.

One worker per host fetches one page at a time with the host's delay; many hosts
run in parallel. Workers only fetch and extract; the calling thread alone writes
to the store, page by page, so a job killed at any moment resumes where it was.
"""
import hashlib
import json
import logging
import queue
import re
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.extract import extract, extract_site
from scrapers.fetch import FetchError, Fetcher, FetchTimeout, worth_retrying
from scrapers.scope import site_of

log = logging.getLogger(__name__)
SESSION_PARAMETERS = {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "utm_source", "utm_medium",
                      "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid"}
KEPT_HEADERS = ("content-type", "x-robots-tag", "etag", "last-modified")
CALENDAR = re.compile(r"/(?:19|20)\d\d/\d\d?(?:/\d\d?)?/|[?&](?:date|month|year|day)=", re.I)


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


@dataclass
class SourceDone:
    """A host worker has crawled all it will of one source: the writer reads the source's pages now."""
    source: object


@dataclass
class SourceSummary:
    pages: int = 0
    people: int = 0
    errors: int = 0
    skipped: int = 0
    unchanged: int = 0
    with_title: int = 0
    with_email: int = 0
    with_interests: int = 0
    failed: bool = False
    warning: str = None


def canonical_url(url):
    """Drop fragments and session or tracking parameters so one page has one URL."""
    parts = urlsplit(url)
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
        url = canonical_url(url)
        if len(url) > self.max_url_length:
            return False
        if any(url.startswith(p) for p in self.prefixes) and not looks_like_trap(url):
            return True
        # A person's page may sit anywhere on the site ('/staff/' linking to '/people/x', a dated post);
        # it is one hop from a listing, so it cannot lead the crawl into a trap.
        return person_link and site_of(url) in self.sites


class HostWorker:
    """Crawls every source on one host, one request at a time, at the polite pace."""

    def __init__(self, host, sources, frontier, cache, settings, events, stop):
        self.host, self.sources, self.settings = host, sources, settings
        self.frontier, self.cache, self.events, self.stop = frontier, cache, events, stop
        self.fetcher = Fetcher(settings)
        self.next_request = 0.0
        self.robots = {}  # site root -> (rules or False, when read)

    def wait_turn(self, delay):
        pause = self.next_request - time.monotonic()
        if pause > 0:
            self.stop.wait(pause)
        self.next_request = time.monotonic() + delay

    def run(self):
        try:
            for source in self.sources:
                self.crawl(source)
                if not self.stop.is_set():
                    self.events.put(SourceDone(source))
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
            rules = self.rules(root, delay)
            if rules is False:
                for url, depth in [p for p in pending if p[0].startswith(root + "/") or p[0] == root]:
                    self.events.put(PageEvent(source, url, depth, "failed",
                                              error="robots.txt could not be read (server error or network failure); "
                                                    "host skipped this run"))
                pending = [p for p in pending if not (p[0].startswith(root + "/") or p[0] == root)]
                continue
            crawl_delay = rules.crawl_delay(settings.agent)
            if crawl_delay:
                delay = max(delay, min(float(crawl_delay), settings.max_crawl_delay))
            url, depth = pending.pop(0)
            if budget <= 0:
                self.events.put(PageEvent(source, url, depth, "skipped", error="page budget for this source used up"))
                continue
            if not rules.can_fetch(url, settings.agent):
                self.events.put(PageEvent(source, url, depth, "skipped", error="disallowed by robots.txt"))
                continue
            budget -= 1
            event = self.visit(source, url, depth, delay, scope)
            new = [(u, d) for u, d in event.links if u not in known and d <= settings.max_depth]
            known.update(u for u, _ in new)
            event.links = new
            pending.extend(new)
            self.events.put(event)

    def rules(self, root, delay):
        """A host's robots.txt rules, read again once they are older than the cache limit.
        False means the host is off-limits (robots.txt unreadable)."""
        rules, read = self.robots.get(root, (None, 0.0))
        if rules is None or time.monotonic() - read > self.settings.robots_cache_hours * 3600:
            self.wait_turn(delay)
            rules = self.fetcher.robots(root) or False
            self.robots[root] = (rules, time.monotonic())
        return rules

    def visit(self, source, url, depth, delay, scope):
        cached = self.cache.get(url) or {}
        headers = {}
        if cached.get("etag"):
            headers["If-None-Match"] = cached["etag"]
        if cached.get("last_modified"):
            headers["If-Modified-Since"] = cached["last_modified"]
        try:
            page = self.fetch_with_retries(url, headers, delay, scope)
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
        try:
            result = extract(page.text, page.url, source.selectors or None, country=source.country,
                             language=source.language)
        except Exception as error:  # noqa: BLE001 - one page's bad markup is that page's error, never the run's
            log.exception("extraction failed on %s", url)
            return PageEvent(source, url, depth, "failed", 200, error=f"extraction failed: {type(error).__name__}",
                             cache=cache, body=body)
        links = []
        header_nofollow = bool(page.robots_directives & {"nofollow", "none"})
        if not (result.nofollow or header_nofollow):
            if scope(url):  # pages outside the source's folders (a person's page elsewhere) lead nowhere
                links = [(canonical_url(u), depth) for u in result.listing_links if scope(u)]
                links += [(canonical_url(u), depth + 1) for u in result.profile_links if scope(u, person_link=True)]
            # The same profile in the site's other language: one more page about the same person.
            links += [(canonical_url(u), depth) for u in result.alternate_links if scope(u, person_link=True)]
        error = "page cut off at the size limit" if page.truncated else None
        return PageEvent(source, url, depth, "done", 200, error=error, links=links, cache=cache, body=body,
                         found=len(result.people))

    @staticmethod
    def cached_links(cached, depth):
        """Links a page gave last time, stored with depths relative to the page."""
        return [(url, depth + delta) for url, delta in json.loads(cached.get("links") or "[]")]

    def fetch_with_retries(self, url, headers, delay, scope):
        settings = self.settings
        for attempt in range(settings.retries + 1):
            self.wait_turn(delay)
            try:
                page = self.fetcher.get(url, headers=headers, in_scope=lambda u: scope(u, person_link=True))
            except FetchTimeout:
                if attempt == settings.retries:
                    raise
                self.next_request += settings.backoff * 2 ** attempt
                continue
            if not worth_retrying(page.status) or attempt == settings.retries:
                return page
            wait = settings.backoff * 2 ** attempt
            retry_after = retry_after_seconds(page.headers.get("retry-after"))
            if retry_after is not None:
                wait = max(wait, min(retry_after, settings.max_retry_after))
            self.next_request = time.monotonic() + wait
        return page


def retry_after_seconds(value):
    """Seconds from a Retry-After header (a number or an HTTP date), or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def harvest(sources, store, settings, progress=None, refresh=False):
    """Harvest ``sources`` into ``store``; resumes an interrupted run over the same sources. With
    ``refresh``, pages are fetched and read again even when they have not changed.

    Returns (run id, {source name: SourceSummary}).
    """
    names = [s.name for s in sources]
    store.save_sources(sources)
    run_id = store.unfinished_run(names)
    if run_id is not None:
        log.info("run %s resumed", run_id)
    else:
        store.abandon_stale_runs()
        run_id = store.start_run(names)
        log.info("run %s started: %s", run_id, ", ".join(names))
        for source in sources:
            store.queue_pages(run_id, source.name, [canonical_url(u) for u in source.start_urls], 0)
    frontier = {s.name: store.frontier(run_id, s.name) for s in sources}
    # Workers do not touch the store, so they get what they need to ask "changed?" up front.
    cache = {} if refresh else store.cached_pages(names)
    by_host = defaultdict(list)
    for source in sources:
        by_host[urlsplit(source.start_urls[0]).hostname].append(source)

    events, stop = queue.Queue(), threading.Event()
    summaries = {s.name: SourceSummary() for s in sources}
    workers = [HostWorker(host, group, frontier, cache, settings, events, stop) for host, group in by_host.items()]
    pool = ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(workers))))
    futures = [pool.submit(worker.run) for worker in workers]
    try:
        while True:
            try:
                event = events.get(timeout=0.2)
            except queue.Empty:
                if all(f.done() for f in futures) and events.empty():
                    break
                continue
            if isinstance(event, SourceDone):
                read_site(store, event.source, store.run_page_urls(run_id, event.source.name), run_id)
                continue
            save_event(store, run_id, event, summaries[event.source.name])
            if progress:
                progress(event, summaries)
        for future in futures:
            future.result()  # a worker's crash is a bug: let it surface
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()

    for source in sources:
        summary = summaries[source.name]
        summary.failed = summary.pages == 0 and summary.unchanged == 0
        for key, value in store.source_quality(run_id, source.name).items():
            setattr(summary, key, value)
        if not summary.failed:
            store.mark_missing(run_id, source.name, settings.missing_runs_before_left)
            previous = store.previous_people_count(source.name, run_id)
            if previous and summary.people < 0.5 * previous:
                summary.warning = f"found {summary.people} people, against {previous} last time"
    for name, summary in summaries.items():
        log.info("%s summary: %s", name, asdict(summary))
    status = "failed" if all(s.failed for s in summaries.values()) else "finished"
    store.finish_run(run_id, status, {"sources": {n: asdict(s) for n, s in summaries.items()}})
    return run_id, summaries


def save_event(store, run_id, event, summary):
    """Write one page's outcome (status, links, validators, body) to the store and count it."""
    source = event.source
    if event.status == "unchanged":
        store.verify_unchanged_page(run_id, source, event.url)
        summary.unchanged += 1
    elif event.status == "gone":
        store.forget_page(source, event.url)
        summary.errors += 1
    elif event.status == "done":
        summary.pages += 1
    elif event.status == "failed":
        summary.errors += 1
    else:
        summary.skipped += 1
    log.info("%s %s %s %s people=%s%s", source.name, event.status, event.http_status or "-", event.url, event.found,
             f" error={event.error}" if event.error else "")
    store.record_page(run_id, source, event.url, event.status, event.http_status, event.error,
                      cache=event.cache, links=event.links, depth=event.depth, body=event.body)


def read_site(store, source, urls, run_id=None):
    """Read a source's kept pages as one site and store what each page says about people.

    Runs after the crawl of a source (and by `directory reextract`, without the network). Pages read
    together let extraction tell a site's chrome from its people's data; see scrapers.extract."""
    scope = Scope(source, 10 ** 6)
    kept = {}  # final URL -> (requested URL, headers)

    def pages():
        for url, final_url, text, headers in store.page_bodies(urls):
            kept[final_url] = (url, headers)
            yield final_url, text

    results = dict(extract_site(pages, source.selectors or None, source.country, source.language))
    dead = store.dead_page_urls(run_id, source.name) if run_id is not None else set()
    people_count = 0
    for final_url, result in results.items():
        url, headers = kept[final_url]
        if result is None:
            continue  # extraction failed on this page; the log says why
        noindex = bool({d.strip().lower() for d in headers.get("x-robots-tag", "").split(",")} & {"noindex", "none"})
        people = [] if (result.noindex or noindex) else [p.record() for p in result.people]
        for person in people:
            if person.get("profile_url") and canonical_url(person["profile_url"]) in dead:
                del person["profile_url"]  # a link to a page that is gone is no one's profile now
            aliases = [url] if url != final_url and person.get("profile_url") == final_url else []
            if result.kind == "profile":  # the same person's page in the site's other language
                aliases += [a for a in result.alternate_links if a in results and results[a] is not None
                            and results[a].kind == "profile"]
            if aliases:
                person["alias_urls"] = aliases
        # Variants of one page (sessions, sort orders) that name a canonical URL share its records.
        canonical = canonical_url(result.canonical) if result.canonical and scope(result.canonical) else None
        with store.transaction():
            store.save_people(source, canonical or url, people, run_id)
        people_count += len(people)
    log.info("%s: %s people on %s pages read as one site", source.name, people_count, len(results))
    return people_count
