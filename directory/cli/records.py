"""The store's contents: `runs`, `sources`, `export`, `import`, `reindex`, `check`, `backup` and `referrals`."""
import json
import os
import sqlite3

import click
from flask import current_app

from directory import referrals
from directory.cli.base import cli, fail, job_lock, read_only_store, update_index
from directory.db import get_index, migrate_store
from directory.exports import export_row
from directory.health import source_health, sparkline
from directory.imports import import_experts
from directory.indexer import check_index, rebuild_index, repair_index
from directory.progress import JobProgress
from directory.search import IndexUnavailable
from directory.store import StoreError


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
            report = import_experts(store, rows)
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


@cli.command("referrals")
def referrals_command():
    """Visits sent by intermediaries' links and widgets, per reference tag (aggregate counts only)."""
    store = read_only_store()
    rows = store.referral_counts(referrals.pending(store, current_app.instance_path))
    if not rows:
        click.echo("No referrals yet. Intermediaries tag their links with ?ref=NAME (see /embed).")
    for ref, count, last_day in rows:
        click.echo(f"{ref:<30} {count:>8}  last {last_day}")
