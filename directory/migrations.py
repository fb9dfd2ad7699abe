"""The store's schema as named, ordered migrations, each applied once in its own transaction and recorded in
the ``migrations`` table.

`directory init`, the commands that write and `directory serve` (before it forks its workers) apply the ones
a database lacks; a request never does (:func:`check` only looks). A database made before migrations had
names (schema 1 to 4) has no ``migrations`` table: every step below is written so that it finds what is
already there, so such a database takes them all and ends up as a new one. A database that records a
migration this code does not know was upgraded by a newer version and is refused.

Add a change as a new function at the end with a new name; never rename, reorder or edit a shipped one.
"""
import json
from collections.abc import Callable

from directory.languages import stored_language
from directory.paths import DATA
from directory.store import Store, StoreError, now


class DatabaseNotReady(StoreError):
    """The database lacks migrations this code needs: `directory init` applies them."""


class DatabaseTooNew(StoreError):
    """The database was upgraded by a newer version of the directory than this one."""


MIGRATIONS: list[tuple[str, Callable[[Store], None]]] = []


def migration(name):
    """Register the decorated function as the migration ``name``, after those registered before it."""
    def register(function):
        MIGRATIONS.append((name, function))
        return function
    return register


@migration("0001-tables")
def create_tables(store: Store) -> None:
    db = store.db
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["institutions"].create({"id": int, "name": str, "country": str, "domains": str, "web_pages": str},
                              pk="id", if_not_exists=True)
    db["institution_domains"].create({"domain": str, "institution_id": int}, pk="domain", if_not_exists=True)
    db["sources"].create({"name": str, "institution": str, "country": str, "department": str,
                          "start_urls": str, "updated": str}, pk="name", if_not_exists=True)
    db["experts"].create({
        "id": str, "name": str, "title": str, "email": str, "phone": str, "profile_url": str,
        "photo_url": str, "department": str, "institution": str, "country": str, "interests": str,
        "sources": str, "source_urls": str, "field_sources": str, "strategy": str,
        "first_seen": str, "last_verified": str, "last_changed": str, "content_hash": str, "language": str,
        "last_seen_run": int, "missed_runs": int, "may_have_left": int, "demo": int,
    }, pk="id", if_not_exists=True, defaults={"missed_runs": 0, "may_have_left": 0, "demo": 0})
    db["records"].create({"id": int, "source": str, "page_url": str, "record_key": str, "expert_id": str,
                          "data": str, "first_seen": str, "fetched_at": str, "run_id": int},
                         pk="id", if_not_exists=True)
    # Each record's join keys (directory/identity.py), to find the records that may be one person.
    db.execute("create table if not exists record_keys (record_id integer not null"
               " references records(id) on delete cascade, key text not null)")
    # A curator's "not the same person": records (hashed by source, page and name) on two sides.
    db["splits"].create({"id": int, "created": str, "note": str}, pk="id", if_not_exists=True)
    db["split_sides"].create({"split_id": int, "side": int, "source": str, "page_url": str, "name": str},
                             pk=("split_id", "source", "page_url", "name"),
                             foreign_keys=[("split_id", "splits", "id")], if_not_exists=True)
    db["interests"].create({"expert_id": str, "position": int, "phrase": str},
                           pk=("expert_id", "position"), if_not_exists=True)
    db["runs"].create({"id": int, "started": str, "finished": str, "status": str, "pid": int,
                       "sources": str, "summary": str}, pk="id", if_not_exists=True)
    db["pages"].create({"run_id": int, "url": str, "source": str, "depth": int, "status": str,
                        "http_status": int, "error": str, "fetched_at": str, "people": int},
                       pk=("run_id", "url"), if_not_exists=True)
    db["page_cache"].create({"url": str, "source": str, "etag": str, "last_modified": str,
                             "content_hash": str, "links": str, "fetched_at": str}, pk="url", if_not_exists=True)
    db["page_bodies"].create({"url": str, "source": str, "final_url": str, "fetched_at": str,
                              "headers": str, "body": bytes}, pk="url", if_not_exists=True)
    db["suppressions"].create({"key": str, "kind": str, "created": str, "note": str}, pk="key", if_not_exists=True)
    db["referrals"].create({"ref": str, "day": str, "count": int}, pk=("ref", "day"), if_not_exists=True)
    db["referral_batches"].create({"name": str, "folded": str}, pk="name", if_not_exists=True)
    for table, columns in (("records", ["source", "page_url"]), ("records", ["expert_id"]),
                           ("record_keys", ["key"]), ("record_keys", ["record_id"]), ("split_sides", ["page_url"]),
                           ("experts", ["country"]), ("experts", ["last_verified"]), ("experts", ["demo"]),
                           ("pages", ["run_id", "status"]), ("institution_domains", ["institution_id"])):
        db[table].create_index(columns, if_not_exists=True)


