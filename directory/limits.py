"""Rate limits per client (flask-limiter); the limits themselves are settings.

Every worker process of the server counts in one bucket per client: the counters live in a small SQLite file
in the instance folder (``sqlite:///PATH``, the default), which needs no other server.
"""
import logging
import os
import sqlite3
import threading
import time
from urllib.parse import urlsplit

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage

log = logging.getLogger(__name__)
limiter = Limiter(get_remote_address, headers_enabled=True)


def api_limit():
    return current_app.config["API_RATE_LIMIT"]


def search_limit():
    return current_app.config["SEARCH_RATE_LIMIT"]


# One bucket per client for every endpoint that runs a search (the site, the widget, the feed and the API).
# The API blueprint's own limit still applies to its search (override_defaults=False).
searching = limiter.shared_limit(search_limit, scope="search", override_defaults=False)


class SQLiteStorage(Storage):
    """Fixed-window counters in one SQLite file, shared by every process that opens it.

    A request never waits long on it and never fails for it: after a short busy timeout, or when the file
    cannot be written (a full or read-only disk), the request is let through and a warning logged, at most
    once a minute per process.
    """

    STORAGE_SCHEME = ["sqlite"]
    BUSY_TIMEOUT = 0.2  # seconds; a counter update takes microseconds, so this is only ever reached when stuck
    CLEAN_EVERY = 1000  # updates between removals of expired counters, per process

    def __init__(self, uri, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions, **options)
        self.path = urlsplit(uri).path
        self._local = threading.local()
        self._updates = 0
        self._warned = 0.0

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        # One connection per process and thread: gunicorn forks its workers after the app is made.
        if getattr(self._local, "pid", None) != os.getpid():
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("pragma journal_mode=wal")
            conn.execute("pragma synchronous=off")  # counters lost in a power cut only let a few more requests in
            conn.execute("create table if not exists counters (key text primary key, count integer not null, "
                         "expires real not null)")
            self._local.conn, self._local.pid = conn, os.getpid()
        return self._local.conn

    def _fail_open(self, error, value):
        if time.monotonic() - self._warned > 60:
            self._warned = time.monotonic()
            log.warning("rate limits not counted (requests let through): %s: %s", self.path, error)
        self._local.pid = None  # reconnect next time
        return value

    def incr(self, key, expiry, amount=1):
        now = time.time()
        try:
            conn = self._connection()
            count = conn.execute(
                "insert into counters (key, count, expires) values (?1, ?2, ?3) on conflict (key) do update set "
                "count = case when expires <= ?4 then ?2 else count + ?2 end, "
                "expires = case when expires <= ?4 then ?3 else expires end returning count",
                [key, amount, now + expiry, now]).fetchone()[0]
            self._updates += 1
            if self._updates % self.CLEAN_EVERY == 0:
                conn.execute("delete from counters where expires <= ?", [now])
            return count
        except (sqlite3.Error, OSError) as error:
            return self._fail_open(error, 0)

    def get(self, key):
        try:
            row = self._connection().execute("select count from counters where key = ? and expires > ?",
                                              [key, time.time()]).fetchone()
        except (sqlite3.Error, OSError) as error:
            return self._fail_open(error, 0)
        return row[0] if row else 0

    def get_expiry(self, key):
        try:
            row = self._connection().execute("select expires from counters where key = ?", [key]).fetchone()
        except (sqlite3.Error, OSError) as error:
            return self._fail_open(error, time.time())
        return row[0] if row else time.time()

    def check(self):
        try:
            self._connection().execute("select 1").fetchone()
        except (sqlite3.Error, OSError):
            return False
        return True

    def reset(self):
        return self._connection().execute("delete from counters").rowcount

    def clear(self, key):
        self._connection().execute("delete from counters where key = ?", [key])
