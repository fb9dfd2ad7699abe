"""The store (identity, provenance, opt-outs) and the index derived from it."""
import json
import os
import threading
from types import SimpleNamespace

import pytest
from whoosh import query

from directory.imports import import_experts
from directory.indexer import check_index, rebuild_index, sync_index
from directory.migrations import MIGRATIONS, applied
from directory.search import SearchIndex, analyse, highlight
from directory.store import Store
from scrapers.clean import page_records


def src(name="dept-a", institution="Alpha University", country="GB", department=None):
    return SimpleNamespace(name=name, institution=institution, country=country, department=department)


@pytest.fixture
def store(tmp_path):
    store = Store(str(tmp_path / "s.sqlite"))
    store.ensure_shape()
    return store


@pytest.fixture
def index(tmp_path):
    return SearchIndex(tmp_path / "index")


def save(store, page, *people, source=None):
    with store.transaction():
        source = source or src()
        store.save_people(source, page, page_records(source, page, people))


def test_ensure_shape_is_idempotent_and_seeds_the_universities_once(store):
    count = store.db["institutions"].count
    assert count > 10000
    store.ensure_shape()
    assert store.db["institutions"].count == count
    assert applied(store) == [name for name, _function in MIGRATIONS]


def test_hosts_and_email_domains_map_to_their_institution_by_suffix(store):
    found = store.institution_for_host("www.research.manchester.ac.uk")
    assert found == {"institution": "University of Manchester", "country": "GB"}
    assert store.institution_for_host("nowhere.invalid") is None


def test_the_same_person_on_a_listing_and_a_profile_is_one_expert_with_the_richest_fields(store):
    save(store, "http://a/staff/", {"name": "Jane Smith", "title": "Lecturer", "profile_url": "http://a/staff/js"})
    save(store, "http://a/staff/js", {"name": "Jane Smith", "title": "Senior Lecturer in Physics",
                                      "email": "J.Smith@A.example", "profile_url": "http://a/staff/js",
                                      "interests": ["lasers", "optics"]})
    [expert] = list(store.iter_experts())
    assert expert["title"] == "Senior Lecturer in Physics" and expert["email"] == "J.Smith@A.example"
    assert expert["source_urls"] == ["http://a/staff/", "http://a/staff/js"]
    assert expert["field_sources"]["title"] == "http://a/staff/js"
    assert expert["institution"] == "Alpha University" and expert["country"] == "GB"


def test_two_sources_sharing_an_email_make_one_expert_and_the_merge_can_be_undone(store):
    # Two departments of one university, each on its own host of the university's site.
    save(store, "https://www.chem.x.ac.uk/p", {"name": "Li Wei", "email": "li@x.ac.uk", "interests": ["batteries"]})
    save(store, "https://physics.x.ac.uk/p", {"name": "Li Wei", "email": "LI@x.ac.uk", "interests": ["electrodes"]},
         source=src("dept-b", "Beta University", "CN"))
    [expert] = list(store.iter_experts())
    assert expert["sources"] == ["dept-a", "dept-b"] and expert["interests"] == ["batteries", "electrodes"]
    save(store, "https://physics.x.ac.uk/p", source=src("dept-b"))  # the page no longer lists them
    [expert] = list(store.iter_experts())
    assert expert["sources"] == ["dept-a"] and expert["interests"] == ["batteries"]


def test_an_opt_out_erases_the_person_everywhere_and_survives_later_harvests(store, index):
    save(store, "http://a/p", {"name": "Jane Smith", "email": "jane@a.example", "interests": ["glass"]},
         {"name": "Tom Jones", "email": "tom@a.example", "interests": ["glass"]})
    sync_index(store, index)
    erased = store.add_suppression(email=" Jane@A.example ")
    sync_index(store, index)
    assert len(erased) == 1
    assert [e["name"] for e in store.iter_experts()] == ["Tom Jones"]
    assert not list(store.db.query("select * from records where data like '%jane%'"))
    assert [store.expert(i)["name"] for i, _ in index.search("glass").hits] == ["Tom Jones"]
    assert "jane" not in json.dumps(store.suppressions()).lower()  # only a hash is kept
    save(store, "http://a/p", {"name": "Jane Smith", "email": "jane@a.example"}, {"name": "Tom Jones"})
    assert "Jane Smith" not in [e["name"] for e in store.iter_experts()]
    assert import_experts(store, [{"name": "Jane Smith", "email": "jane@a.example", "country": "GB"}]).skipped == 1
    assert "Jane Smith" not in [e["name"] for e in store.iter_experts()]


def test_an_opt_out_by_name_and_institution(store):
    save(store, "http://a/p", {"name": "José Núñez"})
    store.add_suppression(name="jose nunez", institution="alpha university")
    assert store.expert_count() == 0


