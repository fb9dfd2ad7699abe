"""Rate limits per client (flask-limiter); the limits themselves are settings."""
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(get_remote_address, headers_enabled=True)


def api_limit():
    return current_app.config["API_RATE_LIMIT"]


def search_limit():
    return current_app.config["SEARCH_RATE_LIMIT"]
