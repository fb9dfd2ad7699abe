"""Read-only pages for curators, off unless CURATOR_PAGES is set (they are not linked from the site)."""
from flask import Blueprint, abort, current_app, render_template

from directory.db import get_store
from directory.health import chart_points, source_health

bp = Blueprint("curator", __name__, url_prefix="/curator")
RUNS = 10


@bp.before_request
def only_when_enabled():
    if not current_app.config["CURATOR_PAGES"]:
        abort(404)


@bp.get("/sources")
def sources():
    """Each source's health, with its people over the recent runs as a small chart."""
    return render_template("curator_sources.html", health=source_health(get_store(), RUNS), runs=RUNS,
                           chart_points=chart_points)
