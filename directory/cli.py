"""Curator commands: `directory --help` lists them."""
import errno
import json
import logging
import os
import re
import sqlite3
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from flask import Flask, current_app, g

from directory import create_app, referrals
from directory.db import get_index, get_store, migrate_store
from directory.health import share, source_health, sparkline
from directory.indexer import check_index, rebuild_index, repair_index, sync_index
from directory.locks import exclusive_lock
from directory.migrations import applied
from directory.progress import JobProgress
from directory.search import IndexUnavailable
from directory.store import Store, StoreError, export_row, open_read_only
from scrapers.settings import CrawlSettings
from scrapers.sources import SourcesError, load_sources

URL = re.compile(r"https?://[^\s\"'<>]+")


class DirectoryGroup(click.Group):
    """Our own command group, not Flask's CLI (which would add its --app, --debug and the extensions'
    commands): every command runs inside the application, made by create_app() or given as ``obj``."""

    def invoke(self, ctx):
        app = ctx.obj if isinstance(ctx.obj, Flask) else create_app()
        with app.app_context():
            return super().invoke(ctx)


@click.group(cls=DirectoryGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Expertise Directory: harvest university staff pages, index them, and serve the directory.

    The instance folder (database, index, logs, config.py) is ./instance in a checkout,
    or the folder named by $DIRECTORY_INSTANCE.
    """


def main():
    """The `directory` command: problems with the files it works on end with a message, not a traceback."""
    try:
        cli(prog_name="directory")
    except (StoreError, IndexUnavailable) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except (sqlite3.Error, OSError) as error:
        click.echo(f"Error: {file_problem(error)}", err=True)
        sys.exit(1)


def file_problem(error):
    """What went wrong with the database or a file, and what to do about it."""
    if isinstance(error, sqlite3.Error):
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return f"the disk is full ({error}); free space and run the command again"
        return (f"the database could not be used ({error}); if another job is writing, wait for it; "
                "if the disk is full, free space and run the command again")
    where = f"{error.strerror or error} ({error.filename or 'file system'})"
    if error.errno == errno.ENOSPC:
        return f"the disk is full ({where}); free space and run the command again"
    return where


def fail(message):
    raise click.ClickException(message)


def read_only_store():
    """The store for a command that only reads: opened read-only and its schema left alone, so the command
    works on a full or read-only disk and while another job writes."""
    g.store = Store(open_read_only(current_app.config["DATABASE"], current_app.config["DATABASE_TIMEOUT"]))
    return g.store


@contextmanager
def job_lock(name, background=True):
    """One writing job at a time per instance; the lock dies with the process (even kill -9) and is never
    held by the worker processes a job forks, which end with it (directory.locks). A ``background`` job also gives
    way to the web server for the CPU (JOB_NICENESS)."""
    os.makedirs(current_app.instance_path, exist_ok=True)
    with ExitStack() as held:
        try:
            held.enter_context(exclusive_lock(Path(current_app.instance_path) / f"{name}.lock"))
        except BlockingIOError:
            fail(f"another {name} job is running in {current_app.instance_path}; wait for it to finish")
        if background and current_app.config["JOB_NICENESS"]:
            os.nice(current_app.config["JOB_NICENESS"])  # for the rest of the process, and what it starts
        yield


def update_index(store):
    """Bring the index up to date with the store's queued changes; says so when a reindex holds it up."""
    return sync_index(store, get_index(), waiting=lambda: click.echo(
        "Waiting for the running reindex to finish; it takes in these changes too...", err=True))


def crawl_settings(**changes):
    return CrawlSettings.from_mapping(current_app.config).but(**changes)


@cli.command("init")
def init_command():
    """Create or upgrade the database schema and the search index (safe to repeat)."""
    store = migrate_store()
    index = get_index()
    index.ensure()
    if index.outdated():
        click.echo(f"Index built by an older version: rebuilt with {rebuild_index(store, index)} experts")
    click.echo(f"Store ready: {current_app.config['DATABASE']} (migrated to {applied(store)[-1]}, "
               f"{store.db['institutions'].count} institutions, {store.expert_count()} experts)")
    click.echo(f"Index ready: {current_app.config['INDEX']}")


def chosen_sources(sources_file, only):
    """The sources of a sources file, or the ones named with --source; a clear error otherwise."""
    try:
        sources = load_sources(sources_file)
    except SourcesError as error:
        fail(str(error))
    if only:
        unknown = set(only) - {s.name for s in sources}
        if unknown:
            fail(f"no source named {sorted(unknown)[0]!r} in {sources_file}")
        sources = [s for s in sources if s.name in only]
    return sources


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


@contextmanager
def job_log(name):
    """Log a job's pages and errors to <instance>/logs/<name>.log."""
    folder = Path(current_app.instance_path) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(folder / f"{name}.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("scrapers")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
        scrub_logs(get_store())  # a page fetched before its person opted out named them


def scrub_logs(store):
    """Remove the lines of the job logs that name the profile page of someone who opted out."""
    for path in (Path(current_app.instance_path) / "logs").glob("*.log"):
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
        named = store.opted_out_profiles({u for line in lines for u in URL.findall(line)})
        if named:
            kept = [line for line in lines if not named.intersection(URL.findall(line))]
            temporary = path.with_suffix(".scrubbing")
            temporary.write_text("".join(kept), encoding="utf-8")
            os.replace(temporary, path)


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


@cli.command("runs")
@click.argument("action", required=False, type=click.Choice(["show"]))
@click.argument("run_id", required=False, type=int)
def runs_command(action, run_id):
    """List recent scrape runs, or `runs show ID` for one run's pages and errors."""
    store = read_only_store()
    if action == "show":
        if run_id is None:
            fail("give the run id: directory runs show ID")
        try:
            run = store.run(run_id)
        except StoreError as error:
            fail(str(error))
        click.echo(f"Run {run['id']}  {run['status']}  started {run['started']}  finished {run['finished'] or '-'}")
        for name, s in (json.loads(run["summary"] or "{}").get("sources") or {}).items():
            click.echo(f"  {name}: {s['people']} people, {s['pages']} pages, {s['errors']} errors")
        for page in store.run_pages(run_id):
            reason = f"  {page['error']}" if page["error"] else ""
            click.echo(f"  [{page['source']}] {page['status']:<9} {page['http_status'] or '-':>3} "
                       f"{page['url']}{reason}")
        return
    for run in store.runs():
        sources = ", ".join(json.loads(run["sources"]))
        click.echo(f"{run['id']:>5}  {run['status']:<11}  {run['started']}  {sources}")


@cli.command("sources")
@click.option("--runs", default=10, show_default=True, type=click.IntRange(2, 100),
              help="How many recent runs the trend covers.")
def sources_command(runs):
    """Each harvested source's health: people now, the trend over recent runs, last success, errors and
    the share of people with a title, an email and interests; warns of a source that dropped sharply."""
    health = source_health(read_only_store(), runs)
    if not health:
        click.echo("No sources harvested yet: `directory scrape --sources FILE`.")
        return
    width = max(len(h.name) for h in health)
    click.echo(f"{'source':<{width}}  {'people':>6}  {'trend':<{runs}}  {'change':>6}  {'last success':<25}  "
               f"{'errors':>6}  {'title':>5}  {'email':>5}  {'interests':>9}")
    for h in health:
        change = "-" if h.change is None else f"{h.change:+d}"
        click.echo(f"{h.name:<{width}}  {h.people:>6}  {sparkline(h.history):<{runs}}  {change:>6}  "
                   f"{h.last_success or 'never':<25}  {h.errors:>6}  {h.share(h.with_title):>5}  "
                   f"{h.share(h.with_email):>5}  {h.share(h.with_interests):>9}")
    for h in health:
        if h.warning:
            click.secho(f"WARNING {h.name}: {h.warning}", fg="yellow", err=True)


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "warc"]), default="jsonl", show_default=True,
              help="One expert per line (jsonl) or per row (csv); or the kept pages as a web archive (warc).")
