"""Where bundled files live, in a checkout and in an installed copy."""
import json
import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"
DEMO = PACKAGE / "demo"


def templates_folder():
    """The top-level templates/ folder: beside the package in a checkout, or under
    <prefix>/share/expertise-directory when installed from a wheel."""
    checkout = PACKAGE.parent / "templates"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "expertise-directory" / "templates"


def default_instance():
    """$DIRECTORY_INSTANCE, else instance/ beside a checkout, else ./instance."""
    if os.environ.get("DIRECTORY_INSTANCE"):
        return Path(os.environ["DIRECTORY_INSTANCE"]).resolve()
    if (PACKAGE.parent / "setup.cfg").exists():
        return PACKAGE.parent / "instance"
    return Path.cwd() / "instance"


def openapi_document():
    """The API's OpenAPI description (directory/data/openapi.json), read afresh."""
    return json.loads((DATA / "openapi.json").read_text(encoding="utf-8"))
