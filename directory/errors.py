"""Errors as answers, in one place: whatever a request raises becomes JSON in the API's one shape
(``{"error": {"status": N, "message": "..."}}``) for the JSON API's blueprint, and templates/error.html for
the site. The blueprint is the one that routed the request; a request that routing refused (an unknown path
or method, an untrusted host name) belongs to the blueprint whose URL prefix it falls under."""
from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from directory.migrations import DatabaseNotReady, DatabaseTooNew
from directory.search import IndexUnavailable, QueryError

JSON_BLUEPRINTS = {"api"}
RETRY_AFTER_UNAVAILABLE = 30  # seconds: a rebuild of a small directory, or the wait for a curator's repair
UNAVAILABLE = "Search is briefly unavailable while the index is rebuilt. Please try again in a minute."
UNAVAILABLE_API = "The search index is being rebuilt or is unavailable; try again shortly."
NOT_READY = "The directory's database is not set up for this version yet: its curator must run `directory init`."
TOO_NEW = ("The directory's database was upgraded by a newer version of the directory than this one: its curator "
           "must run that version, or restore a backup.")
PAGE_MESSAGES = {  # the site's words for some HTTP errors; the API gives each error's own description
    404: "That page does not exist.",
    429: "Too many searches in a short time; please wait a minute.",
    500: "Something went wrong on our side. Please try again in a few minutes.",
}


def blueprint_of_request():
    """The name of the blueprint the request is for, or None for the site's own pages."""
    if request.blueprint is not None:
        return request.blueprint
    path = request.path
    owners = [(len(bp.url_prefix), name) for name, bp in current_app.blueprints.items()
              if bp.url_prefix and (path == bp.url_prefix or path.startswith(bp.url_prefix.rstrip("/") + "/"))]
    return max(owners)[1] if owners else None


def wants_json():
    return blueprint_of_request() in JSON_BLUEPRINTS


def error_response(status, message):
    """The API's one error body, with ``status``."""
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


def unavailable(response, error):
    """``response`` as a 503 while the index is missing or damaged (logged with its cause): the index is
    rebuilt from the store, so clients are told to retry."""
    current_app.logger.warning("search unavailable: %s", error, exc_info=error)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    return response


def answer(status, message, page_message=None):
    """An error as JSON for the API, else as the site's error page (``page_message`` where it says more)."""
    if wants_json():
        return error_response(status, message)
    return make_response(render_template("error.html", message=page_message or message), status)


def http_error(error):
    if isinstance(error, SecurityError) and not wants_json():
        return error  # an untrusted Host: no links can be made for it, so Werkzeug's own page
    if error.code == 429:
        response = answer(429, f"Too many requests ({error.description}); please wait a minute.",
                          PAGE_MESSAGES[429])
        if wants_json():
            response.headers["Retry-After"] = "60"
    else:
        response = answer(error.code, error.description, PAGE_MESSAGES.get(error.code))
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def internal_error(error):
    """Anything no code foresaw (Flask has logged it with its traceback)."""
    return answer(500, "Internal server error; please try again later.", PAGE_MESSAGES[500])


def index_unavailable(error):
    return unavailable(answer(503, UNAVAILABLE_API, UNAVAILABLE), error)


def bad_query(error):
    return answer(400, str(error))


def database_not_ready(error):
    """The database is not as this code expects: the visitor is told that the curator must act; the log says
    exactly what is wrong (it names files, which a visitor need not see)."""
    current_app.logger.error("database not ready: %s", error)
    return answer(503, TOO_NEW if isinstance(error, DatabaseTooNew) else NOT_READY)


def init_app(app):
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, internal_error)
    app.register_error_handler(IndexUnavailable, index_unavailable)
    app.register_error_handler(QueryError, bad_query)
    app.register_error_handler(DatabaseNotReady, database_not_ready)
    app.register_error_handler(DatabaseTooNew, database_not_ready)
