"""Harvesting: `directory scrape`, `reextract` (kept pages read again), `preview` (one page, storing
nothing) and `demo` (the bundled sites harvested, then served)."""
import json

import click
from flask import current_app

from directory import referrals
from directory.cli.base import chosen_sources, cli, crawl_settings, fail, job_lock, job_log, update_index
from directory.cli.serving import free_port_or_fail
from directory.db import migrate_store
from directory.health import share
from directory.progress import JobProgress


@cli.command("scrape")
@click.option("--sources", "sources_file", required=True, type=click.Path(dir_okay=False),
              help="TOML file listing the sources to harvest.")
@click.option("--source", "only", multiple=True, help="Harvest only the source with this name (repeatable).")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to one host (default 1).")
@click.option("--allow-private-hosts", is_flag=True, default=None,
              help="Allow loopback and private addresses: for local test and demo sites only.")
@click.option("--refresh", is_flag=True, help="Fetch and read every page again, even the ones that have not changed.")
def scrape_command(sources_file, only, delay, allow_private_hosts, refresh):
    """Harvest the sources in a sources file into the store, then update the index."""
    from scrapers.job import harvest

    sources = chosen_sources(sources_file, only)
    store = migrate_store()
    settings = crawl_settings(delay=delay, allow_private_hosts=allow_private_hosts)
    with job_lock("scrape"), job_log("scrape"):
        progress = ScrapeProgress(sources)
        try:
            run_id, summaries = harvest(sources, store, settings, progress=progress, refresh=refresh)
        finally:
            progress.close()
        updated, deleted = update_index(store)
        referrals.fold(store, current_app.instance_path)
    click.echo(f"Run {run_id}: index updated ({updated} experts updated, {deleted} removed)")
    for name, s in summaries.items():
        line = (f"  {name}: {s.people} people from {s.pages} pages ({s.unchanged} unchanged, {s.errors} errors); "
                f"title {share(s.with_title, s.people)}, email {share(s.with_email, s.people)}, "
                f"interests {share(s.with_interests, s.people)}")
        click.echo(line)
        if s.warning:
            click.secho(f"  WARNING {name}: {s.warning}", fg="yellow", err=True)
    failed = [n for n, s in summaries.items() if s.failed]
    for name in failed:
        click.secho(f"  FAILED {name}: {summaries[name].error or 'no page could be fetched'}", fg="red", err=True)
    if failed:
        fail(f"{len(failed)} source(s) failed entirely: {', '.join(failed)}; "
             f"see `directory runs show {run_id}`")


class ScrapeProgress:
    """A scrape job's progress: pages done of those found so far, hosts, people and errors."""

    def __init__(self, sources):
        self.hosts, self.people, self.sources = set(), 0, len(sources)
        self.shown = JobProgress("Harvesting", total=sum(len(s.start_urls) for s in sources), unit="page")

    def __call__(self, event, summaries):
        self.people += event.found
        self.hosts.add(event.url.split("/")[2])
        errors = sum(s.errors for s in summaries.values())
        self.shown.update(total=(self.shown.total or 0) + len(event.links),
                          status=f"{len(self.hosts)} hosts ({self.sources} sources), {self.people} people, "
                                 f"{errors} errors")

    def close(self):
        self.shown.close()


@cli.command("reextract")
@click.option("--sources", "sources_file", required=True, type=click.Path(dir_okay=False),
              help="TOML file listing the sources (their institution, country, language and selectors).")
