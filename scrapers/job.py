"""A scrape job: sources -> polite crawl (crawl.py) -> the store, then each source read as a site.

One worker per host fetches one page at a time with the host's delay; many hosts run in parallel. Workers
only fetch and read; the calling thread alone writes to the store, page by page, so a job killed at any
moment resumes where it was. Once a source's pages are in, they are read together (read_site), and what
they say of people is cleaned (clean.py: each record, then the page's records together) and stored.
"""
import logging
import queue
import sqlite3
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapers.clean import clean_person, page_records
from scrapers.crawl import HostWorker, SourceDone
from scrapers.extract import extract_site
from scrapers.scope import Scope, canonical_url

if TYPE_CHECKING:  # the contract only: scrapers/ imports nothing of directory/ when it runs
    from directory.harvest_store import HarvestStore

log = logging.getLogger(__name__)


@dataclass
class SourceSummary:
    pages: int = 0
    people: int = 0
    errors: int = 0
    skipped: int = 0
    unchanged: int = 0
    malformed_links: int = 0
    with_title: int = 0
    with_email: int = 0
    with_interests: int = 0
    failed: bool = False
    warning: str = None
    error: str = None  # the first page error, to say why a source failed


def harvest(sources, store: "HarvestStore", settings, progress=None, refresh=False):
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
                urls = store.run_page_urls(run_id, event.source.name)
                read_site(store, event.source, urls, settings, run_id, event.site)
                continue
            summary = summaries[event.source.name]
            try:
                save_event(store, run_id, event, summary)
            except (sqlite3.OperationalError, OSError):
                raise  # the database or the disk: the job stops here and resumes when run again
            except Exception as error:  # noqa: BLE001 - what one page gave cannot be stored: that page's error
                log.exception("%s: %s could not be stored", event.source.name, event.url)
                save_event(store, run_id, replace(event, status="failed", links=[], cache=None, body=None, error=(
                    f"could not be stored ({type(error).__name__}: {str(error)[:200]}); "
                    "the traceback is in the scrape log")), summary)
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


def save_event(store: "HarvestStore", run_id, event, summary):
    """Write one page's outcome (status, links, validators, body) to the store, then count it."""
    source = event.source
    log.info("%s %s %s %s people=%s%s", source.name, event.status, event.http_status or "-", event.url, event.found,
             f" error={event.error}" if event.error else "")
    if event.status == "unchanged":
        store.verify_unchanged_page(run_id, source, event.url)
    elif event.status == "gone":
        store.forget_page(source, event.url)
    store.record_page(run_id, source, event.url, event.status, event.http_status, event.error,
                      cache=event.cache, links=event.links, depth=event.depth, body=event.body)
    if event.status == "unchanged":
        summary.unchanged += 1
    elif event.status == "done":
        summary.pages += 1
    elif event.status in ("gone", "failed"):
        summary.errors += 1
        if event.status == "failed" and summary.error is None:
            summary.error = event.error
    else:
        summary.skipped += 1
    summary.malformed_links += event.malformed_links


def read_site(store: "HarvestStore", source, urls, settings, run_id=None, site=None):
    """Read a source's kept pages as one site and store what each page says about people.

    Runs after the crawl of a source (and by `directory reextract`, without the network). Pages read
    together let extraction tell a site's chrome from its people's data; see scrapers.extract."""
    scope = Scope(source, 10 ** 6)
    kept = {}  # final URL -> (requested URL, headers)

    def pages():
        for url, final_url, text, headers in store.page_bodies(urls):
            kept[final_url] = (url, headers)
            yield final_url, text

    results = extract_site(pages, source.selectors or None, source.country, source.language, site)
    dead = store.dead_page_urls(run_id, source.name) if run_id is not None else set()
    people_count = 0
    for final_url, result in results.items():
        url, headers = kept[final_url]
        if result is None:
            continue  # extraction failed on this page; the log says why
        noindex = bool({d.strip().lower() for d in headers.get("x-robots-tag", "").split(",")} & {"noindex", "none"})
        people = [] if (result.noindex or noindex) else [p.record() for p in result.people]
        people = [p for p in (clean_person(p, settings) for p in people) if p]
        for person in people:
            if person.get("profile_url") and canonical_url(person["profile_url"]) in dead:
                del person["profile_url"]  # a link to a page that is gone is no one's profile now
            if url != final_url and person.get("profile_url") == final_url:
                # redirected: the listing linked the old address, which names the same person
                person["alias_urls"] = [url, *person.get("alias_urls", [])]
        # Variants of one page (sessions, sort orders) that name a canonical URL share its records.
        canonical = canonical_url(result.canonical) if result.canonical and scope(result.canonical) else None
        page_url = canonical or url
        with store.transaction():
            store.save_people(source, page_url, page_records(source, page_url, people), run_id)
        people_count += len(people)
    log.info("%s: %s people on %s pages read as one site", source.name, people_count, len(results))
    return people_count
