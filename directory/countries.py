"""Countries (ISO 3166-1 alpha-2, names from pycountry) and the regions derived from them."""
import math
import tomllib
from functools import cache

import pycountry

from directory.paths import DATA
from scrapers.scope import parent_domains


@cache
def _regions():
    with open(DATA / "regions.toml", "rb") as handle:
        table = tomllib.load(handle)
    return {key: (value["label"], frozenset(value["countries"])) for key, value in table.items()}


def region_labels():
    """{region key: label}: the regions file's regions, then the UK nations."""
    return {**{key: label for key, (label, _members) in _regions().items()},
            **{key: label for key, (label, _domains) in _nations().items()}}


@cache
def _nations():
    """{nation key: (label, frozenset of university domains)}; England takes the UK domains no one else lists."""
    import json

    with open(DATA / "uk_nations.toml", "rb") as handle:
        table = tomllib.load(handle)
    with open(DATA / "world_universities_and_domains.json", encoding="utf-8") as handle:
        uk = {d.lower() for u in json.load(handle) if u["alpha_two_code"] == "GB" for d in u["domains"]}
    listed = {d for value in table.values() for d in value["domains"]}
    return {key: (value["label"], frozenset(value["domains"] or (uk - listed))) for key, value in table.items()}


def is_nation(region):
    return region in _nations()


def nation_of(*hosts):
    """The UK nation key of the first host (or email domain) at a known university domain, else None."""
    by_domain = _nation_by_domain()
    for host in hosts:
        for domain in parent_domains(host):
            if domain in by_domain:
                return by_domain[domain]
    return None


@cache
def _nation_by_domain():
    return {domain: key for key, (_label, domains) in _nations().items() for domain in domains}


def countries_in(region):
    """ISO codes in a region key such as 'europe', 'brics' or 'scotland' (GB); KeyError if unknown."""
    return frozenset({"GB"}) if region in _nations() else _regions()[region][1]


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


@cache
def world_shapes():
    """(width, height, {country code: SVG path data}) of the world map: Natural Earth's countries, projected
    and simplified by tools/world_map.py into data/world_map.json (see data/world_map.LICENSE)."""
    import json

    with open(DATA / "world_map.json", encoding="utf-8") as handle:
        shapes = json.load(handle)
    return shapes["width"], shapes["height"], shapes["countries"]


def shade_levels(counts, levels=5):
    """{country code: 1..levels} by the number of experts on a log scale (one expert is level 1, the most
    covered country level ``levels``), so that a few large countries do not wash out the rest."""
    most = max(counts.values(), default=0)
    if most <= 1:
        return {code: 1 for code, n in counts.items() if n}
    return {code: 1 + round(math.log(n) / math.log(most) * (levels - 1)) for code, n in counts.items() if n}