@click.option("--source", "only", multiple=True, help="With --format warc: only this source's pages (repeatable).")
@click.option("--output", default="-", help="File to write (default stdout).")
def export_command(fmt, only, output):
    """Export every expert (opted-out people are never in the store), or the kept pages as WARC."""
    from directory.exports import write_csv, write_warc

    store = read_only_store()
    if fmt == "warc":
        if output == "-":
            fail("a WARC file is binary: give --output FILE.warc.gz")
        with open(output, "wb") as handle:
            count = write_warc(handle, store.kept_pages(only or None))
        click.echo(f"Wrote {count} pages to {output}", err=True)
        return
    with click.open_file(output, "w", encoding="utf-8") as handle:
        rows = (export_row(e) for e in store.iter_experts())
        if fmt == "csv":
            write_csv(handle, rows)
            return
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path):
    """Load experts from a JSONL file in the export shape, then update the index."""
    store = migrate_store()
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                fail(f"{path}:{number}: not valid JSON ({error.msg})")
            if not isinstance(row, dict) or not row.get("name"):
                fail(f"{path}:{number}: each line must be an object with at least 'name' and 'country'")
            rows.append(row)
    with job_lock("scrape"):
        referrals.fold(store, current_app.instance_path)
        try:
            report = store.import_experts(rows)
        except StoreError as error:
            fail(f"{path}: {error}; nothing was imported")
        try:
            update_index(store)
        except IndexUnavailable as error:
            fail(f"imported {report.experts} experts from {path} into the store, but {error} "
                 "(or `directory check --repair`)")
    click.echo(f"Imported {report.experts} experts from {path}")
    if report.experts != report.rows or report.notes:
        joined = report.rows - report.skipped - report.experts
        click.echo(f"  {report.rows} rows: {report.skipped} held back by an opt-out, "
                   f"{max(joined, 0)} the same person as another row (one email or profile URL)")
    for note in report.notes:
        click.echo(f"  {note}")


@cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the store and swap it in atomically."""
    store = migrate_store()
    total = store.expert_count()
    # Several processes pay off for large stores only: each one starts up and writes its own segment.
    procs = min(os.cpu_count() or 1, 4) if total >= 20000 else 1
    with job_lock("reindex"):
        with JobProgress("Indexing", total=total, unit="expert") as shown:
            count = rebuild_index(store, get_index(), progress=lambda n: shown.update(), procs=procs)
    click.echo(f"Indexed {count} experts into {current_app.config['INDEX']}")


@cli.command("check")
@click.option("--repair", is_flag=True, help="Fix what is found by updating the index from the store.")
def check_command(repair):
    """Report experts missing from the index, or indexed but no longer in the store, and a damaged index
    (which --repair rebuilds)."""
    store = migrate_store()
    index = get_index()
    try:
        if index.exists():
            index.search(per_page=1)  # reads what every search reads first (stored ids are only a part)
        missing, extra = check_index(store, index)
    except IndexUnavailable as error:
        if not repair:
            fail(f"{error} (or `directory check --repair`)")
        click.echo(f"{error}: rebuilding it from the store", err=True)
        click.echo(f"Rebuilt the index with {rebuild_index(store, index)} experts")
        missing, extra = check_index(store, index)
    click.echo(f"{len(missing)} experts missing from the index, {len(extra)} indexed but not in the store")
    if repair and (missing or extra):
        repair_index(store, index, missing, extra)
        click.echo("Repaired.")
    elif missing or extra:
        fail("store and index disagree; run `directory check --repair`")


@cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Copy the live database to PATH with SQLite's backup API (safe while it is in use). The copy is of the
    database as it is: a backup taken before an upgrade is not upgraded first."""
    store = read_only_store()
    if os.path.exists(path):
        fail(f"{path} exists already; choose a new file")
    try:
        with sqlite3.connect(path) as target:
            store.db.conn.backup(target)
    except sqlite3.Error as error:
        fail(f"backup to {path} failed: {error}")
    click.echo(f"Backed up {current_app.config['DATABASE']} to {path}")


@cli.group("optout")
def optout_group():
    """Opt-outs: people who asked to be removed, erased now and skipped for ever."""


@optout_group.command("add")
@click.option("--email", help="The person's email address.")
@click.option("--profile-url", help="The person's profile page.")
@click.option("--name", help="The person's name (with --institution).")
@click.option("--institution", help="The institution (with --name).")
@click.option("--note", help="A reference for your records, e.g. a ticket number (no personal data).")
def optout_add(email, profile_url, name, institution, note):
    """Record an opt-out and erase the person from the store and the index."""
    store = migrate_store()
    if bool(name) != bool(institution):
        fail("--name and --institution go together")
    try:
        erased = store.add_suppression(email=email, profile_url=profile_url, name=name,
                                       institution=institution, note=note)
    except StoreError as error:
        fail(str(error))
    update_index(store)
    try:
        with job_lock("scrape", background=False):
            scrub_logs(store)
        logs = "and the job logs"
    except click.ClickException:
        logs = "(the running scrape cleans its log of them when it ends)"
    click.echo(f"Opt-out recorded; {len(erased)} expert(s) erased from the store, the index {logs}.")


