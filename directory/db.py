"""Per-request access to the store and the process-wide search index."""
import os

from flask import current_app, g

from directory import migrations
from directory.search import SearchIndex
from directory.store import Store


def get_store():
    """The store for this request or command, opened on first use. A request never changes the schema: on a
    database that `directory init` has not set up, or that a newer version has upgraded, this raises
    DatabaseNotReady or DatabaseTooNew (a 503 saying so), and creates nothing."""
    if "store" not in g:
        ready = current_app.extensions.get("store_ready")
        path = current_app.config["DATABASE"]
        if not ready and not os.path.isfile(path):
            raise migrations.DatabaseNotReady(f"there is no database at {path} yet: run `directory init`")
        store = Store(path, timeout=current_app.config["DATABASE_TIMEOUT"])
        if not ready:
            try:
                migrations.check(store)
            except migrations.StoreError:
                store.db.conn.close()
                raise
            current_app.extensions["store_ready"] = True
        g.store = store
    return g.store


def migrate_store():
    """The store, with the migrations it lacks applied first: for `directory init`, the commands that write and
    `directory serve` before it forks its workers, never for a request."""
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"], timeout=current_app.config["DATABASE_TIMEOUT"])
    migrations.migrate(g.store)
    current_app.extensions["store_ready"] = True
    return g.store


def get_index():
    """The search index, shared by the requests of this process (it reuses searchers)."""
    index = current_app.extensions.get("search_index")
    if index is None:
        index = current_app.extensions["search_index"] = SearchIndex(current_app.config["INDEX"])
    return index


def close_store(_error=None):
    store = g.pop("store", None)
    if store is not None:
        store.db.conn.close()


def init_app(app):
    app.teardown_appcontext(close_store)