def test_search_stems_folds_accents_and_filters_by_country_and_region(store, index):
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["Injection moulding of polymers"]})
    save(store, "http://b/p", {"name": "Jörg Müller", "interests": ["Spritzgießen", "Kunststoffe"]},
         source=src("b", "Beta Hochschule", "DE"))
    save(store, "http://c/p", {"name": "王芳", "interests": ["低温酶", "发酵工程"]}, source=src("c", "Gamma", "CN"))
    sync_index(store, index)
    def name(results):
        return sorted(store.expert(i)["name"] for i, _ in results.hits if i not in results.alike)  # the words
    assert name(index.search("moulded polymer")) == ["Ann Lee"]
    assert name(index.search("Jorg Muller")) == ["Jörg Müller"]
    assert name(index.search("spritzgiessen")) == ["Jörg Müller"]  # ß folds to ss
    assert name(index.search("低温")) == ["王芳"]
    assert name(index.search("", region="europe")) == ["Ann Lee", "Jörg Müller"]
    assert name(index.search("", region="eu")) == ["Jörg Müller"]
    assert name(index.search("", country="cn")) == ["王芳"]
    results = index.search("")
    assert results.facets["country"] == {"CN": 1, "DE": 1, "GB": 1}
    assert results.facets["region"]["asia"] == 1 and results.facets["region"]["europe"] == 2


def test_a_rebuild_swaps_in_atomically_and_check_finds_and_repairs_drift(store, index):
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["ceramics"]})
    rebuild_index(store, index)
    old_target = index.path.resolve()
    searcher = index.searcher()
    save(store, "http://a/q", {"name": "Bo Chan", "interests": ["ceramics"]})
    assert check_index(store, index)[0]  # Bo is in the store, not yet in the index
    rebuild_index(store, index)
    assert index.path.resolve() != old_target and old_target.exists()  # kept a while for running searches
    assert searcher.search(query.Every()).scored_length() == 1  # a searcher of the old index still reads it
    assert searcher is not index.searcher()  # readers move to the new index
    assert check_index(store, index) == ([], [])
    assert index.search("ceramics").total == 2
    os.utime(old_target, (0, 0))  # long retired: the next swap removes it
    rebuild_index(store, index)
    assert not old_target.exists()


def test_a_change_made_while_a_rebuild_reads_the_store_reaches_the_new_index(store, index):
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["ceramics"]})
    save(store, "http://a/q", {"name": "Bo Chan", "interests": ["ceramics"]})
    sync_index(store, index)
    other = Store(store.db.conn.execute("pragma database_list").fetchone()[2])  # another job's connection
    read_all = store.iter_experts

    def read_while_a_scrape_writes(*args, **kwargs):
        for n, expert in enumerate(read_all(*args, **kwargs)):
            if n == 1:  # a change lands after the rebuild has begun reading
                save(other, "http://a/p", {"name": "Ann Lee", "interests": ["glass"]})
            yield expert

    store.iter_experts = read_while_a_scrape_writes
    rebuild_index(store, index)
    glass = index.search("glass")
    assert [store.expert(i)["name"] for i, _ in glass.hits if i not in glass.alike] == ["Ann Lee"]
    ceramics = index.search("ceramics")
    assert ceramics.total - ceramics.alike_total == 1 and store.take_index_queue() == []


def test_a_change_queued_again_after_it_was_taken_stays_queued(store):
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["ceramics"]})
    taken = store.take_index_queue()
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["glass"]})  # changed while being indexed
    store.clear_index_queue(taken)
    assert [expert_id for _seq, expert_id in store.take_index_queue()] == [expert_id for _seq, expert_id in taken]


def test_an_update_waits_for_a_rebuild_in_progress(store, index):
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["ceramics"]})
    holding, release = threading.Event(), threading.Event()

    def another_writer():
        with SearchIndex(index.path).writing():
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=another_writer)
    writer.start()
    holding.wait(10)
    waited = []
    updated, _deleted = sync_index(store, index, waiting=lambda: (waited.append(True), release.set()))
    writer.join()
    assert waited == [True] and updated == 1 and index.search("ceramics").total == 1


def test_highlight_marks_the_words_whose_stems_matched():
    assert highlight("Cold-adapted enzymes", set(analyse("enzyme"))) == [("Cold-adapted ", False), ("enzymes", True)]