@migration("0002-experts-language")
def add_expert_language(store: Store) -> None:
    if "language" not in store.db["experts"].columns_dict:
        store.db["experts"].add_column("language", str)


@migration("0003-index-queue-sequence")
def number_index_queue(store: Store) -> None:
    """Experts waiting for the index. Each change takes a new, never reused sequence number, so a job can
    clear exactly the changes it applied and leave the ones that came in meanwhile."""
    db = store.db
    if "index_queue" in db.table_names() and "seq" not in db["index_queue"].columns_dict:
        db.execute("alter table index_queue rename to index_queue_v2")
    db.execute("create table if not exists index_queue (seq integer primary key autoincrement, "
               "expert_id text not null unique, queued text, erase integer)")
    if "index_queue_v2" in db.table_names():
        db.execute("insert or ignore into index_queue (expert_id, queued) "
                   "select expert_id, queued from index_queue_v2 order by queued")
        db.execute("drop table index_queue_v2")


@migration("0004-other-names-and-erasure-requests")
def add_other_names_and_requests(store: Store) -> None:
    db = store.db
    for table, column, kind in (("experts", "other_names", str), ("suppressions", "request", str),
                                ("index_queue", "erase", int)):
        if column not in db[table].columns_dict:
            db[table].add_column(column, kind)
    db.execute("update suppressions set request = key where request is null")
    db["suppressions"].create_index(["request"], if_not_exists=True)


@migration("0005-experts-from-record-keys")
def regroup_from_record_keys(store: Store) -> None:
    """Experts are recomputed from their records' join keys, not kept in expert_keys (schema 4)."""
    if "expert_keys" in store.db.table_names():
        store.regroup_everyone()
        store.db["expert_keys"].drop()


@migration("0006-institutions")
def seed_institutions(store: Store) -> None:
    """Load the bundled world universities registry (MIT licence, see data/) into an empty table."""
    if store.db["institutions"].count:
        return
    with open(DATA / "world_universities_and_domains.json", encoding="utf-8") as handle:
        universities = json.load(handle)
    rows, domains = [], []
    for number, item in enumerate(universities, 1):
        rows.append({"id": number, "name": item["name"], "country": item.get("alpha_two_code"),
                     "domains": json.dumps(item.get("domains", [])),
                     "web_pages": json.dumps(item.get("web_pages", []))})
        domains.extend({"domain": d.lower(), "institution_id": number} for d in item.get("domains", []))
    store.db["institutions"].insert_all(rows, replace=True, batch_size=2000)
    store.db["institution_domains"].insert_all(domains, ignore=True, batch_size=2000)


@migration("0007-experts-language-told")
def tell_experts_languages(store: Store) -> None:
    """Experts stored without a language get the one their words are surely in, as merging them now keeps it
    (the index tells the same one itself: this only spares each rebuild telling it again)."""
    last = -1
    while rows := store.db.execute("select rowid, title, interests, department from experts where rowid > ?"
                                   " and language is null order by rowid limit 5000", [last]).fetchall():
        told = [(language, rowid) for rowid, title, interests, department in rows
                if (language := stored_language({"title": title, "interests": json.loads(interests or "[]"),
                                                 "department": department}))]
        store.db.conn.executemany("update experts set language = ? where rowid = ?", told)
        last = rows[-1][0]


def applied(store: Store) -> list[str]:
    """Names of the migrations the database records, in the order they were applied."""
    if "migrations" not in store.db.table_names():
        return []
    return [row[0] for row in store.db.execute("select name from migrations order by rowid")]


def pending(store: Store) -> list[str]:
    """Names of the migrations the database lacks, in order; refuses a database newer than this code."""
    done = applied(store)
    known = [name for name, _function in MIGRATIONS]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise DatabaseTooNew(
            f"the database {store.path} was upgraded by a newer version of the directory (it has migrations "
            f"{', '.join(unknown)}, which this version does not know): run that version, or restore a backup "
            "made before the upgrade")
    return [name for name in known if name not in done]


def check(store: Store) -> None:
    """Raise unless the database is exactly as this code expects (for requests, which never migrate)."""
    missing = pending(store)
    if missing:
        raise DatabaseNotReady(f"the database {store.path} is not set up for this version of the directory "
                               f"({len(missing)} migrations to apply): run `directory init`")


def migrate(store: Store) -> list[str]:
    """Apply the migrations the database lacks, in order, each in its own transaction; returns their names.
    Safe to run any number of times, and from two processes at once (each step checks again once it holds the
    write lock)."""
    store.db.execute("create table if not exists migrations (name text primary key, applied text not null)")
    done = []
    functions = dict(MIGRATIONS)
    for name in pending(store):
        with store.transaction():
            if store.db.execute("select 1 from migrations where name = ?", [name]).fetchone():
                continue  # another process applied it meanwhile
            functions[name](store)
            store.db.execute("insert into migrations (name, applied) values (?, ?)", [name, now()])
        done.append(name)
    return done
