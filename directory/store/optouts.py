"""Opt-outs: people who asked to be removed, erased now and held out of every later harvest and import."""
import json
import sqlite3

from directory.identity import SEP, digest, names_of, suppression_keys
from directory.store.connection import StoreBase, StoreError, chunks, marks, now
from scrapers.record import is_curated, normalise_email, normalise_name, normalise_url, urls_of


class OptOuts(StoreBase):
    """Suppressions and erasure."""

    def add_suppression(self, email: str | None = None, profile_url: str | None = None, name: str | None = None,
                        institution: str | None = None, note: str | None = None) -> list[str]:
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

    def suppressions(self) -> list[dict]:
        """One row per opt-out as it was asked for: its hashed key, kind, date, note and how many keys it holds."""
        request = "request" if "request" in self.db["suppressions"].columns_dict else "key"  # (before schema 4)
        return list(self.db.query(
            f"select {request} as key, max(case when key = {request} then kind end) as kind, min(created) as created,"
            f" max(note) as note, count(*) as keys from suppressions group by {request} order by 3"))

    def remove_suppression(self, key_prefix: str) -> dict:
        """Lift one opt-out (every key it holds), named by the start of its key."""
        rows = [r for r in self.suppressions() if r["key"].startswith(key_prefix)]
        if len(rows) != 1:
            raise StoreError(f"{len(rows)} opt-outs start with {key_prefix!r}; give more of the key from `optout list`")
        with self.transaction():
            self.db.execute("delete from suppressions where request = ?", [rows[0]["key"]])
        return rows[0]
