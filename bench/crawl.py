"""Crawl efficiency: pages fetched per second divided by the politeness bound (hosts / delay).

50 local hosts on 127.0.0.x, each a staff listing linking to profile pages, harvested
with the real job and store. Every request counts as a fetch, robots.txt included.
"""
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from directory.store import Store
from scrapers.job import harvest
from scrapers.settings import CrawlSettings
from scrapers.sources import parse_sources

HOSTS, PROFILES, DELAY = 50, 29, 1.0
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
LAST = ["Abbott", "Baker", "Carter", "Dalton", "Evans", "Fowler", "Garcia", "Hughes", "Ito", "Jensen"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.requests += 1
        if self.path == "/robots.txt":
            body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
        elif self.path == "/staff/":
            items = "".join(f'<li><a href="/staff/p{i}">Dr {FIRST[i % 10]} {LAST[i // 10]}</a>, Lecturer</li>'
                            for i in range(PROFILES))
            body, kind = f"<html><body><main><h1>Staff</h1><ul>{items}</ul></main></body></html>".encode(), "text/html"
        else:
            i = int(self.path.rsplit("p", 1)[1])
            body = (f"<html><body><main><h1>Dr {FIRST[i % 10]} {LAST[i // 10]}</h1><p>Lecturer</p>"
                    f"<p>p{i}@{self.server.server_address[0].replace('.', '-')}.example</p>"
                    f"<h2>Research interests</h2><ul><li>topic {i}</li><li>materials</li></ul>"
                    "</main></body></html>").encode()
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def run():
    servers = []
    for n in range(HOSTS):
        server = ThreadingHTTPServer((f"127.0.0.{150 + n}", 0), Handler)
        server.requests = 0
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    sources = parse_sources("".join(
        f'[[sources]]\nname = "h{n}"\ninstitution = "U{n}"\ncountry = "GB"\n'
        f'start_urls = ["http://127.0.0.{150 + n}:{s.server_address[1]}/staff/"]\n' for n, s in enumerate(servers)))
    store = Store(tempfile.mkdtemp() + "/bench.sqlite")
    store.ensure_shape()
    started = time.monotonic()
    harvest(sources, store, CrawlSettings(delay=DELAY, allow_private_hosts=True, workers=HOSTS))
    elapsed = time.monotonic() - started
    for server in servers:
        server.shutdown()
    requests = sum(s.requests for s in servers)
    rate, bound = requests / elapsed, HOSTS / DELAY
    rows = [{"hosts": HOSTS, "delay (s)": DELAY, "requests": requests, "people stored": store.expert_count(),
             "seconds": round(elapsed, 1), "requests/s": round(rate, 1), "bound (hosts/delay)": bound,
             "efficiency": round(rate / bound, 3)}]
    notes = ("Goal: efficiency at least 0.95. Each host allows one request per delay, so the bound is "
             "hosts / delay; time lost is per-request overhead plus the job's start and finish.")
    return "Crawl efficiency", rows, notes