@optout_group.command("list")
def optout_list():
    """List opt-outs (only hashed keys are kept, never the details themselves)."""
    for row in read_only_store().suppressions():
        click.echo(f"{row['key'][:16]}  {row['kind']:<11}  {row['created']}  {row['keys']:>3} keys  "
                   f"{row['note'] or ''}")


@optout_group.command("remove")
@click.argument("key")
def optout_remove(key):
    """Remove an opt-out by the start of its key (from `optout list`)."""
    try:
        row = migrate_store().remove_suppression(key)
    except StoreError as error:
        fail(str(error))
    click.echo(f"Removed opt-out {row['key'][:16]} ({row['kind']}); the person may be harvested again.")


@cli.group("experts")
def experts_group():
    """Look at how an expert was put together from records, and undo a wrong merge."""


@experts_group.command("show")
@click.argument("expert_id")
def experts_show(expert_id):
    """List an expert's records (numbered, for `experts split`) and the splits that apply to them."""
    store = migrate_store()
    expert = store.expert(expert_id)
    if expert is None:
        fail(f"no expert with id {expert_id!r}")
    click.echo(f"{expert['id']}  {expert['name']}  ({expert.get('institution') or '-'})")
    for number, record in enumerate(store.records_of(expert_id), 1):
        data = record["data"]
        click.echo(f"  {number:>3}  [{record['source']}] {record['page_url']}  {data.get('name')}  "
                   f"{data.get('email') or '-'}  {data.get('profile_url') or '-'}")
    for split_id, created, note, side in store.splits_of(expert_id):
        click.echo(f"  split {split_id} ({created}{', ' + note if note else ''}): these records are side {side}")


@experts_group.command("split")
@click.argument("expert_id")
@click.argument("records", nargs=-1, required=True, type=int)
@click.option("--note", help="Why, for your records (e.g. a ticket number).")
def experts_split(expert_id, records, note):
    """Say that RECORDS (numbers from `experts show`) are not the same person as the expert's other records.

    The two sides become separate experts and stay apart through every later harvest and import
    (`experts unsplit SPLIT` lifts it)."""
    store = migrate_store()
    try:
        split_id, (first, second) = store.split_expert(expert_id, set(records), note=note)
    except StoreError as error:
        fail(str(error))
    update_index(store)
    click.echo(f"Split {split_id}: records {', '.join(map(str, sorted(set(records))))} are now expert(s) "
               f"{', '.join(second)}; the others {', '.join(first)}.")


@experts_group.command("unsplit")
@click.argument("split_id", type=int)
def experts_unsplit(split_id):
    """Lift split SPLIT_ID: its records may be joined into one expert again."""
    store = migrate_store()
    try:
        ids = store.unsplit(split_id)
    except StoreError as error:
        fail(str(error))
    update_index(store)
    click.echo(f"Split {split_id} lifted; its records now make up expert(s) {', '.join(ids)}.")


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


@cli.command("referrals")
def referrals_command():
    """Visits sent by intermediaries' links and widgets, per reference tag (aggregate counts only)."""
    store = read_only_store()
    rows = store.referral_counts(referrals.pending(store, current_app.instance_path))
    if not rows:
        click.echo("No referrals yet. Intermediaries tag their links with ?ref=NAME (see /embed).")
    for ref, count, last_day in rows:
        click.echo(f"{ref:<30} {count:>8}  last {last_day}")


def free_port_or_fail(host, port, command):
    """Stop before any work when the address is taken, saying how to choose another."""
    from directory.server import port_in_use

    problem = port_in_use(host, port)
    if problem:
        fail(f"cannot serve on {host}:{port}: {problem}. Choose another port: "
             f"`make run PORT={port + 1}` or `directory {command} --port {port + 1}` (and HOST= / --host "
             "for another address)")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (about one per core).")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker: 1 (the default) serves most on a busy CPU; more help only while "
                   "requests wait on slow clients without a proxy in front.")
def serve_command(host, port, workers, threads):
    """Serve the site and API with the production server (gunicorn)."""
    from directory.server import serve

    free_port_or_fail(host, port, "serve")
    migrate_store()  # here, before the workers fork: a request never changes the schema
    get_index().ensure()
    click.echo(f"Serving {current_app.config['SITE_NAME']} on http://{host}:{port}/  (Ctrl-C stops)")
    serve(current_app._get_current_object(), host, port, workers, threads)


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
