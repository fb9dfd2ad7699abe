"""Runs, the crawl frontier and the pages a harvest fetched and kept: what scrapers/job.py writes as it goes."""
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence

import sqlite_utils

from directory.harvest_store import Source
from directory.identity import digest
from directory.store.connection import StoreBase, StoreError, chunks, marks, now
from scrapers.record import normalise_url


class CrawlLog(StoreBase):
    """Sources, runs, their pages and the kept page bodies."""

    def save_sources(self, sources: Iterable[Source]) -> None:
        with self.transaction():
            self._changed()
            for s in sources:
                self.db["sources"].upsert({"name": s.name, "institution": s.institution, "country": s.country,
                                           "department": s.department, "start_urls": json.dumps(list(s.start_urls)),
                                           "updated": now()}, pk="name")

    def unfinished_run(self, source_names: Sequence[str]) -> int | None:
        """The last run over exactly these sources that was killed before finishing."""
        row = self.db.execute(
            "select id, sources from runs where status = 'running' order by id desc limit 1").fetchone()
        if row and sorted(json.loads(row[1])) == sorted(source_names):
            return row[0]
        return None

    def start_run(self, source_names: Sequence[str]) -> int:
        with self.transaction():
            return self.db["runs"].insert({"started": now(), "status": "running", "pid": os.getpid(),
                                           "sources": json.dumps(sorted(source_names))}).last_pk

    def abandon_stale_runs(self) -> None:
        """Runs left 'running' by a killed job are marked interrupted (call while holding the job lock)."""
        with self.transaction():
            self.db.execute("update runs set status = 'interrupted' where status = 'running'")

    def finish_run(self, run_id: int, status: str, summary: dict) -> None:
        with self.transaction():
            self.db["runs"].update(run_id, {"finished": now(), "status": status,
                                            "summary": json.dumps(summary)})

    def runs(self, limit: int = 20) -> list[dict]:
        return list(self.db.query("select * from runs order by id desc limit ?", [limit]))

    def run(self, run_id: int) -> dict:
        try:
            return self.db["runs"].get(run_id)
        except sqlite_utils.db.NotFoundError:
            raise StoreError(f"no run with id {run_id}; `directory runs` lists them") from None

    def run_pages(self, run_id: int) -> list[dict]:
        return list(self.db.query("select * from pages where run_id = ? order by source, rowid", [run_id]))

    def previous_people_count(self, source: str, before_run: int) -> int | None:
        row = self.db.execute(
            "select summary from runs where id < ? and status = 'finished' and summary like ? order by id desc limit 1",
            [before_run, f'%"{source}"%']).fetchone()
        if not row:
            return None
        return json.loads(row[0]).get("sources", {}).get(source, {}).get("people")

    def queue_pages(self, run_id: int, source: str, urls: Iterable[str], depth: int) -> None:
        """Add URLs to a run's frontier; URLs already there, and the profiles of people who opted out, are
        left alone."""
        urls = list(urls)
        held = self.opted_out_profiles(urls)
        with self.transaction():
            self.db["pages"].insert_all(
                ({"run_id": run_id, "url": u, "source": source, "depth": depth, "status": "queued"}
                 for u in urls if u not in held), ignore=True)

    def opted_out_profiles(self, urls: Iterable[str]) -> set[str]:
        """The URLs among ``urls`` that an opt-out holds as someone's profile page (never fetched or kept)."""
        hashed = {u: digest("profile_url", normalise_url(u)) for u in urls if normalise_url(u)}
        held = set()
        for part in chunks(set(hashed.values())):
            held.update(r[0] for r in self.db.execute(f"select key from suppressions where key in ({marks(part)})",
                                                      part))
        return {u for u, key in hashed.items() if key in held}

    def frontier(self, run_id: int, source: str) -> tuple[list[tuple[str, int]], set[str]]:
        """(queued pages, all known URLs) of a source in a run, to resume it."""
        rows = list(self.db.query("select url, depth, status from pages where run_id = ? and source = ?",
                                  [run_id, source]))
        queued = [(r["url"], r["depth"]) for r in rows if r["status"] == "queued"]
        return queued, {r["url"] for r in rows}

    def cached_pages(self, source_names: Sequence[str]) -> dict[str, dict]:
        """{url: validators, hash and links} of the pages these sources fetched before."""
        rows = self.db.query(f"select * from page_cache where source in ({','.join('?' * len(source_names))})",
                             list(source_names))
        return {row["url"]: row for row in rows}

    def record_page(self, run_id: int, source: Source, url: str, status: str, http_status: int | None = None,
                    error: str | None = None, cache: dict | None = None, links: Iterable[tuple[str, int]] = (),
                    depth: int = 0, body: dict | None = None) -> None:
        """Save one fetched page: its status, the links (url, depth) it adds, and its body ({"text",
        "final_url", "headers"}) for reading again without the network (its people are read and saved once
        the source's pages are in: scrapers.job.read_site). All or nothing. The profile page of someone who
        opted out (fetched before they did) is not kept at all."""
        with self.transaction():
            if self.opted_out_profiles([url]):
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
            if cache is not None:
                relative = [(u, d - depth) for u, d in links]
                self.db["page_cache"].upsert({"url": url, "source": source.name, **cache,
                                              "links": json.dumps(relative), "fetched_at": now()}, pk="url")
            for link_depth in sorted({d for _u, d in links}):
                self.queue_pages(run_id, source.name, [u for u, d in links if d == link_depth], link_depth)
            # pages.people stays 0: people are read per source once its pages are in, not per page.
            self.db["pages"].upsert({"run_id": run_id, "url": url, "source": source.name, "status": status,
                                     "http_status": http_status, "error": error, "fetched_at": now(),
                                     "people": 0}, pk=("run_id", "url"))

    def run_page_urls(self, run_id: int, source_name: str) -> list[str]:
        """The pages of a source that a run fetched or found unchanged, in the order it reached them."""
        return [r[0] for r in self.db.execute(
            "select url from pages where run_id = ? and source = ? and status in ('done', 'unchanged') order by rowid",
            [run_id, source_name])]

    def dead_page_urls(self, run_id: int, source_name: str) -> set[str]:
        """Pages of a source that a run found gone (404, 410) or could not fetch."""
        return {r[0] for r in self.db.execute(
            "select url from pages where run_id = ? and source = ? and status in ('gone', 'failed')",
            [run_id, source_name])}

    def stored_page_urls(self, source_name: str) -> list[str]:
        """Every page of a source whose body is kept."""
        return [r[0] for r in self.db.execute("select url from page_bodies where source = ? order by url",
                                              [source_name])]

    def page_bodies(self, urls: Iterable[str]) -> Iterator[tuple[str, str, str, dict]]:
        """(url, final url, text, headers) of the kept pages among ``urls``, in that order."""
        for url in urls:
            row = self.db.execute("select final_url, body, headers from page_bodies where url = ?", [url]).fetchone()
            if row is not None:
                yield url, row[0] or url, zlib.decompress(row[1]).decode("utf-8", "replace"), json.loads(row[2] or "{}")

    def kept_pages(self, source_names: Sequence[str] | None = None) -> Iterator[tuple[str, str, str, dict, str]]:
        """(url, final url, fetched at, headers, text) of every kept page, by source and URL."""
        where, args = ("where source in (%s)" % ",".join("?" * len(source_names)), list(source_names)) \
            if source_names else ("", [])
        for url, final_url, fetched_at, headers, body in self.db.execute(
                f"select url, final_url, fetched_at, headers, body from page_bodies {where} order by source, url",
                args):
            yield url, final_url or url, fetched_at, json.loads(headers or "{}"), zlib.decompress(body).decode(
                "utf-8", "replace")

    def verify_unchanged_page(self, run_id: int, source: Source, url: str) -> None:
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

    def mark_demo(self, source_names: Iterable[str]) -> None:
        """Label the people of these sources as demo data (shown as such in every page)."""
        with self.transaction():
            self._changed()
            for name in source_names:
                self.db.execute("update experts set demo = 1 where id in"
                                " (select expert_id from records where source = ?)", [name])

    def source_quality(self, run_id: int | None, source_name: str) -> dict[str, int]:
        """People a source gave in a run (with ``run_id`` None: gives now), and how many have a title, an
        email, interests."""
        row = self.db.execute(
            "select count(*), count(nullif(e.title, '')), count(nullif(e.email, '')),"
            " sum(e.interests not in ('', '[]')) from experts e where e.id in"
            " (select expert_id from records where source = ? and (? is null or run_id = ?))",
            [source_name, run_id, run_id]).fetchone()
        return {"people": row[0], "with_title": row[1], "with_email": row[2], "with_interests": row[3] or 0}

    def source_names(self) -> list[str]:
        """Every harvested source, by name."""
        return [r[0] for r in self.db.execute("select name from sources order by name")]

    def source_runs(self, source_name: str, limit: int = 10) -> list[tuple[int, str, dict]]:
        """The last ``limit`` ended runs that included a source, oldest first: [(run id, finished, its summary
        of the source)]; a run killed before it ended has none."""
        rows = self.db.execute(
            "select id, finished, summary from runs where status in ('finished', 'failed') and exists"
            " (select 1 from json_each(runs.sources) where value = ?) order by id desc limit ?",
            [source_name, limit]).fetchall()
        return [(run_id, finished, (json.loads(summary or "{}").get("sources") or {}).get(source_name) or {})
                for run_id, finished, summary in reversed(rows)]

    def forget_page(self, source: Source, url: str) -> None:
        """A page answered 404 or 410: its records go, and who is who is worked out again without them
        (a merge the page made is undone; people left with no records go)."""
        with self.transaction():
            affected = [r[0] for r in self.db.execute(
                "select distinct expert_id from records where source = ? and page_url = ?", [source.name, url])]
            self.db.execute("delete from records where source = ? and page_url = ?", [source.name, url])
            self.db.execute("delete from page_cache where url = ?", [url])
            self.db.execute("delete from page_bodies where url = ?", [url])
            self._regroup([], affected)
