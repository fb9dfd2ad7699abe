"""Expertise Directory: a self-hostable global directory of university expertise."""
from flask import Flask

from directory.paths import default_instance, templates_folder
from directory.settings import DEFAULTS


def create_app(test_config=None):
    """Application factory: defaults, then <instance>/config.py, then ``test_config``."""
    app = Flask(__name__, instance_path=str(default_instance()), instance_relative_config=True,
                template_folder=str(templates_folder()))
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["DATABASE"] = app.config["DATABASE"] or str(app.instance_path + "/directory.sqlite")
    app.config["INDEX"] = app.config["INDEX"] or str(app.instance_path + "/index")

    from directory import api, db, intermediaries, views
    from directory.limits import limiter

    db.init_app(app)
    limiter.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(intermediaries.bp)
    return app