def test_profiles_are_stemmed_in_their_language_declared_or_told_from_the_text(store, index):
    german = SimpleNamespace(name="de-src", institution="Beta", country="DE", department=None, language="de")
    english = SimpleNamespace(name="en-src", institution="Gamma", country="GB", department=None, language="en")
    save(store, "http://b/p", {"name": "Jörg Weiß", "interests": ["Kunststoffen im Fahrzeugbau"]}, source=german)
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["Recycling von Kunststoffen im Fahrzeugbau"]})
    save(store, "http://c/p", {"name": "Bo Kim", "interests": ["Kunststoffen im Fahrzeugbau"]}, source=english)
    sync_index(store, index)
    found = [store.expert(i)["name"] for i, _ in index.search("Kunststoff").hits]
    assert sorted(found[:2]) == ["Ann Lee", "Jörg Weiß"]  # stemmed as German: by its source, by its words
    assert found[2:] == ["Bo Kim"]  # declared English: reached only through the word's cognate key, below them


def test_a_firm_s_word_finds_its_cognates_in_other_european_languages(store, index):
    save(store, "http://e/p", {"name": "Ana Ruiz", "interests": ["Irrigación de cultivos hortícolas"]},
         source=src("e", "Delta", "ES"))
    save(store, "http://k/p", {"name": "Uwe Kranz", "interests": ["Kosmetische Emulsionen"]},
         source=src("k", "Epsilon", "DE"))
    save(store, "http://x/p", {"name": "Li Wei", "interests": ["Irrigation scheduling"]})
    sync_index(store, index)
    assert sorted(store.expert(i)["name"] for i, _ in index.search("irrigation").hits) == ["Ana Ruiz", "Li Wei"]
    assert [store.expert(i)["name"] for i, _ in index.search("cosmetic emulsions").hits] == ["Uwe Kranz"]
    assert highlight("Irrigación de cultivos", set(index.search("irrigation").terms)) == [
        ("Irrigación", True), (" de cultivos", False)]  # shown as why the profile matched
    assert store.expert(index.search("irrigation").hits[0][0])["name"] == "Li Wei"  # the word itself ranks first


def test_a_firm_s_initialism_finds_the_interests_it_stands_for_and_says_so(fill, client):
    fill([{"name": "Ruth Ames", "country": "GB", "interests": ["Mechanical ventilation with heat recovery"]},
          {"name": "Luc Petit", "country": "FR", "interests": ["Évaluation du cycle de vie"]},
          {"name": "Ana Ruiz", "country": "ES", "interests": ["Internet de las cosas", "Máquinas virtuales"]},
          {"name": "Li Wei", "country": "GB", "interests": ["Light emitting diodes", "Heat exchangers and tubes"]},
          {"name": "Tom Hart", "country": "GB", "interests": ["Heat transfer", "Gas sensors"]},
          {"name": "Jo Kent", "country": "GB", "interests": ["Green aviation systems"]},
          {"name": "Eva de Vries", "country": "NL", "interests": ["Balansventilatie met warmteterugwinning"]}])

    def search(words):
        return client.get("/api/v1/search", query_string={"q": words}).get_json()["results"]

    def found(words):  # what the words hold (not the interests near them in meaning, nor few matches' topics)
        return [(r["name"], [reason for reason in r["why"] if not reason.get("near")]) for r in search(words)
                if not r["alike"] and not all(reason.get("near") for reason in r["why"])]
    ventilation = {"interest": "Mechanical ventilation with heat recovery", "concept": None, "initials": "MVHR"}
    assert found("MVHR") == found("MVHR,") == [("Ruth Ames", [ventilation])]
    assert [name for name, _why in found("ECV")] == ["Luc Petit"]  # without its accent or its stop word
    assert [name for name, _why in found("IdlC")] == ["Ana Ruiz"]  # with its stop words
    assert [name for name, _why in found("LEDs")] == ["Li Wei"]  # a plural
    assert found("mvhr") == found("Mvhr") == []  # in lower case, or with one capital, it is a word
    # A word in capitals that the profiles hold as a word is that word ("Heat exchangers and tubes" is no "HEAT").
    assert sorted(found("HEAT")) == sorted(found("heat")) and "initials" not in str(found("HEAT"))  # (the encoder
    # reads capitals otherwise: the interests near the words in meaning, and so the order, may differ)
    assert found("AND") == []  # nor is a stop word in capitals
    # A word in lower case does not make an interest with those initials a reason ("Green aviation systems").
    assert found("gas") == [("Tom Hart", [{"interest": "Gas sensors", "concept": None}])]
    # Its meaning is what it stands for (the sentence encoder cannot read initialisms): the same in Dutch.
    assert "Eva de Vries" in [r["name"] for r in search("MVHR") if any(reason.get("near") for reason in r["why"])]


def test_every_form_of_a_name_finds_the_person(store, index):
    save(store, "http://c/p", {"name": "陈伟", "other_names": ["Wei Chen"], "interests": ["低温酶"]},
         source=src("c", "Gamma", "CN"))
    sync_index(store, index)
    for words in ("陈伟", "Wei Chen", "chen"):
        assert [store.expert(i)["name"] for i, _ in index.search(words).hits] == ["陈伟"], words


