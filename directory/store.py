"""The store: SQLite through sqlite-utils, the source of truth. Only this module writes it.

An expert is derived from the *records* that pages gave for them: each record
keeps its source, page and data, so every field can be traced to its page, and
merges are deterministic (recomputed from records) and reversible.
"""
import hashlib
import json
import zlib
import os
import sqlite3
import unicodedata
from contextlib import contextmanager
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit, urlunsplit

import sqlite_utils

from directory import countries
from directory.paths import DATA

SCHEMA_VERSION = 3
EXPERT_FIELDS = ("name", "title", "email", "phone", "profile_url", "photo_url", "department",
                 "institution", "country", "language")
# Columns added after a table first shipped: (schema version, table, column, type).
MIGRATIONS = [(2, "experts", "language", str)]
LONGEST_WINS = ("title", "department")


class StoreError(Exception):
    """The store cannot do what was asked; the message says why."""


def now():
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def open_db(path, timeout=30):
    """Open (creating if needed) the SQLite file with WAL and a busy timeout (seconds)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        conn = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open database {path}: {error}") from None
    return sqlite_utils.Database(conn)


def open_read_only(path, timeout=30):
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


def normalise_email(email):
    return (email or "").strip().lower() or None


def normalise_url(url):
    """Compare URLs without scheme, case of host, 'www.', fragment or trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return urlunsplit(("", host, parts.path.rstrip("/") or "/", parts.query, "")).lstrip("/")


def normalise_name(name):
    folded = unicodedata.normalize("NFKD", name or "").casefold()
    return " ".join("".join(ch for ch in folded if not unicodedata.combining(ch)).split())


