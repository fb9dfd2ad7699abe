"""The store's one connection: opening the SQLite file, one transaction() for every unit of work, and
the helpers every role of the store shares."""
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import sqlite_utils

from scrapers.scope import parent_domains

CHUNK = 500  # values per "in (...)" list


class StoreError(Exception):
    """The store cannot do what was asked; the message says why."""


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def open_db(path: str, timeout: float = 30) -> sqlite_utils.Database:
    """Open (creating if needed) the SQLite file with WAL and a busy timeout (seconds). Deleted rows are
    overwritten (secure_delete), so an erased person leaves nothing in the file's free pages."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open database {path}: {error}") from None
    return sqlite_utils.Database(conn)


def chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def open_read_only(path: str, timeout: float = 30) -> sqlite_utils.Database:
    """Open the SQLite file for reading only, changing nothing (not even the journal mode), so that a command
    that only reads works on a full or read-only disk. A read-only disk cannot hold the WAL's shared-memory
    file, and nothing can write there, so the file is then read as immutable."""
    if not os.path.isfile(path):
        raise StoreError(f"there is no database at {path} yet: run `directory init` or a harvest first")
    location = "file:" + quote(os.path.abspath(path))
    try:
        conn = sqlite3.connect(location + "?mode=ro", uri=True, timeout=timeout, check_same_thread=False)
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn = sqlite3.connect(location + "?immutable=1", uri=True, check_same_thread=False)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open database {path}: {error}") from None
    return sqlite_utils.Database(conn)


def marks(values):
    return ",".join("?" * len(values))


class StoreBase:
    """One connection to the SQLite store, shared by every role of the store (directory/store/__init__.py)."""


    def __init__(self, db: str | sqlite_utils.Database, timeout: float = 30):
        self.db = db if isinstance(db, sqlite_utils.Database) else open_db(db, timeout)
        self._institutions = {}  # host: institution, looked up once (the registry does not change)

    @property
    def path(self) -> str:
        """The database file."""
        return self.db.execute("pragma database_list").fetchone()[2]

    def ensure_shape(self) -> list[str]:
        """Create or upgrade every table: apply the migrations the database lacks (directory/migrations.py);
        safe to run any number of times. Returns the names of those applied."""
        from directory.migrations import migrate  # the migrations build on the store

        return migrate(self)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work: all of it lands, or none of it."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _changed(self):
        stamp = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        self.db.execute("insert into meta (key, value) values ('changed', ?) on conflict (key) do update set"
                        " value = max(value, excluded.value)", [stamp])

    def _write(self, table, row, replacing=None):
        """Insert ``row``, or with ``replacing`` (the key column) update the row with the same key. Plain SQL
        on the paths every harvested person takes: sqlite-utils' insert and upsert read the table's shape on
        each call, which was most of the time of an import."""
        columns = list(row)
        sql = f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
        if replacing:
            sql += f" on conflict({replacing}) do update set " + ", ".join(
                f"{column} = excluded.{column}" for column in columns if column != replacing)
        self.db.execute(sql, [row[column] for column in columns])

    # -- institutions (the bundled registry, seeded by a migration) ------------------------

    def institution_from_domains(self, person: dict) -> dict | None:
        """Institution and country from the email's domain or the profile's host, when known."""
        email = person.get("email") or ""
        for host in (email.rpartition("@")[2], urlsplit(person.get("profile_url") or "").hostname):
            found = self.institution_for_host(host) if host else None
            if found:
                return found
        return None

    def institution_for_host(self, host: str | None) -> dict | None:
        """The institution whose domain is a suffix of ``host`` (e.g. eoe.liverpool.ac.uk)."""
        if host not in self._institutions:
            self._institutions[host] = self._institution_for_host(host)
        return self._institutions[host]

    def _institution_for_host(self, host):
        for domain in parent_domains(host):
            row = self.db.execute(
                "select i.name, i.country from institution_domains d join institutions i on i.id = d.institution_id"
                " where d.domain = ?", [domain]).fetchone()
            if row:
                return {"institution": row[0], "country": row[1]}
        return None
