"""Per-request access to the store and the process-wide search index."""
from flask import current_app, g

from directory.search import SearchIndex
from directory.store import Store


def get_store():
    """The store for this request or command, opened on first use."""
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"], timeout=current_app.config["DATABASE_TIMEOUT"])
        if not current_app.extensions.get("store_ready"):
            # A fresh instance works before `directory init`; ensure_shape is idempotent.
            g.store.ensure_shape()
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
