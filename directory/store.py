"""The store: SQLite through sqlite-utils, the source of truth. Only this module writes it.

An expert is derived from the *records* that pages gave for them: each record
keeps its source, page and data, so every field can be traced to its page, and
merges are deterministic (recomputed from records) and reversible.
"""
import json
import os
import sqlite3
import zlib
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from itertools import count as numbers
from urllib.parse import quote, urlsplit

import sqlite_utils

from directory import countries
from directory.identity import (
    SEP,
    clean_other_names,
    digest,
    group,
    host_of,
    is_curated,
    join_keys,
    mint,
    mint_keys,
    names_of,
    normalise_email,
    normalise_name,
    normalise_url,
    same_site,
    shared_addresses,
    suppression_keys,
    urls_of,
)
from scrapers.scope import registrable_domain

EXPERT_FIELDS = ("name", "title", "email", "phone", "profile_url", "photo_url", "department",
                 "institution", "country", "language")
LONGEST_WINS = ("title", "department")
CHUNK = 500  # values per "in (...)" list


class StoreError(Exception):
    """The store cannot do what was asked; the message says why."""


def now():
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def open_db(path, timeout=30):
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


def marks(values):
    return ",".join("?" * len(values))


class Store:
    """All reads and writes of the SQLite store."""

    def __init__(self, db, timeout=30):
        self.db = db if isinstance(db, sqlite_utils.Database) else open_db(db, timeout)
        self._institutions = {}  # host: institution, looked up once (the registry does not change)

    @property
    def path(self) -> str:
        """The database file."""
        return self.db.execute("pragma database_list").fetchone()[2]

    def ensure_shape(self) -> list[str]:
        """Create or upgrade every table: apply the migrations the database lacks (directory/migrations.py);
        safe to run any number of times. Returns the names of those applied."""
        from directory.migrations import migrate  # the migrations build on this module

        return migrate(self)

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
        if host not in self._institutions:
            self._institutions[host] = self._institution_for_host(host)
        return self._institutions[host]

    def _institution_for_host(self, host):
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
            self._changed()
            for s in sources:
                self.db["sources"].upsert({"name": s.name, "institution": s.institution, "country": s.country,
                                           "department": s.department, "start_urls": json.dumps(list(s.start_urls)),
                                           "updated": now()}, pk="name")

    def unfinished_run(self, source_names):
        """The last run over exactly these sources that was killed before finishing."""
        row = self.db.execute(
            "select id, sources from runs where status = 'running' order by id desc limit 1").fetchone()
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
        """Add URLs to a run's frontier; URLs already there, and the profiles of people who opted out, are
        left alone."""
        urls = list(urls)
        held = self.opted_out_profiles(urls)
        with self.transaction():
            self.db["pages"].insert_all(
                ({"run_id": run_id, "url": u, "source": source, "depth": depth, "status": "queued"}
                 for u in urls if u not in held), ignore=True)

    def opted_out_profiles(self, urls):
        """The URLs among ``urls`` that an opt-out holds as someone's profile page (never fetched or kept)."""
        hashed = {u: digest("profile_url", normalise_url(u)) for u in urls if normalise_url(u)}
        held = set()
        for part in chunks(set(hashed.values())):
            held.update(r[0] for r in self.db.execute(f"select key from suppressions where key in ({marks(part)})",
                                                      part))
        return {u for u, key in hashed.items() if key in held}

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
        "headers"}) for reading again without the network. All or nothing. The profile page of someone who
        opted out (fetched before they did) is not kept at all."""
        with self.transaction():
            if self.opted_out_profiles([url, *filter(None, [record_url])]):
                return
            held = self.opted_out_profiles([u for u, _d in links])
            links = [(u, d) for u, d in links if u not in held]
            if body is not None:
                self.db.execute(
                    "insert into page_bodies (url, source, final_url, fetched_at, headers, body)"
                    " values (?, ?, ?, ?, ?, ?)"
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
            "select url from pages where run_id = ? and source = ? and status in ('gone', 'failed')",
            [run_id, source_name])}

    def stored_page_urls(self, source_name):
        """Every page of a source whose body is kept."""
        return [r[0] for r in self.db.execute("select url from page_bodies where source = ? order by url",
                                              [source_name])]

    def page_bodies(self, urls):
        """(url, final url, text, headers) of the kept pages among ``urls``, in that order."""
        for url in urls:
            row = self.db.execute("select final_url, body, headers from page_bodies where url = ?", [url]).fetchone()
            if row is not None:
                yield url, row[0] or url, zlib.decompress(row[1]).decode("utf-8", "replace"), json.loads(row[2] or "{}")

    def kept_pages(self, source_names=None):
        """(url, final url, fetched at, headers, text) of every kept page, by source and URL."""
        where, args = ("where source in (%s)" % ",".join("?" * len(source_names)), list(source_names)) \
            if source_names else ("", [])
        for url, final_url, fetched_at, headers, body in self.db.execute(
                f"select url, final_url, fetched_at, headers, body from page_bodies {where} order by source, url",
                args):
            yield url, final_url or url, fetched_at, json.loads(headers or "{}"), zlib.decompress(body).decode(
                "utf-8", "replace")

    def verify_unchanged_page(self, run_id, source, url):
        """A page that did not change: its people were seen again now."""
        with self.transaction():
            stamp = now()
            self.db.execute("update records set fetched_at = ?, run_id = ? where source = ? and page_url = ?",
                            [stamp, run_id, source.name, url])
            for (expert_id,) in self.db.execute(
                    "select distinct expert_id from records where source = ? and page_url = ?",
                    [source.name, url]).fetchall():
                self.db.execute("update experts set last_verified = ?, last_seen_run = ?, missed_runs = 0,"
                                " may_have_left = 0 where id = ?", [stamp, run_id, expert_id])
                self.queue_for_index(expert_id)

    def mark_demo(self, source_names):
        """Label the people of these sources as demo data (shown as such in every page)."""
        with self.transaction():
            self._changed()
            for name in source_names:
                self.db.execute("update experts set demo = 1 where id in"
                                " (select expert_id from records where source = ?)", [name])

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
        """A page answered 404 or 410: its records go, and who is who is worked out again without them
        (a merge the page made is undone; people left with no records go)."""
        with self.transaction():
            affected = [r[0] for r in self.db.execute(
                "select distinct expert_id from records where source = ? and page_url = ?", [source.name, url])]
            self.db.execute("delete from records where source = ? and page_url = ?", [source.name, url])
            self.db.execute("delete from page_cache where url = ?", [url])
            self.db.execute("delete from page_bodies where url = ?", [url])
            self._regroup([], affected)

    # -- people ----------------------------------------------------------------

    def save_people(self, source, page_url, people, run_id=None, demo=False):
        """Replace what ``page_url`` says about people with ``people`` (dicts), then work out again who is
        who around them. People an opt-out holds are dropped here. Returns the ids of their experts."""
        stamp = now()
        old = self.db.execute("select id, record_key, expert_id, first_seen from records"
                              " where source = ? and page_url = ?", [source.name, page_url]).fetchall()
        old_keys = self._keys_of([r[0] for r in old])
        self.db.execute("delete from records where source = ? and page_url = ?", [source.name, page_url])
        saved = []
        for person in self._cleaned(source, page_url, people):
            keys = self._join_keys(person, source.name, page_url)
            record_key = mint_keys(person, source.name)[0]
            # The record that said this before hands on its expert id, so links to the expert keep working.
            earlier = next((r for r in old if r[1] == record_key), None) or next(
                (r for r in old if old_keys[r[0]] & set(keys)), None)
            record_id = self.db.execute(
                "insert into records (source, page_url, record_key, expert_id, data, first_seen, fetched_at, run_id)"
                " values (?, ?, ?, ?, ?, ?, ?, ?)",
                [source.name, page_url, record_key, earlier and earlier[2], json.dumps(person, ensure_ascii=False),
                 earlier[3] if earlier and earlier[1] == record_key else stamp, stamp, run_id]).lastrowid
            self.db.conn.executemany("insert into record_keys (record_id, key) values (?, ?)",
                                     [(record_id, key) for key in keys])
            saved.append(record_id)
        return self._regroup(saved, [r[2] for r in old], run_id=run_id, demo=demo)

    def _cleaned(self, source, page_url, people):
        """The people of one page as records: empty values dropped, the source's defaults filled in, links
        http(s) only, profile URLs on the page's own site only, and addresses that several differently
        named people share (a department's) taken from all of them."""
        cleaned = []
        for person in people:
            person = {k: v for k, v in person.items() if v not in (None, "", [])}
            if not isinstance(person.get("name"), str) or not normalise_name(person["name"]):
                continue
            for key in ("profile_url", "photo_url"):  # links from scraped data are http(s) only
                if key in person and not str(person[key]).lower().startswith(("http://", "https://")):
                    del person[key]
            if person.get("profile_url") and not same_site(person["profile_url"], page_url):
                del person["profile_url"]  # a page cannot speak for another site's profile pages
            aliases = [u for u in person.pop("alias_urls", None) or [] if isinstance(u, str) and same_site(u, page_url)]
            if aliases:
                person["alias_urls"] = aliases
            clean_other_names(person)
            person.setdefault("institution", source.institution)
            if getattr(source, "language", None):
                person.setdefault("language", source.language)
            person.setdefault("country", source.country)
            if source.department and not person.get("department"):
                person["department"] = source.department
            cleaned.append(person)
        shared = shared_addresses(cleaned)
        for person in cleaned:
            if normalise_email(person.get("email")) in shared:
                del person["email"]
            if normalise_url(person.get("profile_url")) in shared:
                del person["profile_url"]
            if person.get("alias_urls"):
                person["alias_urls"] = [u for u in person["alias_urls"] if normalise_url(u) not in shared]
        return cleaned

    def _join_keys(self, person, source_name, page_url):
        def vouched(email):
            """The page's site can vouch for an email at its own domain, or at its institution's."""
            if is_curated(page_url):
                return True
            domain, host = email.rpartition("@")[2], host_of(page_url)
            if registrable_domain(domain) == registrable_domain(host or ""):
                return True
            mine = self.institution_for_host(host)
            return mine is not None and mine == self.institution_for_host(domain)

        return join_keys(person, source_name, person.get("institution"), vouched)

    def _keys_of(self, record_ids):
        """{record id: its join keys}."""
        keys = defaultdict(set)
        for part in chunks(record_ids):
            for record_id, key in self.db.execute(
                    f"select record_id, key from record_keys where record_id in ({marks(part)})", part):
                keys[record_id].add(key)
        return keys

    def _region(self, record_ids, expert_ids):
        """The records that who-is-who around these records and experts depends on: theirs, those sharing a
        key with them, and so on (closed under keys and experts), each with its join keys."""
        records, experts, keys, keys_of = set(), set(), set(), {}
        todo, todo_experts = set(record_ids), {e for e in expert_ids if e}
        while todo or todo_experts:
            experts |= todo_experts
            for part in chunks(todo_experts):
                todo.update(r[0] for r in self.db.execute(f"select id from records where expert_id in ({marks(part)})",
                                                          part))
            todo -= records
            records |= todo
            todo_experts = set()  # next: the experts of the records just reached, and records sharing their keys
            for part in chunks(todo):
                todo_experts.update(r[0] for r in self.db.execute(
                    f"select distinct expert_id from records where id in ({marks(part)})", part) if r[0])
            todo_experts -= experts
            reached = self._keys_of(todo)
            keys_of.update(reached)
            found = {k for ks in reached.values() for k in ks} - keys
            keys |= found
            todo = set()
            for part in chunks(found):
                todo.update(r[0] for r in self.db.execute(
                    f"select record_id from record_keys where key in ({marks(part)})", part))
            todo -= records
        return {rid: keys_of.get(rid, set()) for rid in records}

    def _regroup(self, record_ids, expert_ids, around=(), run_id=None, demo=False):
        """Work out again which records are one person around ``record_ids`` (just saved), ``expert_ids``
        (changed) and ``around`` (records to look at again), from the records alone; erase anyone with
        saved records whom an opt-out holds; give each person an expert id and rebuild the experts that
        changed. Returns the expert ids of ``record_ids``."""
        expert_ids = {e for e in expert_ids if e}
        region = keys = self._region([*record_ids, *around], expert_ids)
        rows = {}
        for part in chunks(region):
            rows.update((r[0], r) for r in self.db.execute(
                f"select id, source, page_url, data, expert_id, record_key from records where id in ({marks(part)})",
                part))
        people = {rid: json.loads(row[3]) for rid, row in rows.items()}
        held = {rid: row[4] for rid, row in rows.items()}
        before = defaultdict(set)  # expert id: its records, as they were
        for rid, expert_id in held.items():
            if expert_id:
                before[expert_id].add(rid)
        before.update({e: set() for e in expert_ids if e not in before})
        groups = group({rid: ((row[1], row[2], (names_of(people[rid]) or [""])[0], row[5], rid), keys[rid])
                        for rid, row in rows.items()}, self._split_tags(rows, people))
        fresh = set(record_ids)
        matched, kept = [], []
        for members in groups:  # each person with new records is checked whole, not record by record
            request = fresh.intersection(members) and self._opted_out([people[r] for r in members])
            if request:
                matched.append((members, request))
            else:
                kept.append(members)
        for members, request in matched:
            self._erase_records(members, request, [people[r] for others in kept for r in others])
            for expert_id in {held[r] for r in members if held[r]}:
                self.queue_for_index(expert_id, erase=True)
        ids = self._expert_ids(kept, held, {rid: mint_keys(people[rid], rows[rid][1]) for rid in rows}, set(before))
        changed = []
        for members, expert_id in zip(kept, ids):
            moved = [r for r in members if held[r] != expert_id]
            for part in chunks(moved):
                self.db.execute(f"update records set expert_id = ? where id in ({marks(part)})", [expert_id, *part])
            if moved or expert_id in expert_ids or before.get(expert_id) != set(members) or fresh.intersection(members):
                changed.append((expert_id, bool(fresh.intersection(members))))
        for expert_id, seen in changed:  # once every record is where it belongs
            self._rebuild_expert(expert_id, run_id=run_id if seen else None, demo=demo and seen)
        for expert_id in set(before) - set(ids):
            self._delete_expert(expert_id)
        return {expert_id for expert_id, seen in changed if seen}

    def _expert_ids(self, groups, held, mints, old_ids):
        """One expert id per group of records. An id its records held goes to the group that can claim it best
        (made from one of its keys, then held by most of its records), so ids outlive merges, splits and
        changes of data; a group with none makes one from its first record's key, as ids always were."""
        claims = defaultdict(list)
        for number, members in enumerate(groups):
            owned = {mint(key) for r in members for key in mints[r]}
            for expert_id, records in Counter(held[r] for r in members if held[r]).items():
                claims[expert_id].append((expert_id in owned, records, -number))
        chosen = [None] * len(groups)
        for expert_id in sorted(claims):  # the smallest id survives a merge, as it always has
            for _owned, _records, minus in sorted(claims[expert_id], reverse=True):
                if chosen[-minus] is None:
                    chosen[-minus] = expert_id
                    break
        taken = set(filter(None, chosen))
        for number, members in enumerate(groups):
            if chosen[number] is None:
                made = [mint(key) for r in members for key in mints[r]]
                made = chain(made, (digest(*made, str(n))[:16] for n in numbers()))
                chosen[number] = next(i for i in made if i not in taken and (
                    i in old_ids or not self.db.execute("select 1 from experts where id = ?", [i]).fetchone()))
            taken.add(chosen[number])
        return chosen

    def regroup_everyone(self):
        """Work out who is who for every record again (the upgrade to schema 4): keys from each record's data."""
        sources = {r["name"]: r for r in self.db.query("select name, institution from sources")}
        self.db.execute("delete from record_keys")
        for record_id, source, page_url, data in self.db.execute(
                "select id, source, page_url, data from records").fetchall():
            person = json.loads(data)
            person.setdefault("institution", (sources.get(source) or {}).get("institution"))
            self.db.conn.executemany("insert into record_keys (record_id, key) values (?, ?)",
                                     [(record_id, k) for k in self._join_keys(person, source, page_url)])
        done = set()
        for (record_id,) in self.db.execute("select id from records order by id").fetchall():
            if record_id not in done:
                region = self._region([record_id], [])
                self._regroup([], [], around=region)
                done.update(region)

    def _rebuild_expert(self, expert_id, run_id=None, demo=False):
        """Derive an expert's row from all its records (richest value per field wins)."""
        records = list(self.db.query(
            "select source, page_url, data, first_seen, fetched_at from records where expert_id = ?"
            " order by source, page_url",
            [expert_id]))
        existing = next(self.db.query("select * from experts where id = ?", [expert_id]), None)
        self.queue_for_index(expert_id)
        if not records:
            self._delete_expert(expert_id)
            return
        merged, field_sources, interests, strategies, other_names = {}, {}, [], [], []
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
            other_names += data.get("other_names") or []
            if data.get("strategy"):
                strategies.extend(data["strategy"].split("+"))
        if interests:
            field_sources["interests"] = sorted({r["page_url"] for r in records
                                                 if json.loads(r["data"]).get("interests")})
        merged["other_names"] = clean_other_names({"name": merged.get("name"),
                                                   "other_names": other_names}).get("other_names")
        content_hash = digest(json.dumps(merged, sort_keys=True, ensure_ascii=False), *interests)
        stamp = max(r["fetched_at"] for r in records)
        row = {
            "id": expert_id, **{f: merged.get(f) for f in EXPERT_FIELDS},
            "other_names": json.dumps(merged["other_names"] or [], ensure_ascii=False),
            "interests": json.dumps(interests, ensure_ascii=False),
            "sources": json.dumps(sorted({r["source"] for r in records})),
            "source_urls": json.dumps(sorted({r["page_url"] for r in records})),
            "field_sources": json.dumps(field_sources),
            "strategy": "+".join(dict.fromkeys(strategies)),
            "first_seen": min(r["first_seen"] for r in records),
            "last_verified": stamp,
            "last_changed": (stamp if not existing or existing["content_hash"] != content_hash
                             else existing["last_changed"]),
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

    def _delete_expert(self, expert_id, erase=False):
        """The expert row goes (its records have gone or moved to another expert)."""
        for table in ("experts", "interests"):
            self.db.execute(f"delete from {table} where {'id' if table == 'experts' else 'expert_id'} = ?", [expert_id])
        self.queue_for_index(expert_id, erase=erase)

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
        return dict(self.db.execute(
            "select country, count(*) from experts group by country order by 2 desc").fetchall())

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
        """When anything a reader sees last changed (for Last-Modified and feeds): every write that adds,
        changes, hides or removes an expert moves it, and so does the index taking those changes in."""
        row = self.db.execute("select value from meta where key = 'changed'").fetchone()
        return row[0] if row else None

    def _changed(self):
        stamp = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        self.db.execute("insert into meta (key, value) values ('changed', ?) on conflict (key) do update set"
                        " value = max(value, excluded.value)", [stamp])

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
        """The records an expert is made of, in a fixed order (the numbers `split_expert` takes)."""
        return [{**r, "data": json.loads(r["data"])} for r in self.db.query(
            "select id, source, page_url, data, first_seen, fetched_at from records where expert_id = ?"
            " order by source, page_url, id", [expert_id])]

    def queue_for_index(self, expert_id, erase=False):
        """Note that this expert changed; replacing the row gives the change a new sequence number. An
        ``erase`` (an opt-out) stays marked until the index has removed every trace of the expert."""
        self.db.execute("insert or replace into index_queue (expert_id, queued, erase) values (?, ?, max(?, coalesce("
                        "(select erase from index_queue where expert_id = ?), 0)))",
                        [expert_id, now(), int(erase), expert_id])
        self._changed()

    def erasures(self, taken):
        """The ids among ``taken`` (seq, id) queued as erasures: the index must purge them, not just delete."""
        found = set()
        for part in chunks([seq for seq, _id in taken]):
            found.update(r[0] for r in self.db.execute(
                f"select expert_id from index_queue where erase and seq in ({marks(part)})", part))
        return found

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
            self._changed()  # what searches find has changed now
            if upto is not None:
                self.db.execute("delete from index_queue where seq <= ?", [upto])
            self.db.conn.executemany("delete from index_queue where seq = ?", [(seq,) for seq, _id in taken or ()])

    # -- opt-outs ----------------------------------------------------------------

    def add_suppression(self, email=None, profile_url=None, name=None, institution=None, note=None):
        """Record an opt-out and erase the matching people now: every record of each expert it matches, the
        pages stored under their own profile, and (hashed) every key any of those records gave, so that no
        later page, import or harvest can bring any form of them back. Returns the erased expert ids."""
        if email and normalise_email(email):
            kind, key, value = "email", digest("email", normalise_email(email)), "email:" + normalise_email(email)
        elif profile_url and normalise_url(profile_url):
            kind, key, value = "profile_url", digest("profile_url",
                                                     normalise_url(profile_url)), "url:" + normalise_url(profile_url)
        elif name and institution and normalise_name(name) and normalise_name(institution):
            kind, key = "name", digest("name", normalise_name(name), normalise_name(institution))
            value = "name:" + normalise_name(name)
        else:
            raise StoreError("an opt-out needs --email, --profile-url, or both --name and --institution")
        with self.transaction():
            if not self.db.execute("select 1 from suppressions where key = ?", [key]).fetchone():
                self._write("suppressions", {"key": key, "kind": kind, "created": now(), "note": note, "request": key})
            # The join keys narrow the search: this key exactly, or scoped to a source ("KEY<SEP>...").
            candidates = sorted({r[0] for r in self.db.execute(
                "select distinct expert_id from records where id in (select record_id from record_keys"
                " where key = ? or key between ? and ?)", [value, value + SEP, value + SEP + "\U0010ffff"])})
            records = [r[0] for part in chunks(candidates) for r in self.db.execute(
                f"select id from records where expert_id in ({marks(part)})", part)]
            self._regroup(records, candidates)
            erased = [c for c in candidates if not self.db.execute("select 1 from experts where id = ?",
                                                                   [c]).fetchone()]
        self._checkpoint()
        return erased

    def _checkpoint(self):
        """Copy the write-ahead log into the database and empty it, so erased rows linger in neither
        (skipped when a reader holds the log: the next checkpoint does it)."""
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass

    def _opted_out(self, people):
        """The opt-out (its request key) that holds these records of one person, or None. An email or a
        profile URL holds them; a name at their institution holds them unless they have an email (or profile)
        of their own and the opt-out knows the person's, and none is the same (a namesake)."""
        keys = suppression_keys(people)
        found = [r for part in chunks(keys) for r in self.db.execute(
            f"select key, kind, request from suppressions where key in ({marks(part)})", part)]
        for request in sorted({r[2] for r in found}):
            if {r[1] for r in found if r[2] == request} & {"email", "profile_url"}:
                return request
            theirs = self.db.execute("select key, kind from suppressions where request = ? and kind != 'name'",
                                     [request]).fetchall()
            if not any({k for k, kd in keys.items() if kd == kind} and {k for k, kd in theirs if kd == kind}
                       and not {k for k, kd in keys.items() if kd == kind} & {k for k, kd in theirs if kd == kind}
                       for kind in ("email", "profile_url")):
                return request
        return None

    def _erase_records(self, record_ids, request, others):
        """Erase one person's records for the opt-out ``request``: their keys are kept (hashed) under it, except
        keys that ``others`` (people who stay) also give; the pages stored under their own profile go too."""
        rows = [r for part in chunks(record_ids) for r in self.db.execute(
            f"select id, source, page_url, data from records where id in ({marks(part)})", part)]
        people = [json.loads(r[3]) for r in rows]
        shared = {k for person in others for k in suppression_keys([person])}
        note = (self.db.execute("select note from suppressions where key = ?", [request]).fetchone() or [None])[0]
        self.db.conn.executemany(
            "insert or ignore into suppressions (key, kind, created, note, request) values (?, ?, ?, ?, ?)",
            [(key, kind, now(), note, request) for key, kind in suppression_keys(people).items() if key not in shared])
        urls = {u for person in people for u in urls_of(person)}
        for source, page_url in {(r[1], r[2]) for r in rows}:
            # A page that named them keeps no copy and no validators: it is fetched afresh and read again
            # (without them) next time.
            self.db.execute("delete from page_bodies where url = ? or final_url = ?", [page_url, page_url])
            self.db.execute("delete from page_cache where url = ?", [page_url])
            if not is_curated(page_url) and not self.db.execute(
                    f"select 1 from records where source = ? and page_url = ? and id not in ({marks(record_ids)})",
                    [source, page_url, *record_ids]).fetchone():
                urls.add(normalise_url(page_url))  # a page that listed no one else was their own
        self._forget_urls(urls)
        for row, person in zip(rows, people):
            self.db.execute("delete from split_sides where source = ? and page_url = ? and name = ?",
                            [row[1], row[2], (names_of(person) or [""])[0]])
        self.db.execute("delete from split_sides where split_id in (select split_id from split_sides"
                        " group by split_id having count(distinct side) < 2)")
        self.db.execute("delete from splits where id not in (select split_id from split_sides)")
        for part in chunks(record_ids):
            self.db.execute(f"delete from records where id in ({marks(part)})", part)

    def _forget_urls(self, urls):
        """Crawl rows that name these (normalised) URLs go: every run's page rows and the page cache, and the
        URLs leave the links other cached pages keep."""
        for host in sorted({u.partition("/")[0] for u in urls}):
            pattern = f"%{host}%"
            for run_id, url in self.db.execute("select run_id, url from pages where url like ?", [pattern]).fetchall():
                if normalise_url(url) in urls:
                    self.db.execute("delete from pages where run_id = ? and url = ?", [run_id, url])
            for url, final_url in self.db.execute(
                    "select url, final_url from page_bodies where url like ? or final_url like ?",
                    [pattern, pattern]).fetchall():
                if {normalise_url(url), normalise_url(final_url)} & urls:
                    self.db.execute("delete from page_bodies where url = ?", [url])
            for url, links in self.db.execute("select url, links from page_cache where url like ? or links like ?",
                                              [pattern, pattern]).fetchall():
                kept = [link for link in json.loads(links or "[]") if normalise_url(link[0]) not in urls]
                if normalise_url(url) in urls:
                    self.db.execute("delete from page_cache where url = ?", [url])
                elif len(kept) < len(json.loads(links or "[]")):
                    self.db.execute("update page_cache set links = ? where url = ?", [json.dumps(kept), url])

    def suppressions(self):
        """One row per opt-out as it was asked for: its hashed key, kind, date, note and how many keys it holds."""
        request = "request" if "request" in self.db["suppressions"].columns_dict else "key"  # (before schema 4)
        return list(self.db.query(
            f"select {request} as key, max(case when key = {request} then kind end) as kind, min(created) as created,"
            f" max(note) as note, count(*) as keys from suppressions group by {request} order by 3"))

    def remove_suppression(self, key_prefix):
        """Lift one opt-out (every key it holds), named by the start of its key."""
        rows = [r for r in self.suppressions() if r["key"].startswith(key_prefix)]
        if len(rows) != 1:
            raise StoreError(f"{len(rows)} opt-outs start with {key_prefix!r}; give more of the key from `optout list`")
        with self.transaction():
            self.db.execute("delete from suppressions where request = ?", [rows[0]["key"]])
        return rows[0]

    # -- curators' corrections ------------------------------------------------------

    def split_expert(self, expert_id, numbers, note=None):
        """Record that the records ``numbers`` (1-based, as `records_of` lists them) are not the same person as
        the expert's other records, and regroup: the two sides are never joined again, by any later harvest
        or import, until `unsplit`. Returns (split id, [expert ids of the two sides])."""
        records = self.records_of(expert_id)
        if not records:
            raise StoreError(f"no expert with id {expert_id!r}")
        if not numbers or not set(numbers) < set(range(1, len(records) + 1)):
            raise StoreError(f"give some but not all of the record numbers 1-{len(records)} "
                             f"(`directory experts show {expert_id}`)")
        sides = {}
        for number, record in enumerate(records, 1):
            identity = (record["source"], record["page_url"], (names_of(record["data"]) or [""])[0])
            side = int(number in numbers)
            if sides.setdefault(identity, side) != side:
                raise StoreError(f"record {number} comes from the same page under the same name as another record"
                                 " on the other side; they cannot be told apart")
        with self.transaction():
            split_id = self.db["splits"].insert({"created": now(), "note": note}).last_pk
            self.db["split_sides"].insert_all({"split_id": split_id, "side": side, "source": source, "page_url": page,
                                               "name": name} for (source, page, name), side in sides.items())
            self._regroup([], [expert_id], around=[r["id"] for r in records])
            ids = [sorted({r[0] for r in self.db.execute(
                "select expert_id from records where id in (%s)" % marks(side), side)})
                for side in ([r["id"] for n, r in enumerate(records, 1) if n not in numbers],
                             [r["id"] for n, r in enumerate(records, 1) if n in numbers])]
        return split_id, ids

    def unsplit(self, split_id):
        """Forget split ``split_id``: its records may be joined again. Returns the expert ids they now have."""
        sides = list(self.db.query("select source, page_url, name from split_sides where split_id = ?", [split_id]))
        if not sides:
            raise StoreError(f"no split with id {split_id}; `directory experts show ID` lists an expert's splits")
        with self.transaction():
            self.db.execute("delete from split_sides where split_id = ?", [split_id])
            self.db.execute("delete from splits where id = ?", [split_id])
            records = [r["id"] for side in sides for r in self.db.query(
                "select id, data from records where source = ? and page_url = ?", [side["source"], side["page_url"]])
                if (names_of(json.loads(r["data"])) or [""])[0] == side["name"]]
            self._regroup([], [], around=records)
            return sorted({r[0] for part in chunks(records) for r in self.db.execute(
                f"select expert_id from records where id in ({marks(part)})", part)})

    def splits_of(self, expert_id):
        """[(split id, created, note, side)] of the splits that name this expert's records."""
        found = set()
        for record in self.records_of(expert_id):
            found.update(self.db.execute(
                "select s.id, s.created, s.note, d.side from split_sides d join splits s on s.id = d.split_id"
                " where d.source = ? and d.page_url = ? and d.name = ?",
                [record["source"], record["page_url"], (names_of(record["data"]) or [""])[0]]).fetchall())
        return sorted(found)

    def _split_tags(self, rows, people):
        """{record id: {(split id, side)}} for these records (rows by id: id, source, page_url, ...)."""
        tags = defaultdict(set)
        by_page = defaultdict(list)
        for rid, row in rows.items():
            by_page[(row[1], row[2])].append(rid)
        pages = sorted({page for _source, page in by_page})
        for part in chunks(pages):
            for split_id, side, source, page_url, name in self.db.execute(
                    f"select split_id, side, source, page_url, name from split_sides where page_url in ({marks(part)})",
                    part):
                for rid in by_page.get((source, page_url), ()):
                    if (names_of(people[rid]) or [""])[0] == name:
                        tags[rid].add((split_id, side))
        return tags

    # -- import and export -----------------------------------------------------------

    def import_experts(self, rows, source_name="import"):
        """Load experts in the export shape; each row becomes a record of the 'import' source (a row with the
        id of an earlier import replaces it). Returns an ImportReport saying what was kept."""
        from types import SimpleNamespace

        prepared = []
        with self.transaction():
            for number, row in enumerate(rows, 1):
                wrong = [k for k in EXPERT_FIELDS if row.get(k) is not None and not isinstance(row[k], str)]
                wrong += [k for k in ("interests", "other_names") if not isinstance(row.get(k) or [], list)
                          or not all(isinstance(v, str) for v in row.get(k) or [])]
                if wrong:
                    kind = "a list of texts" if wrong[0] in ("interests", "other_names") else "text"
                    raise StoreError(f"row {number}: {wrong[0]!r} must be {kind}")
                row = {**(self.institution_from_domains(row) or {}), **{k: v for k, v in row.items() if v}}
                if not countries.is_country(row.get("country") or ""):
                    raise StoreError(f"row {number}: country {row.get('country')!r} is not an ISO 3166-1 alpha-2 code"
                                     " (and none follows from the email or profile domain)")
                source = SimpleNamespace(name=row.get("source") or source_name, institution=row.get("institution"),
                                         country=row["country"].upper(), department=None)
                person = {k: row.get(k) for k in EXPERT_FIELDS if k != "country"}
                person["interests"] = list(row.get("interests") or [])
                person["other_names"] = row.get("other_names")
                person["strategy"] = "import"
                page = f"import:{row.get('id') or digest(json.dumps(row, sort_keys=True))[:16]}"
                prepared.append((number, source, page, person))
            notes = []
            # Rows of differently named people giving one address: it is nobody's own, and joins no one.
            for address in sorted(shared_addresses([person for *_rest, person in prepared])):
                holders = [number for number, _s, _p, person in prepared
                           if address in (normalise_email(person.get("email")),
                                          normalise_url(person.get("profile_url")))]
                for *_rest, person in (prepared[n - 1] for n in holders):
                    for key, normalise in (("email", normalise_email), ("profile_url", normalise_url)):
                        if normalise(person.get(key)) == address:
                            person[key] = None
                notes.append(f"rows {', '.join(map(str, holders))} give one address ({address}) under different "
                             "names: kept apart, without it")
            pages = Counter(page for _n, _s, page, _p in prepared)
            notes += [f"{n} rows have the id {page[7:]}: the last one is kept" for page, n in pages.items() if n > 1]
            skipped = sum(not self.save_people(source, page, [person]) for _n, source, page, person in prepared)
            by_source = defaultdict(set)
            for _n, source, page, _p in prepared:
                by_source[source.name].add(page)
            experts = {r[0] for name, kept in by_source.items() for part in chunks(kept) for r in self.db.execute(
                f"select distinct expert_id from records where source = ? and page_url in ({marks(part)})",
                [name, *part])}
        return ImportReport(rows=len(prepared), experts=len(experts), skipped=skipped, notes=notes)


@dataclass
class ImportReport:
    """What an import kept: rows read, experts they now make up (rows that are one person count once),
    rows an opt-out held back, and notes on rows that were changed or dropped."""
    rows: int
    experts: int
    skipped: int
    notes: list


def decode_expert(row):
    expert = dict(row)
    for key in ("interests", "sources", "source_urls", "field_sources", "other_names"):
        expert[key] = json.loads(expert[key]) if expert.get(key) else ([] if key != "field_sources" else {})
    expert["country_name"] = countries.country_name(expert.get("country"))
    expert["regions"] = countries.regions_of(expert.get("country"))
    return expert


def export_row(expert):
    """The stable export / API shape of one expert."""
    return {
        "id": expert["id"], "name": expert["name"], "other_names": expert.get("other_names") or [],
        "title": expert.get("title"), "email": expert.get("email"),
        "phone": expert.get("phone"), "profile_url": expert.get("profile_url"),
        "photo_url": expert.get("photo_url"), "institution": expert.get("institution"),
        "country": expert.get("country"), "department": expert.get("department"),
        "interests": expert.get("interests", []), "source": (expert.get("sources") or [None])[0],
        "sources": expert.get("sources", []), "source_urls": expert.get("source_urls", []),
        "first_seen": expert.get("first_seen"), "last_verified": expert.get("last_verified"),
        "may_have_left": bool(expert.get("may_have_left")),
    }
