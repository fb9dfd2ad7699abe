"""Referral counts (?ref=) never make a request wait on a writer, and one client cannot flood them."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

DIRECTORY = Path(sys.executable).parent / "directory"
HOLD_WRITE_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("begin immediate")  # the write lock, as a long import or scrape holds it
print("locked", flush=True)
sys.stdin.read()  # until the test closes it
db.execute("rollback")
"""


def test_a_referral_link_is_answered_while_another_process_holds_the_write_lock(app, client, fill, runner):
    app.config["DATABASE_TIMEOUT"] = 2  # on main each such request waited this long, then answered 500
    fill([{"name": "Ann Lee", "country": "GB", "interests": ["glass ceramics"]}])
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, app.config["DATABASE"]],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for path in ("/search?q=glass&ref=chamber-1", "/embed/results?q=glass&ref=chamber-1"):
            response = client.get(path)
            assert response.status_code == 200 and "Ann Lee" in response.get_data(as_text=True), path
        assert client.get("/?ref=chamber-1").status_code == 200
        counted = runner("referrals")  # read-only: counts what is still spooled
        assert counted.exit_code == 0 and "chamber-1" in counted.output and " 2 " in counted.output
    finally:
        holder.stdin.close()
        holder.wait(timeout=20)


def test_one_client_brings_at_most_the_allowed_number_of_distinct_tags(app, client, fill, runner):
    app.config.update(REFERRAL_TAGS_PER_CLIENT=5, SEARCH_RATE_LIMIT="1000 per minute")
    fill([{"name": "Ann Lee", "country": "GB", "interests": ["glass ceramics"]}])
    for _ in range(200):
        assert client.get(f"/search?q=glass&ref={secrets.token_hex(6)}").status_code == 200
    for _ in range(3):
        client.get("/search?q=glass&ref=first-of-many")  # a tag beyond the budget stays uncounted
    lines = [line for line in runner("referrals").output.splitlines() if line.strip()]
    assert len(lines) == 5 and "first-of-many" not in "".join(lines)
    other = app.test_client()
    other.get("/search?q=glass&ref=chamber-1", environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert "chamber-1" in runner("referrals").output  # another client has a budget of its own


def test_spooled_visits_are_folded_into_the_store_once_by_a_writing_job(app, client, fill, runner, tmp_path):
    fill([{"name": "Ann Lee", "country": "GB", "interests": ["glass ceramics"]}])
    for _ in range(3):
        client.get("/search?q=glass&ref=chamber-1")
    before = runner("referrals").output
    rows = tmp_path / "more.jsonl"
    rows.write_text(json.dumps({"name": "Bo Chan", "country": "CN", "interests": ["glass"]}) + "\n")
    assert runner("import", str(rows)).exit_code == 0
    assert not list(Path(app.instance_path).glob("referrals.spool*"))  # all in the store now
    assert runner("referrals").output == before and " 3 " in before
    client.get("/search?q=glass&ref=chamber-1")
    assert " 4 " in runner("referrals").output


def test_referrals_through_the_real_command_while_the_database_is_locked(tmp_path):
    instance = tmp_path / "instance"
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"name": "Ann Lee", "country": "GB", "interests": ["glass"]}) + "\n")
    subprocess.run([DIRECTORY, "import", str(rows)], env=env, check=True, capture_output=True, timeout=120)
    (instance / "referrals.spool").write_text("2026-12-01\tchamber-1\n2026-12-01\tchamber-1\ncut short\n")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(instance / "directory.sqlite")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        shown = subprocess.run([DIRECTORY, "referrals"], env=env, capture_output=True, text=True, timeout=60)
    finally:
        holder.stdin.close()
        holder.wait(timeout=20)
    assert shown.returncode == 0 and "chamber-1" in shown.stdout and "2  last 2026-12-01" in shown.stdout