def digest(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def identity_keys(person, source_name):
    """Keys that identify one person: an email or profile URL anywhere, a name within one source."""
    keys = []
    if person.get("email"):
        keys.append("email:" + normalise_email(person["email"]))
    for url in [person.get("profile_url"), *person.get("alias_urls", [])]:
        if url:
            keys.append("url:" + normalise_url(url))
    keys.append(f"name:{source_name}:{normalise_name(person['name'])}")
    return list(dict.fromkeys(keys))


def suppression_keys(person):
    """Hashed keys an opt-out may have been recorded under (no personal data stored)."""
    keys = []
    if person.get("email"):
        keys.append(digest("email", normalise_email(person["email"])))
    if person.get("profile_url"):
        keys.append(digest("profile_url", normalise_url(person["profile_url"])))
    if person.get("name") and person.get("institution"):
        keys.append(digest("name", normalise_name(person["name"]), normalise_name(person["institution"])))
    return keys


class Store:
    """All reads and writes of the SQLite store."""

    def __init__(self, db, timeout=30):
        self.db = db if isinstance(db, sqlite_utils.Database) else open_db(db, timeout)

    # -- shape -------------------------------------------------------------------

    def ensure_shape(self):
        """Create or upgrade every table; safe to run any number of times."""
        db = self.db
        with self.transaction():
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
            db["expert_keys"].create({"key": str, "expert_id": str}, pk="key", if_not_exists=True)
            db["interests"].create({"expert_id": str, "position": int, "phrase": str},
                                   pk=("expert_id", "position"), if_not_exists=True)
            db["runs"].create({"id": int, "started": str, "finished": str, "status": str, "pid": int,
                               "sources": str, "summary": str}, pk="id", if_not_exists=True)
            db["pages"].create({"run_id": int, "url": str, "source": str, "depth": int, "status": str,
                                "http_status": int, "error": str, "fetched_at": str, "people": int},
                               pk=("run_id", "url"), if_not_exists=True)
            db["page_cache"].create({"url": str, "source": str, "etag": str, "last_modified": str,
                                     "content_hash": str, "links": str, "fetched_at": str},
                                    pk="url", if_not_exists=True)
            db["page_bodies"].create({"url": str, "source": str, "final_url": str, "fetched_at": str,
                                      "headers": str, "body": bytes}, pk="url", if_not_exists=True)
            db["suppressions"].create({"key": str, "kind": str, "created": str, "note": str},
                                      pk="key", if_not_exists=True)
            self._shape_index_queue()
            db["referrals"].create({"ref": str, "day": str, "count": int}, pk=("ref", "day"), if_not_exists=True)
            db["referral_batches"].create({"name": str, "folded": str}, pk="name", if_not_exists=True)
            for table, columns in (("records", ["source", "page_url"]), ("records", ["expert_id"]),
                                   ("expert_keys", ["expert_id"]),
                                   ("experts", ["country"]), ("experts", ["last_verified"]), ("experts", ["demo"]),
                                   ("pages", ["run_id", "status"]), ("institution_domains", ["institution_id"])):
                db[table].create_index(columns, if_not_exists=True)
            for _version, table, column, kind in MIGRATIONS:
                if column not in db[table].columns_dict:
                    db[table].add_column(column, kind)
            db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")
        if not self.db["institutions"].count:
            self.seed_institutions()

    def _shape_index_queue(self):
        """Experts waiting for the index. Each change takes a new, never reused sequence number, so a job can
        clear exactly the changes it applied and leave the ones that came in meanwhile (schema 3)."""
        db = self.db
        if "index_queue" in db.table_names() and "seq" not in db["index_queue"].columns_dict:
            db.execute("alter table index_queue rename to index_queue_v2")
        db.execute("create table if not exists index_queue (seq integer primary key autoincrement, "
                   "expert_id text not null unique, queued text)")
        if "index_queue_v2" in db.table_names():
            db.execute("insert or ignore into index_queue (expert_id, queued) "
                       "select expert_id, queued from index_queue_v2 order by queued")
            db.execute("drop table index_queue_v2")

    def schema_version(self):
        if "meta" not in self.db.table_names():
            return 0
        row = self.db.execute("select value from meta where key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def transaction(self):
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

    # -- institutions --------------------------------------------------------------

    def seed_institutions(self):
        """Load the bundled world universities registry (MIT licence, see data/)."""
        with open(DATA / "world_universities_and_domains.json", encoding="utf-8") as handle:
            universities = json.load(handle)
        with self.transaction():
            rows, domains = [], []
            for number, item in enumerate(universities, 1):
                rows.append({"id": number, "name": item["name"], "country": item.get("alpha_two_code"),
                             "domains": json.dumps(item.get("domains", [])),
                             "web_pages": json.dumps(item.get("web_pages", []))})
                domains.extend({"domain": d.lower(), "institution_id": number} for d in item.get("domains", []))
            self.db["institutions"].insert_all(rows, replace=True, batch_size=2000)
            self.db["institution_domains"].insert_all(domains, ignore=True, batch_size=2000)

    def institution_from_domains(self, person):
        """Institution and country from the email's domain or the profile's host, when known."""
        email = person.get("email") or ""
        for host in (email.rpartition("@")[2], urlsplit(person.get("profile_url") or "").hostname):
            found = self.institution_for_host(host) if host else None
            if found:
                return found
        return None

    def institution_for_host(self, host):
        """The institution whose domain is a suffix of ``host`` (e.g. eoe.liverpool.ac.uk)."""
        labels = (host or "").lower().strip(".").split(".")
        for start in range(len(labels) - 1):
            row = self.db.execute(
                "select i.name, i.country from institution_domains d join institutions i on i.id = d.institution_id"
                " where d.domain = ?", [".".join(labels[start:])]).fetchone()
            if row:
                return {"institution": row[0], "country": row[1]}
        return None

    # -- sources and runs ----------------------------------------------------------

    def save_sources(self, sources):
        with self.transaction():
            for s in sources:
                self.db["sources"].upsert({"name": s.name, "institution": s.institution, "country": s.country,
                                           "department": s.department, "start_urls": json.dumps(list(s.start_urls)),
                                           "updated": now()}, pk="name")

    def unfinished_run(self, source_names):
        """The last run over exactly these sources that was killed before finishing."""
        row = self.db.execute("select id, sources from runs where status = 'running' order by id desc limit 1").fetchone()
        if row and sorted(json.loads(row[1])) == sorted(source_names):
            return row[0]
        return None

    def start_run(self, source_names):
        with self.transaction():
            return self.db["runs"].insert({"started": now(), "status": "running", "pid": os.getpid(),
                                           "sources": json.dumps(sorted(source_names))}).last_pk

    def abandon_stale_runs(self):
        """Runs left 'running' by a killed job are marked interrupted (call while holding the job lock)."""
        with self.transaction():
            self.db.execute("update runs set status = 'interrupted' where status = 'running'")

    def finish_run(self, run_id, status, summary):
        with self.transaction():
            self.db["runs"].update(run_id, {"finished": now(), "status": status,
                                            "summary": json.dumps(summary)})

    def runs(self, limit=20):
        return list(self.db.query("select * from runs order by id desc limit ?", [limit]))

    def run(self, run_id):
        try:
            return self.db["runs"].get(run_id)
        except sqlite_utils.db.NotFoundError:
            raise StoreError(f"no run with id {run_id}; `directory runs` lists them") from None

    def run_pages(self, run_id):
        return list(self.db.query("select * from pages where run_id = ? order by source, rowid", [run_id]))

    def previous_people_count(self, source, before_run):
        row = self.db.execute(
            "select summary from runs where id < ? and status = 'finished' and summary like ? order by id desc limit 1",
            [before_run, f'%"{source}"%']).fetchone()
        if not row:
            return None
        return json.loads(row[0]).get("sources", {}).get(source, {}).get("people")

    # -- the crawl frontier (pages of a run) ---------------------------------------

    def queue_pages(self, run_id, source, urls, depth):
        """Add URLs to a run's frontier; URLs already there are left alone."""
        with self.transaction():
            self.db["pages"].insert_all(
                ({"run_id": run_id, "url": u, "source": source, "depth": depth, "status": "queued"} for u in urls),
                ignore=True)

    def frontier(self, run_id, source):
        """(queued pages, all known URLs) of a source in a run, to resume it."""
        rows = list(self.db.query("select url, depth, status from pages where run_id = ? and source = ?",
                                  [run_id, source]))
        queued = [(r["url"], r["depth"]) for r in rows if r["status"] == "queued"]
        return queued, {r["url"] for r in rows}

    def cached_pages(self, source_names):
        """{url: validators, hash and links} of the pages these sources fetched before."""
        rows = self.db.query(f"select * from page_cache where source in ({','.join('?' * len(source_names))})",
                             list(source_names))
        return {row["url"]: row for row in rows}

    def record_page(self, run_id, source, url, status, http_status=None, error=None, people=None,
                    cache=None, links=(), depth=0, record_url=None, body=None):
        """Save one fetched page: its status, its people (kept under ``record_url`` when the page
        names a canonical URL), the links (url, depth) it adds, and its body ({"text", "final_url",
        "headers"}) for reading again without the network. All or nothing."""
        with self.transaction():
            if body is not None:
                self.db.execute(
                    "insert into page_bodies (url, source, final_url, fetched_at, headers, body) values (?, ?, ?, ?, ?, ?)"
                    " on conflict(url) do update set source = excluded.source, final_url = excluded.final_url,"
                    " fetched_at = excluded.fetched_at, headers = excluded.headers, body = excluded.body",
                    [url, source.name, body["final_url"], now(), json.dumps(body.get("headers") or {}),
                     zlib.compress(body["text"].encode("utf-8", "replace"), 6)])
            if people is not None:
                self.save_people(source, record_url or url, people, run_id)
            if cache is not None:
                relative = [(u, d - depth) for u, d in links]
                self.db["page_cache"].upsert({"url": url, "source": source.name, **cache,
                                              "links": json.dumps(relative), "fetched_at": now()}, pk="url")
            for link_depth in sorted({d for _u, d in links}):
                self.queue_pages(run_id, source.name, [u for u, d in links if d == link_depth], link_depth)
            self.db["pages"].upsert({"run_id": run_id, "url": url, "source": source.name, "status": status,
                                     "http_status": http_status, "error": error, "fetched_at": now(),
                                     "people": len(people or [])}, pk=("run_id", "url"))

    def run_page_urls(self, run_id, source_name):
        """The pages of a source that a run fetched or found unchanged, in the order it reached them."""
        return [r[0] for r in self.db.execute(
            "select url from pages where run_id = ? and source = ? and status in ('done', 'unchanged') order by rowid",
            [run_id, source_name])]

    def dead_page_urls(self, run_id, source_name):
        """Pages of a source that a run found gone (404, 410) or could not fetch."""
        return {r[0] for r in self.db.execute(
            "select url from pages where run_id = ? and source = ? and status in ('gone', 'failed')", [run_id, source_name])}

    def stored_page_urls(self, source_name):
        """Every page of a source whose body is kept."""
        return [r[0] for r in self.db.execute("select url from page_bodies where source = ? order by url", [source_name])]

    def page_bodies(self, urls):
        """(url, final url, text, headers) of the kept pages among ``urls``, in that order."""
        for url in urls:
            row = self.db.execute("select final_url, body, headers from page_bodies where url = ?", [url]).fetchone()
            if row is not None:
                yield url, row[0] or url, zlib.decompress(row[1]).decode("utf-8", "replace"), json.loads(row[2] or "{}")

    def verify_unchanged_page(self, run_id, source, url):
        """A page that did not change: its people were seen again now."""
        with self.transaction():
            stamp = now()
            self.db.execute("update records set fetched_at = ?, run_id = ? where source = ? and page_url = ?",
                            [stamp, run_id, source.name, url])
            for (expert_id,) in self.db.execute("select distinct expert_id from records where source = ? and page_url = ?",
                                                [source.name, url]).fetchall():
                self.db.execute("update experts set last_verified = ?, last_seen_run = ?, missed_runs = 0,"
                                " may_have_left = 0 where id = ?", [stamp, run_id, expert_id])
                self.queue_for_index(expert_id)

    def mark_demo(self, source_names):
        """Label the people of these sources as demo data (shown as such in every page)."""
        with self.transaction():
            for name in source_names:
                self.db.execute("update experts set demo = 1 where id in (select expert_id from records where source = ?)",
                                [name])

    def source_quality(self, run_id, source_name):
        """People a source gave in a run (with ``run_id`` None: gives now), and how many have a title, an
        email, interests."""
        row = self.db.execute(
            "select count(*), count(nullif(e.title, '')), count(nullif(e.email, '')),"
            " sum(e.interests not in ('', '[]')) from experts e where e.id in"
            " (select expert_id from records where source = ? and (? is null or run_id = ?))",
            [source_name, run_id, run_id]).fetchone()
        return {"people": row[0], "with_title": row[1], "with_email": row[2], "with_interests": row[3] or 0}

    def source_names(self):
        """Every harvested source, by name."""
        return [r[0] for r in self.db.execute("select name from sources order by name")]

    def source_runs(self, source_name, limit=10):
        """The last ``limit`` ended runs that included a source, oldest first: [(run id, finished, its summary
        of the source)]; a run killed before it ended has none."""
        rows = self.db.execute(
            "select id, finished, summary from runs where status in ('finished', 'failed') and exists"
            " (select 1 from json_each(runs.sources) where value = ?) order by id desc limit ?",
            [source_name, limit]).fetchall()
        return [(run_id, finished, (json.loads(summary or "{}").get("sources") or {}).get(source_name) or {})
                for run_id, finished, summary in reversed(rows)]

    def forget_page(self, source, url):
        """A page answered 404 or 410: its records go, and people left with none go too."""
        with self.transaction():
            affected = [r[0] for r in self.db.execute(
                "select distinct expert_id from records where source = ? and page_url = ?", [source.name, url])]
            self.db.execute("delete from records where source = ? and page_url = ?", [source.name, url])
            self.db.execute("delete from page_cache where url = ?", [url])
            self.db.execute("delete from page_bodies where url = ?", [url])
            for expert_id in affected:
                self._rebuild_expert(expert_id)

    # -- people ----------------------------------------------------------------

    def save_people(self, source, page_url, people, run_id=None, demo=False):
        """Replace what ``page_url`` says about people with ``people`` (dicts), then
        re-derive each affected expert. Suppressed people are dropped here."""
        stamp = now()
        affected = {r[0] for r in self.db.execute(
            "select expert_id from records where source = ? and page_url = ?", [source.name, page_url])}
        previous = {r[0]: r[1] for r in self.db.execute(
            "select record_key, first_seen from records where source = ? and page_url = ?", [source.name, page_url])}
        self.db.execute("delete from records where source = ? and page_url = ?", [source.name, page_url])
        suppressed = self.suppressed_keys()
        for person in people:
            person = {k: v for k, v in person.items() if v not in (None, "", [])}
            for key in ("profile_url", "photo_url"):  # links from scraped data are http(s) only
                if key in person and not str(person[key]).lower().startswith(("http://", "https://")):
                    del person[key]
            person.setdefault("institution", source.institution)
            if getattr(source, "language", None):
                person.setdefault("language", source.language)
            person.setdefault("country", source.country)
            if source.department and not person.get("department"):
                person["department"] = source.department
            if not person.get("name") or suppressed.intersection(suppression_keys(person)):
                continue
            keys = identity_keys(person, source.name)
            record_key = keys[0]
            expert_id = self._expert_for(keys)
            self._write("records", {"source": source.name, "page_url": page_url, "record_key": record_key,
                                    "expert_id": expert_id, "data": json.dumps(person, ensure_ascii=False),
                                    "first_seen": previous.get(record_key, stamp), "fetched_at": stamp,
                                    "run_id": run_id})
            affected.add(expert_id)
        for expert_id in sorted(affected):
            self._rebuild_expert(expert_id, run_id=run_id, demo=demo)
        return affected

    def _expert_for(self, keys):
        """The expert these identity keys belong to, merging experts the keys join.

        An email or profile URL always joins. A name joins within its source unless the two sides have
        different addresses of the same kind: two people who share a name but have different profile
        URLs (or different emails) stay two people.
        """
        owners = dict(self.db.execute(
            f"select key, expert_id from expert_keys where key in ({','.join('?' * len(keys))})", keys).fetchall())
        strong = [k for k in keys if not k.startswith("name:")]
        found = {owners[k] for k in strong if k in owners}
        for key in keys:
            owner = owners.get(key)
            if key.startswith("name:") and owner and owner not in found and not self._conflicts(owner, strong):
                found.add(owner)
        found = sorted(found)
        if found:
            expert_id = found[0]
            for other in found[1:]:  # two known people turn out to be one: fold deterministically
                self.db.execute("update records set expert_id = ? where expert_id = ?", [expert_id, other])
                self.db.execute("update expert_keys set expert_id = ? where expert_id = ?", [expert_id, other])
                self._rebuild_expert(other)
        else:
            expert_id = digest(keys[0])[:16]
        for key in keys:
            if key.startswith("name:") and owners.get(key) not in (None, *found):
                continue  # the name stays with the namesake who had it first
            self._write("expert_keys", {"key": key, "expert_id": expert_id}, replacing="key")
        return expert_id

    def _conflicts(self, expert_id, keys):
        """Whether an expert has an email (or profile URL) and ``keys`` name another, but not that one."""
        theirs = [r[0] for r in self.db.execute(
            "select key from expert_keys where expert_id = ? and key not like 'name:%'", [expert_id])]
        for kind in ("email:", "url:"):
            mine = {k for k in keys if k.startswith(kind)}
            known = {k for k in theirs if k.startswith(kind)}
            if mine and known and not mine & known:
                return True
        return False

    def _rebuild_expert(self, expert_id, run_id=None, demo=False):
        """Derive an expert's row from all its records (richest value per field wins)."""
        records = list(self.db.query(
            "select source, page_url, data, first_seen, fetched_at from records where expert_id = ? order by source, page_url",
            [expert_id]))
        existing = next(self.db.query("select * from experts where id = ?", [expert_id]), None)
        self.queue_for_index(expert_id)
        if not records:
            self._delete_expert(expert_id)
            return
        merged, field_sources, interests, strategies = {}, {}, [], []
        for record in records:
            data = json.loads(record["data"])
            for field in EXPERT_FIELDS:
                value = data.get(field)
                current = merged.get(field)
                if value and (not current or (field in LONGEST_WINS and len(value) > len(current))):
                    merged[field], field_sources[field] = value, record["page_url"]
            for phrase in data.get("interests", []):
                if phrase.casefold() not in {p.casefold() for p in interests}:
                    interests.append(phrase)
            if data.get("strategy"):
                strategies.extend(data["strategy"].split("+"))
        if interests:
            field_sources["interests"] = sorted({r["page_url"] for r in records if json.loads(r["data"]).get("interests")})
        content_hash = digest(json.dumps(merged, sort_keys=True, ensure_ascii=False), *interests)
        stamp = max(r["fetched_at"] for r in records)
        row = {
            "id": expert_id, **{f: merged.get(f) for f in EXPERT_FIELDS},
            "interests": json.dumps(interests, ensure_ascii=False),
            "sources": json.dumps(sorted({r["source"] for r in records})),
            "source_urls": json.dumps(sorted({r["page_url"] for r in records})),
            "field_sources": json.dumps(field_sources),
            "strategy": "+".join(dict.fromkeys(strategies)),
            "first_seen": min(r["first_seen"] for r in records),
            "last_verified": stamp,
            "last_changed": stamp if not existing or existing["content_hash"] != content_hash else existing["last_changed"],
            "content_hash": content_hash,
            "last_seen_run": run_id if run_id is not None else (existing or {}).get("last_seen_run"),
            "missed_runs": 0 if run_id is not None else (existing or {}).get("missed_runs", 0),
            "may_have_left": 0 if run_id is not None else (existing or {}).get("may_have_left", 0),
            "demo": int(demo or bool(existing and existing["demo"])),
        }
        self._write("experts", row, replacing="id")
        self.db.execute("delete from interests where expert_id = ?", [expert_id])
        self.db.conn.executemany("insert into interests (expert_id, position, phrase) values (?, ?, ?)",
                                 [(expert_id, i, phrase) for i, phrase in enumerate(interests)])

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

    def _delete_expert(self, expert_id):
        for table in ("experts", "interests", "expert_keys", "records"):
            column = "id" if table == "experts" else "expert_id"
            self.db.execute(f"delete from {table} where {column} = ?", [expert_id])
        self.queue_for_index(expert_id)

    def mark_missing(self, run_id, source_name, runs_before_left):
        """After a source finished: people it no longer lists count one more missed run; those who reach
        ``runs_before_left`` are marked as may have left (and hidden from searches, so the index hears)."""
        with self.transaction():
            ids = [r[0] for r in self.db.execute(
                "select distinct expert_id from records as r where source = ? and (run_id is null or run_id != ?) "
                "and not exists (select 1 from records where expert_id = r.expert_id and run_id = ?)",
                [source_name, run_id, run_id])]
            self.db.conn.executemany("update experts set missed_runs = missed_runs + 1 where id = ?",
                                     [(expert_id,) for expert_id in ids])
            for expert_id in ids:
                if self.db.execute("update experts set may_have_left = 1 where id = ? and missed_runs >= ? "
                                   "and not may_have_left", [expert_id, runs_before_left]).rowcount:
                    self.queue_for_index(expert_id)
            return len(ids)

    # -- reading -----------------------------------------------------------------

    def expert(self, expert_id):
        row = next(self.db.query("select * from experts where id = ?", [expert_id]), None)
        return decode_expert(row) if row else None

    def experts(self, ids):
        """Experts by id, in the order given (missing ids skipped)."""
        if not ids:
            return []
        rows = self.db.query(f"select * from experts where id in ({','.join('?' * len(ids))})", list(ids))
        by_id = {r["id"]: decode_expert(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def iter_experts(self, batch=1000):
        last = ""
        while True:
            rows = list(self.db.query("select * from experts where id > ? order by id limit ?", [last, batch]))
            if not rows:
                return
            yield from (decode_expert(r) for r in rows)
            last = rows[-1]["id"]

    def has_demo(self):
        return self.db.execute("select 1 from experts where demo = 1 limit 1").fetchone() is not None

    def expert_count(self):
        return self.db["experts"].count

    def country_counts(self):
        return dict(self.db.execute("select country, count(*) from experts group by country order by 2 desc").fetchall())

    def institution_counts(self, country=None, limit=100, offset=0, hide=True):
        """[(institution, country, experts)] most experts first; with ``hide``, not counting people who may
        have left (as searches do not find them)."""
        conditions = (["country = ?"] if country else []) + (["not may_have_left"] if hide else [])
        where = f"where {' and '.join(conditions)}" if conditions else ""
        return self.db.execute(
            f"select institution, country, count(*) from experts {where} group by institution, country"
            " order by 3 desc, 1 limit ? offset ?", ([country] if country else []) + [limit, offset]).fetchall()

    def stats(self):
        row = self.db.execute("select count(*), count(distinct institution), count(distinct country),"
                              " max(last_verified), max(last_changed) from experts").fetchone()
        return {"experts": row[0], "institutions": row[1], "countries": row[2], "last_verified": row[3],
                "last_changed": row[4], "sources": self.db["sources"].count}

    def last_change(self):
        """When anything a reader sees last changed (for Last-Modified)."""
        return self.db.execute("select max(last_verified) from experts").fetchone()[0]

    def add_referrals(self, batch, counts):
        """Add ``counts`` ({(tag, day): visits}) from the spooled ``batch``, once: a batch already added is
        skipped (a fold that stopped after its commit)."""
        with self.transaction():
            if self.db.execute("select 1 from referral_batches where name = ?", [batch]).fetchone():
                return
            self.db.execute("insert into referral_batches (name, folded) values (?, ?)", [batch, now()])
            self.db.conn.executemany("insert into referrals (ref, day, count) values (?, ?, ?) on conflict (ref, day) "
                                     "do update set count = count + excluded.count",
                                     [(ref, day, n) for (ref, day), n in counts.items()])

    def referral_batches(self):
        """Names of the spooled batches already added."""
        if "referral_batches" not in self.db.table_names():
            return set()
        return {row[0] for row in self.db.execute("select name from referral_batches")}

    def referral_counts(self, pending=()):
        """[(tag, visits, last day)], most visits first, with ``pending`` ({(tag, day): visits}) not yet added."""
        counts, last = {}, {}
        rows = self.db.execute("select ref, day, count from referrals").fetchall() \
            if "referrals" in self.db.table_names() else []
        for ref, day, count in [*rows, *((ref, day, n) for (ref, day), n in dict(pending).items())]:
            counts[ref] = counts.get(ref, 0) + count
            last[ref] = max(last.get(ref, day), day)
        return sorted(((ref, n, last[ref]) for ref, n in counts.items()), key=lambda row: (-row[1], row[0]))

    def records_of(self, expert_id):
        return [{**r, "data": json.loads(r["data"])} for r in self.db.query(
            "select source, page_url, data, first_seen, fetched_at from records where expert_id = ? order by source, page_url",
            [expert_id])]

    def queue_for_index(self, expert_id):
        """Note that this expert changed; replacing the row gives the change a new sequence number."""
        self.db.execute("insert or replace into index_queue (expert_id, queued) values (?, ?)", [expert_id, now()])

    def take_index_queue(self, limit=5000):
        """[(seq, expert id)] of the oldest changes not yet in the index."""
        return self.db.execute("select seq, expert_id from index_queue order by seq limit ?", [limit]).fetchall()

    def last_queued(self):
        """The sequence number of the newest change queued so far (0 when none ever was)."""
        row = self.db.execute("select seq from sqlite_sequence where name = 'index_queue'").fetchone()
        return row[0] if row else 0

    def clear_index_queue(self, taken=None, upto=None):
        """Forget changes now in the index: the (seq, id) pairs ``taken``, or every change up to ``upto``.
        A change queued again since it was taken has a new number and stays."""
        with self.transaction():
            if upto is not None:
                self.db.execute("delete from index_queue where seq <= ?", [upto])
            self.db.conn.executemany("delete from index_queue where seq = ?", [(seq,) for seq, _id in taken or ()])

    # -- opt-outs ----------------------------------------------------------------

    def suppressed_keys(self):
        return {r[0] for r in self.db.execute("select key from suppressions")}

    def add_suppression(self, email=None, profile_url=None, name=None, institution=None, note=None):
        """Record an opt-out and erase the matching people now. Returns erased expert ids."""
        # The identity keys (expert_keys) narrow the search to the few experts who could match.
        if email:
            kind, key = "email", digest("email", normalise_email(email))
            where, value = "key = ?", "email:" + normalise_email(email)
        elif profile_url:
            kind, key = "profile_url", digest("profile_url", normalise_url(profile_url))
            where, value = "key = ?", "url:" + normalise_url(profile_url)
        elif name and institution:
            kind, key = "name", digest("name", normalise_name(name), normalise_name(institution))
            where, value = "key like ? escape '\\'", "name:%:" + normalise_name(name).replace("%", "\\%").replace("_", "\\_")
        else:
            raise StoreError("an opt-out needs --email, --profile-url, or both --name and --institution")
        with self.transaction():
            self.db["suppressions"].upsert({"key": key, "kind": kind, "created": now(), "note": note}, pk="key")
            candidates = sorted({r[0] for r in self.db.execute(
                f"select expert_id from expert_keys where {where}", [value])})
            erased = [i for i in candidates if key in self._all_suppression_keys(i)]
            for expert_id in erased:
                self._delete_expert(expert_id)
        return erased

    def _all_suppression_keys(self, expert_id):
        keys = set()
        for record in self.records_of(expert_id):
            keys.update(suppression_keys(record["data"]))
        return keys

    def suppressions(self):
        return list(self.db.query("select key, kind, created, note from suppressions order by created"))

    def remove_suppression(self, key_prefix):
        rows = [r for r in self.suppressions() if r["key"].startswith(key_prefix)]
        if len(rows) != 1:
            raise StoreError(f"{len(rows)} opt-outs start with {key_prefix!r}; give more of the key from `optout list`")
        with self.transaction():
            self.db["suppressions"].delete(rows[0]["key"])
        return rows[0]

    # -- import and export -----------------------------------------------------------

    def import_experts(self, rows, source_name="import"):
        """Load experts in the export shape; each row becomes a record of the 'import' source."""
        from types import SimpleNamespace

        count = 0
        with self.transaction():
            for row in rows:
                row = {**(self.institution_from_domains(row) or {}), **{k: v for k, v in row.items() if v}}
                if not countries.is_country(row.get("country") or ""):
                    raise StoreError(f"row {count + 1}: country {row.get('country')!r} is not an ISO 3166-1 alpha-2 code"
                                     " (and none follows from the email or profile domain)")
                source = SimpleNamespace(name=row.get("source") or source_name, institution=row.get("institution"),
                                         country=row["country"].upper(), department=None)
                person = {k: row.get(k) for k in EXPERT_FIELDS if k != "country"}
                person["interests"] = list(row.get("interests") or [])
                person["strategy"] = "import"
                page = f"import:{row.get('id') or digest(json.dumps(row, sort_keys=True))[:16]}"
                self.save_people(source, page, [person])
                count += 1
        return count


def decode_expert(row):
    expert = dict(row)
    for key in ("interests", "sources", "source_urls", "field_sources"):
        expert[key] = json.loads(expert[key]) if expert.get(key) else ([] if key != "field_sources" else {})
    expert["country_name"] = countries.country_name(expert.get("country"))
    expert["regions"] = countries.regions_of(expert.get("country"))
    return expert


def export_row(expert):
    """The stable export / API shape of one expert."""
    return {
        "id": expert["id"], "name": expert["name"], "title": expert.get("title"), "email": expert.get("email"),
        "phone": expert.get("phone"), "profile_url": expert.get("profile_url"),
        "photo_url": expert.get("photo_url"), "institution": expert.get("institution"),
        "country": expert.get("country"), "department": expert.get("department"),
        "interests": expert.get("interests", []), "source": (expert.get("sources") or [None])[0],
        "sources": expert.get("sources", []), "source_urls": expert.get("source_urls", []),
        "first_seen": expert.get("first_seen"), "last_verified": expert.get("last_verified"),
        "may_have_left": bool(expert.get("may_have_left")),
    }
