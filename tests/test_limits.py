"""Rate limits that mean what they say: one bucket per client across endpoints and across server processes."""
import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from directory.server import free_port, wait_until_up

DIRECTORY = Path(sys.executable).parent / "directory"


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@contextmanager
def servers(instance, count):
    """``count`` real production servers (`directory serve`, gunicorn) on one instance: [base URL]."""
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    bases = [f"http://127.0.0.1:{free_port()}" for _ in range(count)]
    started = [subprocess.Popen([DIRECTORY, "serve", "--port", base.rsplit(":", 1)[1], "--workers", "1"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for base in bases]
    try:
        for base in bases:
            wait_until_up(base)
        yield bases
    finally:
        for server in started:
            server.terminate()
        for server in started:
            server.wait(timeout=20)


@pytest.fixture
def instance(tmp_path):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "config.py").write_text('SEARCH_RATE_LIMIT = "6 per minute"\nAPI_RATE_LIMIT = "9 per minute"\n')
    people = tmp_path / "people.jsonl"
    people.write_text(json.dumps({"name": "Ann Lee", "country": "GB", "interests": ["glass ceramics"]}) + "\n")
    env = {**os.environ, "DIRECTORY_INSTANCE": str(folder)}
    subprocess.run([DIRECTORY, "import", str(people)], env=env, check=True, capture_output=True, timeout=120)
    return folder


def test_one_search_bucket_per_client_across_endpoints_and_server_processes(instance):
    searches = ["/search?q=glass", "/embed/results?q=glass", "/feeds/search.atom?q=glass", "/api/v1/search?q=glass"]
    with servers(instance, 2) as bases:
        codes = [status(bases[n % 2] + searches[n % 4]) for n in range(16)]
    assert codes.count(200) == 6 and codes.count(429) == 10, codes
    assert codes[:6] == [200] * 6  # the first six, whichever process and endpoint answered them


def test_one_api_bucket_per_client_across_endpoints_and_server_processes(instance):
    endpoints = ["/api/v1/stats", "/api/v1/countries", "/api/v1/topics"]
    with servers(instance, 2) as bases:
        codes = [status(bases[n % 2] + endpoints[n % 3]) for n in range(12)]
    assert codes == [200] * 9 + [429] * 3, codes


def test_counters_that_cannot_be_written_let_requests_through_with_a_warning(migrated_database, tmp_path, caplog):
    import shutil

    from directory import create_app

    shutil.copyfile(migrated_database, tmp_path / "directory.sqlite")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the counters' folder would be")
    app = create_app({"TESTING": True, "RATELIMIT_STORAGE_URI": f"sqlite://{blocked}/ratelimits.sqlite",
                      "API_RATE_LIMIT": "2 per minute"}, instance_path=tmp_path)
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="directory.limits"):
        codes = [client.get("/api/v1/stats").status_code for _ in range(4)]
    assert codes == [200] * 4
    assert [r for r in caplog.records if "rate limits not counted" in r.getMessage()]
