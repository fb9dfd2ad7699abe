"""Faults through the real `directory` command: a locked database, a full disk, a missing index, an unreadable
sources file, a reindex killed with SIGKILL. Each gives a message naming the problem, a non-zero exit status,
and leaves the data whole."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from damage import DAMAGES, damage_index

DIRECTORY = Path(sys.executable).parent / "directory"


def directory(instance, *args, timeout=300):
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    return subprocess.run([DIRECTORY, *map(str, args)], env=env, capture_output=True, text=True, timeout=timeout)


def rows_file(path, count, start=0):
    with open(path, "w", encoding="utf-8") as out:
        for n in range(start, start + count):
            out.write(json.dumps({"name": f"Kim Tester{n}", "country": "DE", "institution": "Fault University",
                                  "interests": [f"glass fibre {n}", "tribology"],
                                  "email": f"k{n}@fault.example"}) + "\n")
    return path


def whole(instance):
    """The store passes SQLite's own check and `directory check` finds store and index in step."""
    with sqlite3.connect(instance / "directory.sqlite") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    checked = directory(instance, "check")
    assert checked.returncode == 0
    assert "0 experts missing from the index, 0 indexed but not in the store" in checked.stdout


@pytest.fixture
def instance(tmp_path):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "config.py").write_text("DATABASE_TIMEOUT = 1\n")
    assert directory(folder, "import", rows_file(tmp_path / "first.jsonl", 50)).returncode == 0
    return folder


def test_a_locked_database_is_named_and_the_import_can_be_run_again(instance, tmp_path):
    holder = sqlite3.connect(instance / "directory.sqlite", isolation_level=None)
    holder.execute("begin exclusive")  # another program holds the write lock
    try:
        result = directory(instance, "import", rows_file(tmp_path / "more.jsonl", 20, start=50))
    finally:
        holder.execute("rollback")
        holder.close()
    assert result.returncode == 1 and "database is locked" in result.stderr and "Traceback" not in result.stderr
    whole(instance)
    again = directory(instance, "import", tmp_path / "more.jsonl")
    assert again.returncode == 0 and "Imported 20 experts" in again.stdout
    whole(instance)


