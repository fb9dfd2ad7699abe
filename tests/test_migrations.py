"""Named migrations: applied once each, in order, each in its own transaction; an older database upgraded in
place; a newer one refused; and a request that never changes the schema."""
import json
import os
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from directory import create_app, migrations
from directory.cli import cli
from directory.migrations import MIGRATIONS, DatabaseTooNew, applied, migrate
from directory.server import free_port, wait_until_up
from directory.store import Store

NAMES = [name for name, _function in MIGRATIONS]
SCHEMA_4 = Path(__file__).parent / "data" / "schema-4.sql"
DIRECTORY = Path(sys.executable).parent / "directory"


def schema_4_database(folder):
    """The database the code before named migrations made (tests/data/schema-4.sql) in ``folder``."""
    folder.mkdir(exist_ok=True)
    with sqlite3.connect(folder / "directory.sqlite") as conn:
        conn.executescript(SCHEMA_4.read_text(encoding="utf-8"))
    return folder / "directory.sqlite"


def fresh_app(folder):
    """An app on an instance folder that nothing has set up yet."""
    return create_app({"TESTING": True, "JOB_NICENESS": 0}, instance_path=folder)


def invoke(app, *args):
    return CliRunner().invoke(cli, list(args), obj=app)


def test_a_new_database_takes_every_migration_once_in_order(tmp_path):
    store = Store(str(tmp_path / "new.sqlite"))
    assert migrate(store) == NAMES
    assert applied(store) == NAMES
    seeded = store.db["institutions"].count
    assert seeded > 9000
    assert migrate(store) == []  # safe to repeat
    assert store.db["institutions"].count == seeded


def test_a_database_from_before_named_migrations_is_upgraded_with_its_data(tmp_path):
    path = schema_4_database(tmp_path)
    app = fresh_app(tmp_path)
    assert app.test_client().get("/").status_code == 503  # not upgraded by a request
    result = invoke(app, "init")
    assert result.exit_code == 0, result.output
    store = Store(str(path))
    assert applied(store) == NAMES and store.db["institutions"].count > 9000
    experts = {e["name"]: e for e in store.iter_experts()}
    assert experts["Ann Lee"]["id"] == "11ef2266827aa33f" and experts["Ann Lee"]["interests"] == ["glass", "ceramics"]
    assert set(experts) == {"Ann Lee", "Bo Chan"}
    assert [row["request"] for row in store.db.query("select request from suppressions")] == [
        row["key"] for row in store.db.query("select key from suppressions")]
    assert store.referral_counts() == [("chamber-1", 3, "2026-11-30")]
    assert store.runs()[0]["status"] == "done"
    assert invoke(app, "reindex").exit_code == 0  # the index this database had is not in the fixture
    found = app.test_client().get("/api/v1/search?q=glass").get_json()["results"]
    assert [expert["name"] for expert in found] == ["Ann Lee"]


def test_a_database_newer_than_the_code_is_refused_with_a_clear_message(tmp_path):
    store = Store(str(tmp_path / "directory.sqlite"))
    migrate(store)
    store.db.execute("insert into migrations (name, applied) values ('9999-from-the-future', '2030-01-01')")
    store.db.conn.commit()
    with pytest.raises(DatabaseTooNew, match="newer version of the directory .*9999-from-the-future"):
        migrate(store)
    app = fresh_app(tmp_path)
    result = invoke(app, "init")  # `directory` (cli.main) prints the message after "Error: "
    assert result.exit_code == 1 and "upgraded by a newer version of the directory" in str(result.exception)
    page = app.test_client().get("/")
    assert page.status_code == 503 and "newer version of the directory" in page.get_data(as_text=True)
    answer = app.test_client().get("/api/v1/stats")
    assert answer.status_code == 503 and "newer version" in answer.get_json()["error"]["message"]


def test_a_request_on_a_database_not_set_up_changes_nothing_and_says_to_run_init(tmp_path):
    app = fresh_app(tmp_path)
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503 and "directory init" in page.get_data(as_text=True)
    answer = client.get("/api/v1/stats")
    assert answer.status_code == 503
    assert answer.get_json()["error"]["status"] == 503 and "directory init" in answer.get_json()["error"]["message"]
    assert not (tmp_path / "directory.sqlite").exists()  # no file, no tables, no institutions
    assert invoke(app, "init").exit_code == 0
    assert client.get("/").status_code == 200


def test_a_request_on_a_database_behind_the_code_does_not_upgrade_it(tmp_path):
    store = Store(str(tmp_path / "directory.sqlite"))
    migrate(store)
    store.db.execute("delete from migrations where name = ?", [NAMES[-1]])
    store.db.conn.commit()
    assert fresh_app(tmp_path).test_client().get("/api/v1/stats").status_code == 503
    assert applied(store) == NAMES[:-1]


def test_a_failing_migration_keeps_the_ones_before_it_and_nothing_of_itself(tmp_path, monkeypatch):
    def half_done(store):
        store.db.execute("create table half_done (x)")
        raise RuntimeError("stopped midway")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, ("9000-half-done", half_done)])
    store = Store(str(tmp_path / "s.sqlite"))
    with pytest.raises(RuntimeError):
        migrate(store)
    assert applied(store) == NAMES
    assert "half_done" not in store.db.table_names()


def test_serve_upgrades_the_database_before_its_workers_start(tmp_path):
    instance = tmp_path / "instance"
    path = schema_4_database(instance)
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    base = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen([DIRECTORY, "serve", "--port", base.rsplit(":", 1)[1], "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base, seconds=60)  # the home page answers 200, not 503
        assert urllib.request.urlopen(base + "/api/v1/stats").status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert applied(Store(str(path))) == NAMES


def test_the_command_names_a_database_newer_than_itself(tmp_path):
    store = Store(str(tmp_path / "directory.sqlite"))
    migrate(store)
    store.db.execute("insert into migrations (name, applied) values ('9999-from-the-future', '2030-01-01')")
    store.db.conn.commit()
    result = subprocess.run([DIRECTORY, "reindex"], capture_output=True, text=True,
                            env={**os.environ, "DIRECTORY_INSTANCE": str(tmp_path)}, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: the database ") and "newer version of the directory" in result.stderr


def test_experts_stored_without_a_language_get_the_one_their_words_are_surely_in(tmp_path):
    store = Store(str(tmp_path / "old.sqlite"))
    migrate(store)
    for expert_id, interests in (("de", ["Spritzguss von Kunststoffen", "Werkzeugbau für die Industrie"]),
                                 ("unsure", ["Tribology"]), ("declared", ["Spritzguss von Kunststoffen"])):
        store.db["experts"].insert({"id": expert_id, "name": "A Person", "interests": json.dumps(interests),
                                    "language": "fr" if expert_id == "declared" else None})
    store.db.execute("delete from migrations where name = '0007-experts-language-told'")  # as before it shipped
    assert migrate(store) == ["0007-experts-language-told"]
    assert {row["id"]: row["language"] for row in store.db.query("select id, language from experts")} == {
        "de": "de", "unsure": None, "declared": "fr"}
