"""The merge of an expert's records, as a pure function: no SQLite, no store."""
import json

from directory.store.merge import Record, merge
from scrapers.extract.model import Person


def record(page, first_seen="2026-01-01T00:00:00+00:00", fetched_at="2026-02-01T00:00:00+00:00", **data):
    return Record(source="dept-a", page_url=page, data=data, first_seen=first_seen, fetched_at=fetched_at)


LISTING = record("http://a.example/staff/", name="Ann Lee", title="Lecturer", interests=["Glass", "ceramics"],
                 strategy="listing")
PROFILE = record("http://a.example/staff/ann", fetched_at="2026-03-01T00:00:00+00:00", name="Dr Ann Lee",
                 title="Senior Lecturer in Materials", email="ann@a.example", interests=["glass", "batteries"],
                 other_names=["李安"], strategy="profile+markup")


def test_the_first_value_wins_but_the_longest_title_and_department_win():
    row = merge("e1", [LISTING, PROFILE], None).row
    assert row["name"] == "Ann Lee" and row["title"] == "Senior Lecturer in Materials"
    assert row["email"] == "ann@a.example"
    assert json.loads(row["field_sources"]) == {
        "name": LISTING.page_url, "title": PROFILE.page_url, "email": PROFILE.page_url,
        "interests": [LISTING.page_url, PROFILE.page_url]}


def test_extraction_folds_the_pages_of_one_site_by_the_same_rule():
    first = {"name": "Ann Lee", "title": "Lecturer", "department": "Materials"}
    second = {"name": "Dr Ann Lee", "title": "Senior Lecturer in Materials", "email": "ann@a.example",
              "department": "Dept"}
    person = Person(**first).merge(Person(**second))
    row = merge("e1", [record("http://a.example/1", **first), record("http://a.example/2", **second)], None).row
    wanted = ("Ann Lee", "Senior Lecturer in Materials", "ann@a.example", "Materials")
    assert (person.name, person.title, person.email, person.department) == wanted
    assert (row["name"], row["title"], row["email"], row["department"]) == wanted


def test_interests_are_joined_in_order_without_repeats_in_another_case():
    merged = merge("e1", [LISTING, PROFILE], None)
    assert merged.interests == ["Glass", "ceramics", "batteries"]
    assert json.loads(merged.row["interests"]) == merged.interests


def test_dates_strategies_and_other_names_come_from_all_records():
    row = merge("e1", [LISTING, PROFILE], None).row
    assert (row["first_seen"], row["last_verified"]) == ("2026-01-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00")
    assert row["strategy"] == "listing+profile+markup"
    assert json.loads(row["other_names"]) == ["李安"]
    assert json.loads(row["source_urls"]) == [LISTING.page_url, PROFILE.page_url]


def test_an_unchanged_expert_keeps_when_it_last_changed_and_a_run_that_saw_them_clears_missed_runs():
    first = merge("e1", [LISTING], None, run_id=1).row
    existing = {**first, "last_changed": "2025-12-31T00:00:00+00:00", "missed_runs": 2, "may_have_left": 1,
                "demo": 1}
    unseen = merge("e1", [LISTING], existing).row
    assert unseen["last_changed"] == "2025-12-31T00:00:00+00:00"  # same content
    assert (unseen["missed_runs"], unseen["may_have_left"], unseen["last_seen_run"]) == (2, 1, 1)
    seen = merge("e1", [LISTING], existing, run_id=7).row
    assert (seen["missed_runs"], seen["may_have_left"], seen["last_seen_run"]) == (0, 0, 7)
    assert seen["demo"] == 1  # the demo label is never taken off
    changed = merge("e1", [LISTING, PROFILE], existing).row
    assert changed["last_changed"] == PROFILE.fetched_at and changed["content_hash"] != first["content_hash"]


def test_an_expert_s_language_is_their_source_s_else_the_one_their_words_are_surely_in():
    words = {"name": "Eva Roth", "title": "Professorin für Werkstofftechnik",
             "interests": ["Spritzguss von Kunststoffen", "Werkzeugbau für die Industrie"]}
    assert merge("e1", [record("http://a.example/1", **words)], None).row["language"] == "de"
    assert merge("e1", [record("http://a.example/1", language="fr", **words)], None).row["language"] == "fr"
    unsure = record("http://a.example/2", name="Li Wei", interests=["Tribology"])  # one word: no sure guess
    assert merge("e2", [unsure], None).row["language"] is None


def test_the_language_the_store_keeps_gives_the_index_document_it_would_tell_itself():
    from directory.search.fields import document

    people = [{"name": "Eva Roth", "title": "Professorin", "interests": ["Spritzguss von Kunststoffen"]},
              {"name": "Ann Lee", "interests": ["Recycling von Kunststoffen im Fahrzeugbau"], "language": "en"},
              {"name": "Li Wei", "interests": ["Tribology"]},  # unsure: told again when indexed
              {"name": "Ana Ruiz", "title": "Profesora", "interests": ["Irrigación de cultivos hortícolas"]},
              {"name": "Bo Kim", "title": "Professor of Chinese Studies (中国研究)"}]
    for n, person in enumerate(people):
        row = merge(f"e{n}", [record("http://a.example/p", **person)], None).row
        stored = {"id": row["id"], **person, "language": row["language"]}
        assert document(stored) == document({**stored, "language": person.get("language")})