@click.option("--source", "only", multiple=True, help="Read only the source with this name again (repeatable).")
def reextract_command(sources_file, only):
    """Read the pages kept from earlier harvests again, without the network, then update the index:
    after a fix to the extractor or to a source's selectors."""
    from scrapers.job import read_site

    sources = chosen_sources(sources_file, only)
    store = migrate_store()
    settings = crawl_settings()
    with job_lock("scrape"), job_log("reextract"):
        for source in sources:
            urls = store.stored_page_urls(source.name)
            if not urls:
                click.secho(f"  {source.name}: no kept pages (harvest it first: `directory scrape`)", fg="yellow",
                            err=True)
                continue
            read_site(store, source, urls, settings)
            quality = store.source_quality(None, source.name)
            click.echo(f"  {source.name}: {quality['people']} people from {len(urls)} kept pages; title "
                       f"{share(quality['with_title'], quality['people'])}, email "
                       f"{share(quality['with_email'], quality['people'])}, interests "
                       f"{share(quality['with_interests'], quality['people'])}")
        updated, deleted = update_index(store)
    click.echo(f"Index updated ({updated} experts updated, {deleted} removed)")


@cli.command("preview")
@click.argument("url")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False), help="Sources file holding --source.")
@click.option("--source", "source_name", help="Use this source's overrides (needs --sources).")
@click.option("--allow-private-hosts", is_flag=True, default=None, help="Allow loopback and private addresses.")
@click.option("--explain", is_flag=True, help="Say, for each person and field, how it was found; for a page that "
                                             "gives nobody, what was tried.")
def preview_command(url, sources_file, source_name, allow_private_hosts, explain):
    """Fetch one page (obeying robots.txt) and print what would be extracted. Stores nothing."""
    from scrapers.extract import extract
    from scrapers.fetch import Fetcher, FetchError

    source = None
    if source_name:
        if not sources_file:
            fail("--source needs --sources FILE")
        [source] = chosen_sources(sources_file, [source_name])
    settings = crawl_settings(allow_private_hosts=allow_private_hosts)
    fetcher = Fetcher(settings)
    try:
        robots = fetcher.robots(url)  # raises, saying why, when the host is off-limits
        if not robots.can_fetch(url, settings.agent):
            fail(f"robots.txt disallows {url}")
        page = fetcher.get(url, robots=robots)
    except FetchError as error:
        fail(str(error))
    finally:
        fetcher.close()
    if page.status != 200 or not page.is_html:
        fail(f"{url} answered HTTP {page.status} ({page.content_type or 'no content type'})")
    result = extract(page.text, page.url, (source.selectors or None) if source else None,
                     country=source.country if source else None, language=source.language if source else None)
    people = [{**p.record(), **({"found": p.evidence} if explain else {})} for p in result.people]
    output = {"url": page.url, "kind": result.kind, "noindex": result.noindex, "nofollow": result.nofollow,
              "people": people, "profile_links": result.profile_links, "listing_links": result.listing_links}
    if explain and not result.people:
        output["tried"] = result.notes
    click.echo(json.dumps(output, ensure_ascii=False, indent=2))


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve the directory on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to serve the directory on.")
@click.option("--no-serve", is_flag=True, help="Harvest the demo sites, then stop.")
def demo_command(host, port, no_serve):
    """Harvest the bundled demo department sites over HTTP, then serve the directory."""
    from directory.demo.server import demo_sources, serve_demo_sites
    from scrapers.job import harvest

    if not no_serve:
        free_port_or_fail(host, port, "demo")
    store = migrate_store()
    with serve_demo_sites() as addresses, job_lock("scrape", background=no_serve), job_log("scrape"):
        sources = demo_sources(addresses)
        click.echo(f"Harvesting {len(sources)} demo sites on {', '.join(sorted(addresses.values()))} ...")
        run_id, summaries = harvest(sources, store, crawl_settings(delay=0.0, allow_private_hosts=True))
        store.mark_demo([s.name for s in sources])
        update_index(store)
    people = sum(s.people for s in summaries.values())
    click.echo(f"Run {run_id}: {people} people from {len(sources)} demo sites; "
               f"{store.expert_count()} in the directory.")
    if not no_serve:
        from directory.server import serve

        click.echo(f"Serving on http://{host}:{port}/  (Ctrl-C stops)")
        serve(current_app._get_current_object(), host, port, 2)