def test_no_stop_word_of_any_language_matches(store, index):
    save(store, "http://a/p", {"name": "Eva Roth", "title": "Professorin für Werkzeugbau",
                               "interests": ["Recycling von Kunststoffen", "Síntesis de polímeros"]})
    sync_index(store, index)
    for words in ("für", "von", "de", "für von de the"):
        assert index.search(words).total == 0, words
    assert index.search("Enzyme für kaltes Wasser").total == 0
    assert highlight("Recycling von Kunststoffen", set(analyse("von Recycling"))) == [
        ("Recycling", True), (" von Kunststoffen", False)]


def test_an_older_store_and_index_are_upgraded_in_place(tmp_path):

    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    path = tmp_path / "old.sqlite"
    store = Store(str(path))
    store.ensure_shape()
    store.db.execute("alter table experts drop column language")
    store.db.execute("drop table index_queue")  # as shipped before schema 3
    store.db.execute("create table index_queue (expert_id text primary key, queued text)")
    store.db.execute("insert into index_queue values ('gone-since', '2026-01-01T00:00:00+00:00')")
    store.db.execute("drop table migrations")  # as every database was before migrations had names
    store.db.conn.commit()
    old = tmp_path / "index-old"
    old.mkdir()
    whoosh_index.create_in(str(old), Schema(id=ID(stored=True, unique=True)))
    (tmp_path / "index").symlink_to(old.name)
    store = Store(str(path))
    store.ensure_shape()
    assert applied(store) == [name for name, _function in MIGRATIONS] and "language" in store.db["experts"].columns_dict
    assert [expert_id for _seq, expert_id in store.take_index_queue()] == ["gone-since"]  # kept through the upgrade
    save(store, "http://a/p", {"name": "Ann Lee", "interests": ["glass"]})
    index = SearchIndex(tmp_path / "index")
    assert index.outdated()
    sync_index(store, index)
    assert not index.outdated() and index.search("glass").total == 1


def test_an_import_without_institution_takes_it_from_the_email_domain_but_its_own_values_win(store):
    import_experts(store, [{"name": "Ann Lee", "email": "a.lee@manchester.ac.uk", "interests": ["glass"]},
                          {"name": "Bo Chan", "email": "b@manchester.ac.uk", "country": "FR", "institution": "Own"}])
    rows = {e["name"]: e for e in store.iter_experts()}
    assert (rows["Ann Lee"]["institution"], rows["Ann Lee"]["country"]) == ("University of Manchester", "GB")
    assert (rows["Bo Chan"]["institution"], rows["Bo Chan"]["country"]) == ("Own", "FR")


def test_a_department_stated_on_the_profile_wins_over_the_sources(store):
    source = src(department="School of Engineering")
    save(store, "http://a/p", {"name": "Ann Lee", "department": "Food Engineering"}, {"name": "Bo Chan"}, source=source)
    rows = {e["name"]: e["department"] for e in store.iter_experts()}
    assert rows == {"Ann Lee": "Food Engineering", "Bo Chan": "School of Engineering"}


def test_namesakes_with_different_profiles_stay_two_people_but_a_bare_listing_entry_joins(store):
    save(store, "http://a/staff/", {"name": "Wei Wang", "profile_url": "http://a/staff/ww1"},
         {"name": "Wei Wang", "profile_url": "http://a/staff/ww2"})
    assert store.expert_count() == 2
    save(store, "http://a/a-z/", {"name": "Wei Wang", "email": "w.wang@a.example"})  # no URL: joins one of them
    save(store, "http://a/staff/ww1", {"name": "Wei Wang", "email": "w.wang@a.example",
                                       "profile_url": "http://a/staff/ww1", "interests": ["optics"]})
    experts = {e["profile_url"]: e for e in store.iter_experts()}
    assert len(experts) == 2 and experts["http://a/staff/ww1"]["email"] == "w.wang@a.example"
    assert experts["http://a/staff/ww2"]["email"] is None


def test_the_store_is_what_a_harvest_needs():
    """directory.harvest_store.HarvestStore says what scrapers/job.py calls; the Store has each method with the
    same parameters."""
    import inspect

    from directory.harvest_store import HarvestStore

    wanted = [name for name, value in vars(HarvestStore).items() if callable(value) and not name.startswith("_")]
    assert len(wanted) == 19
    for name in wanted:
        expected = list(inspect.signature(getattr(HarvestStore, name)).parameters)
        assert list(inspect.signature(getattr(Store, name)).parameters) == expected, name
