"""The store: SQLite through sqlite-utils, the source of truth. Only this package writes it.

An expert is derived from the *records* that pages gave for them: each record keeps its source, page and
data, so every field can be traced to its page, and merges are deterministic (recomputed from records by
merge.py, a pure function) and reversible.

One connection and one ``transaction()`` (connection.py); the methods by role, one module each: the crawl log
(crawl_log.py), experts and who is who (experts.py), opt-outs (optouts.py), curators' corrections
(corrections.py), the index queue (index_queue.py), referral counts (referrals.py). The schema is
directory/migrations.py's. Records come in cleaned (scrapers/clean.py), from a harvest or an import.
"""
from directory.store.connection import StoreBase, StoreError, now, open_db, open_read_only
from directory.store.corrections import Corrections
from directory.store.crawl_log import CrawlLog
from directory.store.experts import Expert, Experts, decode_expert
from directory.store.index_queue import IndexQueue
from directory.store.optouts import OptOuts
from directory.store.referrals import Referrals

__all__ = ["Expert", "Store", "StoreError", "decode_expert", "now", "open_db", "open_read_only"]


class Store(CrawlLog, Experts, OptOuts, Corrections, IndexQueue, Referrals, StoreBase):
    """All reads and writes of the SQLite store, over one connection (the roles call one another through
    ``self``: saving people checks opt-outs and queues experts for the index)."""
