"""The production server: gunicorn, configured in code so `directory serve` needs no files."""
import contextvars
import errno
import socket
import time
import urllib.request

from gunicorn.app.base import BaseApplication

from directory import thesaurus
from directory.search import sentences


class _Server(BaseApplication):
    def __init__(self, app, options):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def port_in_use(host, port):
    """Why ``host:port`` cannot be listened on (say, another server has it), or None when it can. Asked before
    gunicorn starts, which would retry a taken address for five seconds and then stop with no advice."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return "the port is in use by another program"
        return error.strerror or str(error)
    return None


def free_port(host="127.0.0.1"):
    """A port on ``host`` with nothing listening on it (for tests and benchmarks that start a server)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until_up(base, seconds=60):
    """Wait for a server that is starting to answer its home page at ``base`` (``http://host:port``)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(base + "/", timeout=1)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def serve(app, host, port, workers, threads=1):
    """Run ``app`` until interrupted.

    A request is CPU work under Python's global lock, so by default each worker process serves one request
    at a time (gunicorn's sync worker; with ``threads`` > 1, its threaded one). Measured on 2 cores: 2 sync
    workers answered 320 requests/s at p95 77 ms, 2 workers of 4 threads 260/s at p95 180 ms (threads only
    add switching, and a kept-alive connection stays with one worker, so a few busy clients load one process
    while the other idles). Sync workers read requests one at a time: put a reverse proxy in front (for TLS
    and slow clients, as gunicorn advises) and raise ``workers`` for more requests at once.
    """
    server = _Server(app, {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "timeout": 30,
                           "graceful_timeout": 10, "accesslog": "-",
                           "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'})
    # The vocabulary, the language model and the sentence encoder read once, before the workers are forked from
    # this process: they share those pages, and no worker's first search waits a second or two for them.
    thesaurus.warm()
    sentences.encoder()
    # Outside the calling command's app context: workers are forked from here and sync workers answer in this
    # thread, so every request would otherwise share that context and its g (one CSRF token and one database
    # connection, opened before the fork, for all).
    contextvars.Context().run(server.run)
