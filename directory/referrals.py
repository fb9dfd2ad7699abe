"""Visits sent by intermediaries' ``?ref=`` tags: counts per tag and day, nothing about the visitor.

A request never writes the database for them (it would wait, and fail, while a job holds the write lock):
it appends one line to ``<instance>/referrals.spool``, and the writing jobs (`directory scrape` and `directory
import`) fold the spool into the store. `directory referrals` counts the store and the spool together.
"""
import fcntl
import hashlib
import os
import re
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app
from flask_limiter.util import get_remote_address

from directory.limits import limiter

REF = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\t([A-Za-z0-9._-]{1,64})$")
DAY = 86400


def spool_path(instance_path):
    return Path(instance_path) / "referrals.spool"


def count_visit(ref):
    """Count a visit that arrived with ``ref`` (when it is a valid tag); returns the valid tag or None."""
    if not ref or not REF.match(ref):
        return None
    if within_tag_budget(ref):
        try:
            append(spool_path(current_app.instance_path), f"{datetime.now(timezone.utc).date()}\t{ref}\n")
        except OSError as error:  # a full or read-only disk loses the count, never the page
            current_app.logger.warning("referral not counted: %s", error)
    return ref


def within_tag_budget(ref):
    """Whether this client's visit with ``ref`` is counted: each client brings at most REFERRAL_TAGS_PER_CLIENT
    distinct tags a day into the counts, or one client could make a row for every random tag. Kept in the
    rate-limit store, under a keyed hash of the client's address."""
    if not limiter.enabled:
        return True
    storage, most = limiter.storage, current_app.config["REFERRAL_TAGS_PER_CLIENT"]
    client = hashlib.sha256(f"{current_app.secret_key}\x1f{get_remote_address()}".encode()).hexdigest()[:24]
    refused = f"referral-refused/{client}/{ref}"
    if storage.incr(f"referral-seen/{client}/{ref}", DAY) == 1 and storage.incr(f"referral-tags/{client}", DAY) > most:
        storage.incr(refused, DAY)
    return not storage.get(refused)


def append(path, line):
    """Append ``line`` to the spool, never to a batch a fold has just taken away (see :func:`fold`)."""
    while True:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            try:
                current = os.stat(path).st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                current = False
            if current:
                os.write(descriptor, line.encode())
                return
        finally:
            os.close(descriptor)


def batches(path):
    return sorted(path.parent.glob(path.name + ".*"))


def read_counts(path):
    """{(tag, day): visits} in one spool file (a line cut short by a full disk is skipped)."""
    counts = Counter()
    with open(path, encoding="ascii", errors="replace") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # appends that began before the file was taken finish first
        for line in handle:
            match = LINE.match(line.rstrip("\n"))
            if match:
                counts[match.group(2), match.group(1)] += 1
    return counts


def fold(store, instance_path):
    """Move the spooled visits into the store. Exact across crashes: the spool is renamed to a batch of its own
    name, which the store records with the batch's counts in one transaction, and removed after."""
    path = spool_path(instance_path)
    try:
        os.rename(path, path.with_name(f"{path.name}.{uuid.uuid4().hex}"))
    except FileNotFoundError:
        pass
    for batch in batches(path):
        store.add_referrals(batch.name, read_counts(batch))
        batch.unlink(missing_ok=True)


def pending(store, instance_path):
    """{(tag, day): visits} spooled and not yet in the store (read only)."""
    path = spool_path(instance_path)
    folded = store.referral_batches()
    counts = Counter()
    for spool in [path, *batches(path)]:
        if spool.name not in folded:
            try:
                counts.update(read_counts(spool))
            except FileNotFoundError:  # folded meanwhile
                pass
    return counts
