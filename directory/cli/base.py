"""The `directory` command group and what its commands share: the app they run in, clear errors, the
one-writer-at-a-time lock, job logs and the store for a job that only reads."""
import errno
import logging
import os
import re
import sqlite3
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click
from flask import Flask, current_app, g

from directory import create_app
from directory.db import get_index, get_store
from directory.indexer import sync_index
from directory.locks import exclusive_lock
from directory.search import IndexUnavailable
from directory.store import Store, StoreError, open_read_only
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
