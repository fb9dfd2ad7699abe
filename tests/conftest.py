"""Shared fixtures: a fresh instance per test, the demo sites, and a scriptable HTTP site."""
import os
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from directory import create_app
from directory.cli import cli
from directory.demo.server import demo_sources, demo_sources_text, serve_demo_sites
from directory.store import Store

PAGES = Path(__file__).parent / "pages"


@pytest.fixture(autouse=True, scope="session")
def no_checkout_instance(tmp_path_factory):
    """Whatever a test starts without naming an instance folder (an app, a command in a subprocess) gets a
    temporary one, never the checkout's instance/."""
    saved = os.environ.get("DIRECTORY_INSTANCE")
    os.environ["DIRECTORY_INSTANCE"] = str(tmp_path_factory.mktemp("default-instance"))
    yield
    if saved is None:
        os.environ.pop("DIRECTORY_INSTANCE")
    else:
        os.environ["DIRECTORY_INSTANCE"] = saved


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database with every migration applied (as `directory init` leaves it), made once: each test's store
    starts as a copy of it rather than seeding 10,000 institutions again."""
    path = tmp_path_factory.mktemp("migrated") / "directory.sqlite"
    store = Store(str(path))
    store.ensure_shape()
    store.db.conn.close()
    return path


@pytest.fixture
def app(tmp_path, migrated_database):
    """An app whose instance folder (database, index, secret key, rate-limit counters) is this test's own, its
    database set up as `directory init` does (a request never sets it up; see test_migrations.py)."""
    shutil.copyfile(migrated_database, tmp_path / "directory.sqlite")
    return create_app({"TESTING": True, "CRAWL_DELAY": 0.0, "CRAWL_ALLOW_PRIVATE_HOSTS": True,
                       "JOB_NICENESS": 0},  # commands run in this process: lowering its priority would last
                      instance_path=tmp_path)


@pytest.fixture
def store(tmp_path, migrated_database):
    """A fresh store (a real SQLite file) without an app, for harvesting tests."""
    shutil.copyfile(migrated_database, tmp_path / "store.sqlite")
    return Store(str(tmp_path / "store.sqlite"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """Invokes the `directory` command group against this test's app."""
    from click.testing import CliRunner

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, list(args), input=input, obj=app)

    return invoke


@pytest.fixture
def fill(app):
    """fill(rows) imports experts (export shape) into this test's store and index; returns {name: id}."""
    from directory.db import get_index, get_store
    from directory.imports import import_experts
    from directory.indexer import sync_index

    def fill_rows(rows):
        with app.app_context():
            store = get_store()
            import_experts(store, rows)
            sync_index(store, get_index())
            return {e["name"]: e["id"] for e in store.iter_experts()}

    return fill_rows


@pytest.fixture(scope="session")
def demo_sites():
    """The bundled demo sites served on 127.0.0.N: {site: 'host:port'}."""
    with serve_demo_sites(first_address=20, port=0) as addresses:
        yield addresses


@pytest.fixture
def demo_sources_file(demo_sites, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(demo_sources_text(demo_sites), encoding="utf-8")
    assert demo_sources(demo_sites)  # the file parses
    return path


class Site:
    """A scriptable HTTP site on a loopback address: routes map a path (with query) to a
    response (status, headers, body bytes) or a callable returning one. Every request is
    logged with its monotonic time."""

    def __init__(self, host):
        self.routes, self.log = {}, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.log.append((time.monotonic(), self.path, dict(self.headers)))
                route = site.routes.get(self.path)
                if route is None:
                    route = (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>")
                if callable(route):
                    route = route(self)
                    if route is None:  # the callable wrote the response itself
                        return
                status, headers, body = route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.host = host
        self.root = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path, html, status=200, charset="utf-8", headers=None, encoding=None):
        body = html.encode(encoding or charset) if isinstance(html, str) else html
        content_type = f"text/html; charset={charset}" if charset else "text/html"
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)

    def robots(self, text, status=200):
        self.routes["/robots.txt"] = (status, {"Content-Type": "text/plain"}, text.encode())

    def requests_for(self, path):
        return [entry for entry in self.log if entry[1] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def make_site():
    """make_site(n) starts a fixture site on 127.0.0.n (n from 100 up, so the demo sites are apart)."""
    sites = []

    def make(number=100):
        site = Site(f"127.0.0.{number}")
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()