@pytest.fixture
def small_disk(tmp_path):
    """A real 6 MB file system (tmpfs), so writes fail with 'No space left on device'."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_named_and_nothing_is_half_written(small_disk, tmp_path):
    instance = small_disk / "instance"
    instance.mkdir()
    assert directory(instance, "import", rows_file(tmp_path / "first.jsonl", 20)).returncode == 0
    before = directory(instance, "export", "--format", "jsonl").stdout
    result = directory(instance, "import", rows_file(tmp_path / "big.jsonl", 20000, start=20))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: the disk is full (")
    assert directory(instance, "export", "--format", "jsonl").stdout == before  # the failed import left nothing
    whole(instance)


def test_a_missing_index_folder_is_reported_then_rebuilt(instance):
    live = (instance / "index").resolve()
    for path in sorted(live.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    live.rmdir()
    checked = directory(instance, "check")
    assert checked.returncode == 1 and "50 experts missing from the index" in checked.stdout
    assert directory(instance, "reindex").returncode == 0
    whole(instance)


def test_an_unreadable_sources_file_is_named(instance, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "x"\n')
    sources.chmod(0)
    if os.access(sources, os.R_OK):  # root reads anything: a folder in its place is unreadable as a file
        sources.chmod(0o644)
        sources.unlink()
        sources.mkdir()
    result = directory(instance, "scrape", "--sources", sources)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert str(sources) in result.stderr


# An index without its table of contents is no index at all to Whoosh (empty, not damaged); Whoosh's writer reads
# the terms files, so an import fails clearly when they are damaged, and goes through when other parts are.
LOOKS_EMPTY = {"no table of contents"}
WRITER_READS = {"zeroed terms", "segment files missing"}


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_index_is_named_by_check_and_import_and_check_repair_rebuilds_it(instance, tmp_path, how):
    damage_index(instance / "index", how)
    checked = directory(instance, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "directory check --repair" in checked.stderr
    if how in LOOKS_EMPTY:
        assert "50 experts missing from the index" in checked.stdout
    else:
        assert "search index" in checked.stderr and "missing or damaged" in checked.stderr
    imported = directory(instance, "import", rows_file(tmp_path / "more.jsonl", 5, start=50))
    assert "Traceback" not in imported.stderr
    if how in WRITER_READS:
        assert imported.returncode == 1
        assert "imported 5 experts" in imported.stderr and "search index" in imported.stderr
    else:
        assert imported.returncode == 0 and "Imported 5 experts" in imported.stdout
    repaired = directory(instance, "check", "--repair")
    assert repaired.returncode == 0 and "Traceback" not in repaired.stderr
    if how in LOOKS_EMPTY:  # a fresh index took the import's five: the other fifty are added
        assert "50 experts missing from the index" in repaired.stdout and "Repaired." in repaired.stdout
    else:
        assert "Rebuilt the index with 55 experts" in repaired.stdout
    whole(instance)


READ_ONLY_COMMANDS = [("export", "--format", "jsonl"), ("export", "--format", "csv"), ("runs",), ("referrals",),
                      ("optout", "list")]


def filled_instance(folder, tmp_path):
    """An instance with experts, an opt-out and spooled referrals, as the read-only commands find it."""
    folder.mkdir()
    assert directory(folder, "import", rows_file(tmp_path / "first.jsonl", 20)).returncode == 0
    assert directory(folder, "optout", "add", "--email", "k3@fault.example", "--note", "ticket-7").returncode == 0
    (folder / "referrals.spool").write_text("2026-12-01\tchamber-1\n")
    db = sqlite3.connect(folder / "directory.sqlite")
    with db:
        db.execute("insert into runs (started, finished, status, sources, summary) values "
                   "('2026-12-01T09:00:00+00:00', '2026-12-01T09:05:00+00:00', 'finished', '[\"fault-source\"]', '{}')")
    db.close()
    return {args: directory(folder, *args).stdout for args in READ_ONLY_COMMANDS}


def assert_read_only_commands_answer(folder, expected):
    for args in READ_ONLY_COMMANDS:
        result = directory(folder, *args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
        assert result.stdout == expected[args] and result.stdout, args
    assert "Kim Tester19" in expected[("export", "--format", "jsonl")] and "ticket-7" in expected[("optout", "list")]
    assert "chamber-1" in expected[("referrals",)] and "fault-source" in expected[("runs",)]


def test_read_only_commands_work_on_a_read_only_disk(small_disk, tmp_path):
    instance = small_disk / "instance"
    expected = filled_instance(instance, tmp_path)
    made = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make the file system read-only here: {made.stderr.decode().strip()}")
    try:
        assert_read_only_commands_answer(instance, expected)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=False)


def test_read_only_commands_work_on_a_full_disk(small_disk, tmp_path):
    instance = small_disk / "instance"
    expected = filled_instance(instance, tmp_path)
    try:
        with open(small_disk / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
    except OSError:
        pass  # the disk is full (already, when the instance filled it)
    assert_read_only_commands_answer(instance, expected)


@pytest.mark.parametrize("args", READ_ONLY_COMMANDS)
def test_read_only_commands_say_when_there_is_no_database_yet_and_create_none(tmp_path, args):
    result = directory(tmp_path / "new", *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "there is no database" in result.stderr and "directory init" in result.stderr
    assert not (tmp_path / "new" / "directory.sqlite").exists()
def children_of(pid):
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(parent) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def alive(pid):
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_a_reindex_killed_with_sigkill_leaves_no_workers_and_no_locks(tmp_path):
    from directory.imports import import_experts
    from directory.store import Store

    instance = tmp_path / "instance"
    instance.mkdir()
    store = Store(str(instance / "directory.sqlite"))
    store.ensure_shape()
    rows = [json.loads(line) for line in rows_file(tmp_path / "rows.jsonl", 20000).read_text().splitlines()]
    import_experts(store, rows)  # enough experts for a reindex in several processes
    store.db.close()
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    job = subprocess.Popen([DIRECTORY, "reindex"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = []
    try:
        deadline = time.monotonic() + 180
        while len(workers) < 2 and time.monotonic() < deadline and job.poll() is None:
            workers = children_of(job.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the reindex never started its worker processes"
        os.kill(job.pid, signal.SIGKILL)
        job.wait()
        deadline = time.monotonic() + 30
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(w) for w in workers), "worker processes outlived their killed parent"
        again = directory(instance, "reindex")
        assert again.returncode == 0 and "Indexed 20000 experts" in again.stdout, again.stderr
        erased = directory(instance, "optout", "add", "--email", "k7@fault.example", timeout=120)
        assert erased.returncode == 0 and "1 expert(s) erased" in erased.stdout, erased.stderr
        whole(instance)
    finally:
        for pid in [job.pid, *workers]:  # on failure, end what this test started, and nothing else
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
