"""The postings of each segment's common terms, decoded once when the segment is written and kept beside it.

Decoding postings costs a third of a microsecond a posting: a word that hundreds of thousands of profiles hold
("research", "engineering") cost a new search tens of milliseconds at a million profiles, each time a fresh worker
met it. A segment never changes once written (deletions are masked elsewhere), so the document numbers and weights
of its common terms are written once, as arrays beside its files, and read through memory maps: nothing to decode,
and the pages are shared between workers. The files are named like the segment's own, so Whoosh deletes them with
it; a segment without them (written by older code, or before they were) is simply decoded as before.
"""
import json
import os
from pathlib import Path

import numpy as np

from directory.search.internals import posting_arrays

COMMON = 5_000  # documents of one segment: a term held by this many is kept decoded (some 1.5 ms to decode)
# Fields whose terms are kept from fewer documents: a search takes ten whole interests near its words in meaning
# (``sentences``), new to a fresh worker, and decoding them was a sixth of a new search's time at a million
# profiles. A profile holds some ten interests, so keeping them all costs at most 80 bytes a profile.
COMMON_IN = {"whole_interest": 500}
IDS, WEIGHTS, TERMS = ".common_ids.npy", ".common_weights.npy", ".common_terms.json"


def write(folder, reader, fieldnames):
    """Keep the postings of the terms of ``fieldnames`` that at least COMMON documents (COMMON_IN a field's own
    number) of the segment that ``reader`` reads hold, unless they are kept already."""
    segment = reader.segment()
    if segment is None or _path(folder, segment, TERMS).exists():
        return
    terms, ids, weights, at = {}, [], [], 0
    for fieldname in fieldnames:
        if fieldname not in reader.schema:
            continue
        least = COMMON_IN.get(fieldname, COMMON)
        for text, info in reader.iter_field(fieldname):
            if info.doc_frequency() >= least:
                found, weight = posting_arrays(reader, fieldname, text.decode())
                terms.setdefault(fieldname, {})[text.decode()] = [at, at + len(found)]
                ids.append(found)
                weights.append(weight)
                at += len(found)
    # Arrays first, each under a hidden name and then renamed, the list of terms last: a reader that finds the
    # list finds the whole.
    for name, parts, dtype in ((IDS, ids, np.int32), (WEIGHTS, weights, np.float32)):
        write_whole(_path(folder, segment, name), lambda handle, parts=parts, dtype=dtype: np.save(
            handle, np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)))
    write_whole(_path(folder, segment, TERMS), lambda handle: handle.write(json.dumps(terms).encode()))


def read(folder, reader):
    """{(field, text): (document numbers, weights)} of the kept common terms of ``reader``'s segment: None while
    they are not written (yet), {} when there are none or they are damaged (those terms are then decoded)."""
    segment = reader.segment()
    if segment is None:
        return {}
    if not _path(folder, segment, TERMS).exists():
        return None
    try:
        terms = json.loads(_path(folder, segment, TERMS).read_text())
        # Plain arrays over the maps (a memmap's arithmetic would give memmaps not backed by any file).
        ids = np.load(_path(folder, segment, IDS), mmap_mode="r").view(np.ndarray)
        weights = np.load(_path(folder, segment, WEIGHTS), mmap_mode="r").view(np.ndarray)
        spans = [(fieldname, text, int(start), int(stop)) for fieldname, texts in terms.items()
                 for text, (start, stop) in texts.items()]
        sound = (ids.dtype == np.int32 and weights.dtype == np.float32 and ids.ndim == weights.ndim == 1
                 and len(ids) == len(weights) and all(0 <= start <= stop <= len(ids) for *_, start, stop in spans)
                 and (not len(ids) or 0 <= ids.min() and ids.max() < reader.doc_count_all()))
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}
    if not sound:
        return {}
    return {(fieldname, text): (ids[start:stop], weights[start:stop]) for fieldname, text, start, stop in spans}


def _path(folder, segment, name):
    """The file ``name`` of ``segment``: named like the segment's own, so that Whoosh deletes it with them."""
    return Path(folder) / segment.make_filename(name)


def write_whole(path, write_to):
    """Write ``path`` whole or not at all: under a hidden name (Whoosh leaves names starting with "." alone),
    on disk before it is renamed."""
    hidden = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(hidden, "wb") as handle:
            write_to(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(hidden, path)
    finally:
        hidden.unlink(missing_ok=True)
