"""Countries (ISO 3166-1 alpha-2, names from pycountry) and the regions derived from them."""
import tomllib
from functools import cache

import pycountry

from directory.paths import DATA


@cache
def _regions():
    with open(DATA / "regions.toml", "rb") as handle:
        table = tomllib.load(handle)
    return {key: (value["label"], frozenset(value["countries"])) for key, value in table.items()}


def region_labels():
    """{region key: label}, in the order of the regions file."""
    return {key: label for key, (label, _members) in _regions().items()}


def countries_in(region):
    """ISO codes in a region key such as 'europe' or 'brics'; KeyError if unknown."""
    return _regions()[region][1]


def regions_of(country):
    """Region keys a country belongs to."""
    code = (country or "").upper()
    return [key for key, (_label, members) in _regions().items() if code in members]


@cache
def country_name(code):
    """A country's common English name, or the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=(code or "").upper()) if code else None
    if country is None:
        return code or ""
    return getattr(country, "common_name", None) or country.name


def is_country(code):
    return bool(code) and pycountry.countries.get(alpha_2=code.upper()) is not None
