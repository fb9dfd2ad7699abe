"""The walking skeleton: harvest real HTTP sites through the CLI, then find the people."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from directory import create_app

DIRECTORY = Path(sys.executable).parent / "directory"


def test_directory_scrape_through_the_console_script_then_search_api_and_html(demo_sources_file, tmp_path):
    instance = tmp_path / "instance"
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    init = subprocess.run([DIRECTORY, "init"], env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    scrape = subprocess.run([DIRECTORY, "scrape", "--sources", demo_sources_file, "--delay", "0",
                             "--allow-private-hosts"], env=env, capture_output=True, text=True, timeout=300)
    assert scrape.returncode == 0, scrape.stderr
    assert "demo-northshore-ocean: 5 people" in scrape.stdout

    client = create_app({"TESTING": True}, instance_path=instance).test_client()

    body = client.get("/api/v1/search", query_string={"q": "cold enzymes"}).get_json()
    names = [r["name"] for r in body["results"]]
    assert "Amelia Hart" in names
    hart = body["results"][names.index("Amelia Hart")]
    assert hart["country"] == "GB" and hart["institution"] == "Northshore University (demo)"
    assert "Cold-adapted enzymes" in hart["interests"]
    assert set(body) >= {"query", "total", "page", "per_page", "results", "facets"}
    assert body["facets"]["country"]["GB"] >= 1

    german = client.get("/api/v1/search", query_string={"q": "Spritzgießen", "country": "de"}).get_json()
    assert [r["name"] for r in german["results"]  # (then those only near the word in meaning, and those alike)
            if not r["alike"] and any(not reason.get("near") for reason in r["why"])] == ["Katrin Müller"]
    british = client.get("/api/v1/search", query_string={"q": "Spritzgießen", "country": "GB"}).get_json()
    assert british["total"] == british["alike_total"]  # none holds the word

    detail = client.get(f"/api/v1/experts/{hart['id']}").get_json()
    assert detail["email"] == "a.hart@northshore.example"
    assert detail["source_urls"] and detail["last_verified"]

    page = client.get("/search", query_string={"q": "cold enzymes", "country": "GB"})
    assert page.status_code == 200
    assert "Amelia Hart" in page.get_data(as_text=True)
    profile = client.get(f"/experts/{hart['id']}").get_data(as_text=True)
    assert "Senior Lecturer in Marine Biotechnology" in profile
    assert "Demo data" not in profile  # harvested as a curator would, not by `directory demo`


def test_directory_demo_harvests_the_bundled_sites_and_labels_them(runner, client):
    result = runner("demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert "22 people from 5 demo sites" in result.output
    page = client.get("/search", query_string={"q": "食品保鲜"}).get_data(as_text=True)
    assert "李明" in page and "Demo data" in page


def test_every_demo_site_yields_its_people_in_its_own_script(runner, demo_sources_file, app):
    result = runner("scrape", "--sources", str(demo_sources_file))
    assert result.exit_code == 0, result.output
    exported = runner("export", "--format", "jsonl")
    rows = [json.loads(line) for line in exported.output.splitlines()]
    by_name = {r["name"]: r for r in rows}
    assert len(rows) == 22
    assert by_name["李明"]["interests"] == ["食品保鲜", "冷链物流", "果蔬采后生理"]  # a GBK page
    assert by_name["田中 美咲"]["title"] == "准教授"
    assert by_name["Andrés Rojas"]["email"] == "arojas@andes.example"  # reached via an A-Z page
    assert by_name["Ayşe Yılmaz"]["email"] == "a.yilmaz@th-rheinau.example"  # "(at)" obfuscation
    assert all(r["source"] and r["last_verified"] and r["country"] for r in rows)
    assert "Hidden Person" not in by_name


@pytest.mark.slow
def test_a_reindex_killed_midway_leaves_the_old_index_serving(tmp_path):
    import signal
    import time

    instance = tmp_path / "instance"
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    rows = tmp_path / "rows.jsonl"
    with open(rows, "w", encoding="utf-8") as out:
        for n in range(6000):
            out.write(json.dumps({"name": f"Sam Person{n}", "country": "GB", "institution": "U",
                                  "interests": [f"topic {n}", "glass"], "email": f"p{n}@u.example"}) + "\n")
    subprocess.run([DIRECTORY, "import", rows], env=env, check=True, capture_output=True, timeout=300)
    live = (instance / "index").resolve()
    job = subprocess.Popen([DIRECTORY, "reindex"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(instance.glob("index-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    job.send_signal(signal.SIGKILL)
    job.wait()
    assert (instance / "index").resolve() == live  # the half-built index never went live
    client = create_app({"TESTING": True}, instance_path=instance).test_client()
    assert client.get("/api/v1/search?q=glass").get_json()["total"] == 6000
    again = subprocess.run([DIRECTORY, "reindex"], env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "Indexed 6000 experts" in again.stdout
    assert (instance / "index").resolve() != live


def test_running_the_demo_again_is_quick_and_changes_nothing(runner, app):
    assert runner("demo", "--no-serve").exit_code == 0
    with app.app_context():
        from directory.db import get_store

        before = {e["id"]: e["source_urls"] for e in get_store().iter_experts()}
    again = runner("demo", "--no-serve")
    assert again.exit_code == 0 and "22 people from 5 demo sites; 22 in the directory" in again.output
    with app.app_context():
        after = {e["id"]: e["source_urls"] for e in get_store().iter_experts()}
        run = get_store().runs()[0]
    assert after == before
    assert '"unchanged": ' in run["summary"] and '"pages": 0' in run["summary"]


def test_a_damaged_index_is_a_clear_message_then_repaired_from_the_store(runner, app, client, tmp_path):
    from pathlib import Path

    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"name": "Ann Lee", "country": "GB", "interests": ["glass"]}) + "\n")
    assert runner("import", str(rows)).exit_code == 0
    for toc in Path(app.config["INDEX"]).resolve().glob("*.toc"):
        toc.write_bytes(b"garbage")
    app.extensions.pop("search_index", None)
    checked = runner("check")
    assert checked.exit_code == 1 and "missing or damaged" in checked.output and "reindex" in checked.output
    response = client.get("/api/v1/search?q=glass")
    assert response.status_code == 503 and response.get_json()["error"]["status"] == 503
    assert client.get("/search?q=glass").status_code == 503
    assert client.get("/browse").status_code == 503 and client.get("/").status_code == 200
    rows.write_text(json.dumps({"name": "Bo Chan", "country": "CN", "interests": ["glass"]}) + "\n")
    assert runner("import", str(rows)).exit_code == 0  # the next update rebuilds the damaged index
    app.extensions.pop("search_index", None)
    assert client.get("/api/v1/search?q=glass").get_json()["total"] == 2


def test_a_file_that_is_not_a_database_is_a_clear_error_not_a_traceback(tmp_path):
    (tmp_path / "directory.sqlite").write_text("this is not an SQLite database, only some text " * 3)
    env = {**os.environ, "DIRECTORY_INSTANCE": str(tmp_path)}
    result = subprocess.run([DIRECTORY, "init"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "cannot open database" in result.stderr and "file is not a database" in result.stderr
    assert "Traceback" not in result.stderr


def test_each_visitor_of_the_production_server_has_their_own_session(tmp_path):
    """`directory serve` (gunicorn, sync workers answering in the thread they were forked from): requests must
    not share the command's app context, or one visitor's CSRF token and database connection are everyone's."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    from directory.server import free_port, wait_until_up

    instance = tmp_path / "instance"
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    people = tmp_path / "people.jsonl"
    people.write_text(json.dumps({"name": "Ann Lee", "country": "GB", "institution": "Alpha University",
                                  "interests": ["glass ceramics"]}) + "\n")
    subprocess.run([DIRECTORY, "import", str(people)], env=env, check=True, capture_output=True, timeout=120)
    base = f"http://127.0.0.1:{free_port()}"
    server = subprocess.Popen([DIRECTORY, "serve", "--port", base.rsplit(":", 1)[1], "--workers", "1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base)
        visitors = [urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
                    for _ in range(2)]
        pages = [visitor.open(base + "/search?q=glass").read().decode() for visitor in visitors]
        tokens = [re.search(r'name="csrf_token" value="([^"]+)"', page).group(1) for page in pages]
        assert tokens[0] != tokens[1]
        form = urllib.parse.urlencode({"csrf_token": tokens[0], "id": re.search(r'name="id" value="([^"]+)"', pages[0])
                                       .group(1), "action": "add", "next": "/shortlist/"}).encode()
        assert "Ann Lee" in visitors[0].open(base + "/shortlist/", data=form).read().decode()  # the token holds
    finally:
        server.terminate()
        server.wait(timeout=20)
