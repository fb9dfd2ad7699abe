"""A small static server for the demo sites, one loopback address per site."""
import os
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from directory.paths import DEMO
from scrapers.sources import parse_sources

SITES = DEMO / "sites"


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a query string maps to a sibling file when there is one (page.html?seite=2 ->
    page.seite-2.html), else to the page itself, as servers ignore parameters they do not use."""

    def translate_path(self, path):
        parts = urlsplit(path)
        query = parse_qsl(parts.query)
        target = parts.path
        if target.endswith("/"):
            target += "index.html"
        plain = super().translate_path(target)
        if query:
            stem, _, ext = target.rpartition(".")
            variant = super().translate_path(stem + "".join(f".{k}-{v}" for k, v in query) + "." + ext)
            if os.path.exists(variant):
                return variant
        return plain

    def guess_type(self, path):
        # No charset: the pages declare their own (one is GBK), as many real sites do.
        name = str(path).rsplit("/", 1)[-1]
        return "text/html" if name.endswith(".html") or "." not in name else super().guess_type(path)

    def log_message(self, *_args):
        pass


DEMO_PORT = 47601  # fixed, so that every `make run` harvests the same URLs (unchanged pages are skipped)


@contextmanager
def serve_demo_sites(first_address=2, sites=SITES, port=DEMO_PORT):
    """Serve each site folder in ``sites`` on 127.0.0.N (N from ``first_address``); yields {site: 'host:port'}.
    ``port`` 0, or a busy port, means any free port."""
    servers, addresses = [], {}
    try:
        for number, folder in enumerate(sorted(p for p in sites.iterdir() if p.is_dir()), first_address):
            handler = partial(SiteHandler, directory=str(folder))
            try:
                server = ThreadingHTTPServer((f"127.0.0.{number}", port), handler)
            except OSError:
                server = ThreadingHTTPServer((f"127.0.0.{number}", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            addresses[folder.name] = f"127.0.0.{number}:{server.server_address[1]}"
        yield addresses
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def demo_sources_text(addresses):
    """The demo sources file (TOML) with each site's live address filled in."""
    text = (DEMO / "sources.toml").read_text(encoding="utf-8")
    for site, address in addresses.items():
        text = text.replace("{" + site + "}", address)
    return text


def demo_sources(addresses):
    return parse_sources(demo_sources_text(addresses), origin="demo sources")
