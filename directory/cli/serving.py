"""Setting up and serving: `directory init` (migrations and the index) and `directory serve` (gunicorn)."""

import click
from flask import current_app

from directory.cli.base import cli, fail
from directory.db import get_index, migrate_store
from directory.indexer import rebuild_index
from directory.migrations import applied


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
