"""Expertise Directory: a self-hostable global directory of university expertise."""
import os
import secrets

from flask import Flask

from directory.paths import default_instance, templates_folder
from directory.settings import DEFAULTS


def create_app(test_config=None, instance_path=None):
    """Application factory: defaults, then <instance>/config.py, then ``test_config``. The instance folder is
    ``instance_path``, else $DIRECTORY_INSTANCE or the checkout's (see directory.paths)."""
    app = Flask(__name__, instance_path=str(instance_path or default_instance()), instance_relative_config=True,
                template_folder=str(templates_folder()))
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["DATABASE"] = app.config["DATABASE"] or str(app.instance_path + "/directory.sqlite")
    app.config["INDEX"] = app.config["INDEX"] or str(app.instance_path + "/index")
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"] or f"sqlite://{app.instance_path}/ratelimits.sqlite"
    if not app.config["TRUSTED_HOSTS"]:  # Werkzeug would read an empty list as "any host"
        raise ValueError("TRUSTED_HOSTS must name at least one host name the site answers to")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)

    from flask_wtf.csrf import CSRFProtect

    from directory import api, curator, db, errors, intermediaries, shortlist, views
    from directory.limits import limiter

    db.init_app(app)
    errors.init_app(app)
    limiter.init_app(app)
    CSRFProtect(app)
    app.register_blueprint(shortlist.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(intermediaries.bp)
    app.register_blueprint(curator.bp)
    return app


def instance_secret(instance_path):
    """The instance's secret key (signs the shortlist cookie and CSRF tokens), made once and kept."""
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except FileNotFoundError:
        os.makedirs(instance_path, exist_ok=True)
        key = secrets.token_hex(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key)
        return key
