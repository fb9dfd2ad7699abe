import pytest

from scrapers.sources import SourcesError, load_sources, parse_sources

GOOD = """
[[sources]]
name = "liverpool-earth"
institution = "University of Liverpool"
country = "gb"
department = "Earth, Ocean and Ecological Sciences"
start_urls = ["https://www.example.ac.uk/staff/"]
"""


def test_a_valid_source_is_read_with_its_country_upper_cased():
    [source] = parse_sources(GOOD)
    assert source.name == "liverpool-earth"
    assert source.country == "GB"
    assert source.start_urls == ("https://www.example.ac.uk/staff/",)
    assert source.hosts == ["www.example.ac.uk"]


@pytest.mark.parametrize("change, message", [
    (("country = \"gb\"", "country = \"XX\""), "source 'liverpool-earth': key 'country' 'XX' is not an ISO 3166-1"),
    (("department", "colour = \"red\"\ndepartment"), "source 'liverpool-earth': unknown key 'colour'"),
    (("institution = \"University of Liverpool\"\n", ""),
     "source 'liverpool-earth': missing required key 'institution'"),
    (("start_urls = [\"https://www.example.ac.uk/staff/\"]", "start_urls = [\"ftp://x/\"]"),
     "key 'start_urls' 'ftp://x/' is not an http(s) URL"),
    (("start_urls = [\"https://www.example.ac.uk/staff/\"]", "start_urls = []"),
     "key 'start_urls' must be a non-empty list"),
    (("name = \"liverpool-earth\"", "name = \"Liverpool Earth\""), "key 'name' must be a slug"),
])
def test_a_bad_source_is_an_error_naming_the_source_and_key(change, message):
    with pytest.raises(SourcesError) as error:
        parse_sources(GOOD.replace(*change))
    assert message in str(error.value)


def test_a_duplicate_name_is_an_error():
    with pytest.raises(SourcesError, match="duplicate name 'liverpool-earth'"):
        parse_sources(GOOD + GOOD)


def test_bad_toml_and_an_empty_file_are_errors():
    with pytest.raises(SourcesError, match="not valid TOML"):
        parse_sources("[[sources]\nname=")
    with pytest.raises(SourcesError, match="no \\[\\[sources\\]\\] tables"):
        parse_sources("")


def test_selectors_must_be_known_and_valid_css():
    with pytest.raises(SourcesError, match="unknown selector 'colour'"):
        parse_sources(GOOD + 'selectors = { colour = "div" }\n')
    with pytest.raises(SourcesError, match="selector 'person' is not valid CSS"):
        parse_sources(GOOD + 'selectors = { person = "div[[" }\n')
    [source] = parse_sources(GOOD + 'selectors = { person = "div.staff", name = "h3" }\n')
    assert source.selectors == {"person": "div.staff", "name": "h3"}


def test_an_unreadable_file_names_the_file(tmp_path):
    with pytest.raises(SourcesError, match="cannot read sources file .*missing.toml"):
        load_sources(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("name = 'caf\xe9'".encode("latin-1"))
    with pytest.raises(SourcesError, match="not UTF-8"):
        load_sources(bad)
