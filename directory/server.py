"""The production server: gunicorn, configured in code so `directory serve` needs no files."""
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, app, options):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(app, host, port, workers):
    """Run ``app`` until interrupted; searchers are per thread, so threads are safe."""
    _Server(app, {"bind": f"{host}:{port}", "workers": workers, "threads": 4, "worker_class": "gthread",
                  "timeout": 30, "graceful_timeout": 10, "accesslog": "-",
                  "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'}).run()
