"""Extraction over saved pages, one strategy at a time, without any server."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapers.extract import extract, extract_site
from scrapers.fields.emails import cloudflare, deobfuscate, emails_in_text, from_mailto, stand_in_for_at
from scrapers.fields.interests import prose_phrases, split_phrases
from scrapers.fields.names import name_in, names_in, title_and_name
from scrapers.fields.titles import clean_title, split_title

URL = "http://dept.example.ac.uk/people/"


def people(html, url=URL, selectors=None):
    return {p.name: p for p in extract(html, url, selectors).people}


@pytest.mark.parametrize("raw, name", [
    ("Prof. Dr. Anna Weber", "Anna Weber"), ("Dr Jane Smith, PhD", "Jane Smith"),
    ("Professor Sir Tim Hunt FRS", "Tim Hunt"), ("Mme Hélène Dupont", "Hélène Dupont"),
    ("Dott.ssa Giulia Bianchi", "Giulia Bianchi"), ("王伟教授", "王伟"), ("山田 太郎", "山田 太郎"),
    ("김민수 교수", "김민수"), ("Dra. María José García y López", "María José García y López"),
    ("Univ.-Prof. Dipl.-Ing. Dr. Karl Huber", "Karl Huber"),
])
def test_names_keep_their_form_without_honorifics(raw, name):
    assert name_in(raw) == name


@pytest.mark.parametrize("text", ["Senior Lecturer", "Contact Us", "Research Interests", "Undergraduate Study",
                                  "首页", "研究方向", "Read more", "Professor wins national award",
                                  "2024 Seminar Series"])
def test_navigation_and_titles_are_not_names(text):
    assert name_in(text) is None


def test_interests_split_on_commas_semicolons_and_cjk_separators_but_not_inside_brackets():
    assert split_phrases("climate change, sea-level rise (coastal, estuarine); reefs") == [
        "climate change", "sea-level rise (coastal, estuarine)", "reefs"]
    assert split_phrases("机器学习、计算机视觉，自然语言处理；语音") == [
        "机器学习", "计算机视觉", "自然语言处理", "语音"]
    assert split_phrases("polymers, composites and adhesives") == ["polymers", "composites and adhesives"]


@pytest.mark.parametrize("hidden", ["j.smith [at] uni.example", "j.smith(at)uni.example", "j.smith at uni dot example",
                                    "j.smith {at} uni [dot] example", "j.smith＠uni.example"])
def test_obfuscated_emails_are_recovered(hidden):
    html = f"<main><h1>Dr Jane Smith</h1><p>Lecturer</p><p>Email: {hidden}</p></main>"
    assert people(html)["Jane Smith"].email.replace("uni.example", "x") in ("j.smith@x",)


def test_html_entities_in_mailto_links_are_decoded():
    html = '<main><h1>Dr Jane Smith</h1><p>Lecturer</p><a href="mailto:&#106;.smith&#64;uni.example">mail</a></main>'
    assert people(html)["Jane Smith"].email == "j.smith@uni.example"


def test_staff_table_gives_one_person_per_row_and_ignores_news_and_menus():
    html = """<nav><a href="/a">About Us</a><a href="/b">Research Centres</a></nav><main><table>
    <tr><th>Name</th><th>Position</th></tr>
    <tr><td><a href="/people/ab">Smith, Jane</a></td><td>Reader in Chemistry</td><td>j.smith@dept.example.ac.uk</td></tr>
    <tr><td><a href="/people/cd">Wong, Kelvin</a></td><td>Lecturer</td><td>k.wong@dept.example.ac.uk</td></tr></table>
    <h2>News</h2><ul><li><a href="/n1">New Laboratory Opens</a></li><li><a href="/n2">Student Wins Prize</a></li></ul></main>"""  # noqa: E501 - a page's rows, one a line
    found = people(html)
    assert set(found) == {"Jane Smith", "Kelvin Wong"}  # "Last, First" is shown given name first
    assert found["Kelvin Wong"].title == "Lecturer"
    assert found["Jane Smith"].profile_url == "http://dept.example.ac.uk/people/ab"


def test_card_grid_with_a_separate_profile_link():
    html = """<main><div class="grid">""" + "".join(
        f"""<div class="card"><img src="/p/{n}.jpg" alt=""><h3>{name}</h3><p>{title}</p>
        <a href="/staff/{n}">View profile</a></div>""" for n, name, title in [
            ("1", "Dr Omar Haddad", "Associate Professor"), ("2", "Prof Lena Berg", "Professor of Design"),
            ("3", "Ana Souza", "Research Fellow")]) + "</div></main>"
    found = people(html)
    assert set(found) == {"Omar Haddad", "Lena Berg", "Ana Souza"}
    assert found["Lena Berg"].profile_url == "http://dept.example.ac.uk/staff/2"
    assert found["Omar Haddad"].photo_url == "http://dept.example.ac.uk/p/1.jpg"


def test_a_profile_page_gives_its_main_person_not_the_sidebar():
    html = """<main><h1>Professor Kenji Watanabe</h1><p>Professor of Robotics</p>
    <p>Department: <span>Mechanical Engineering</span></p><a href="mailto:k.w@uni.example">Email</a>
    <h3>Research interests</h3><p>soft robotics; grippers for food handling; human-robot collaboration</p>
    <h3>Teaching</h3><p>Control systems</p></main>
    <aside><h2>Dr Other Person</h2><p>Lecturer</p><p>other@uni.example</p></aside>"""
    result = extract(html, URL + "kw")
    assert result.kind == "profile"
    [person] = result.people
    assert person.name == "Kenji Watanabe" and person.email == "k.w@uni.example"
    assert person.interests == ["soft robotics", "grippers for food handling", "human-robot collaboration"]
    assert person.profile_url == URL + "kw"


@pytest.mark.parametrize("heading", ["Forschungsschwerpunkte", "Thèmes de recherche", "Líneas de investigación",
                                     "Linhas de pesquisa", "Interessi di ricerca", "Onderzoek", "研究方向", "研究分野",
                                     "연구분야", "Areas of expertise"])
def test_interest_headings_in_many_languages(heading):
    html = f"""<main><h1>Dr Marta Rossi</h1><p>Lecturer</p><h2>{heading}</h2>
    <ul><li>alpha topic</li><li>beta topic</li></ul><h2>Publications</h2><ul><li>A paper</li></ul></main>"""
    assert people(html)["Marta Rossi"].interests == ["alpha topic", "beta topic"]


def test_json_ld_person_wins_and_is_merged_with_the_page():
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Person",
    "name": "Dr. Sofia Lindqvist", "jobTitle": "Professor", "email": "mailto:sofia@uni.example",
    "knowsAbout": ["wood chemistry", "lignin"]}</script></head><body><main><h1>Sofia Lindqvist</h1>
    <p>Professor</p></main></body></html>"""
    [person] = extract(html, URL).people
    assert person.name == "Sofia Lindqvist" and person.email == "sofia@uni.example"
    assert person.interests == ["wood chemistry", "lignin"]
    assert "json-ld" in person.strategy


def test_microdata_rdfa_and_hcard_people_are_read():
    html = """<main>
    <div itemscope itemtype="https://schema.org/Person"><span itemprop="name">Jane Doe</span>
      <span itemprop="jobTitle">Lecturer</span></div>
    <div vocab="https://schema.org/" typeof="Person"><span property="name">Bob Roe</span>
      <a property="email" href="mailto:bob@uni.example">mail</a></div>
    <div class="h-card"><a class="p-name u-url" href="/ann">Ann Ho</a><span class="p-job-title">Reader</span></div></main>"""  # noqa: E501 - a page's markup as written
    found = people(html)
    assert found["Jane Doe"].title == "Lecturer"
    assert found["Bob Roe"].email == "bob@uni.example"
    assert found["Ann Ho"].title == "Reader"


def test_an_hcard_of_the_site_itself_is_not_a_person():
    html = """<html><head><title>Callum Fraser | Centre for Coastal Engineering</title></head><body>
    <main><ol class="crumbs"><li><a href="/">Home</a></li><li>Callum Fraser</li></ol>
    <dl><dt>Role</dt><dd>Professor</dd></dl><p>Callum Fraser works on coastal hydrodynamics.</p></main>
    <footer class="h-card"><span class="p-name">Centre for Coastal Engineering</span>
    <a class="u-email" href="mailto:coe@uni.example">coe@uni.example</a></footer></body></html>"""
    assert [p.name for p in extract(html, URL + "people/callum-fraser").people] == ["Callum Fraser"]


def test_source_selectors_override_the_generic_method():
    html = """<main><section class="x"><i class="n">Jo Bloggs</i><u class="t">Tutor</u><a class="m" href="/jo">p</a></section>
    <section class="x"><i class="n">Al Smith</i><u class="t">Tutor</u></section><a class="nx" href="/p2">more</a></main>"""  # noqa: E501 - a page's markup as written
    result = extract(html, URL, {"person": "section.x", "name": "i.n", "title": "u.t", "profile_link": "a.m",
                                 "next_page": "a.nx"})
    assert [(p.name, p.title) for p in result.people] == [("Jo Bloggs", "Tutor"), ("Al Smith", "Tutor")]
    assert "http://dept.example.ac.uk/p2" in result.listing_links


def test_pagination_next_numbers_and_letters_are_followed():
    html = """<main><p><a href="?page=2">2</a> <a href="?page=3">3</a> <a rel="next" href="?page=2">›</a></p>
    <p><a href="/az/b">B</a> <a href="/az/c">C</a></p><a href="https://elsewhere.example/x">Next</a></main>"""
    links = extract(html, URL).listing_links
    assert links == ["http://dept.example.ac.uk/people/?page=2", "http://dept.example.ac.uk/people/?page=3",
                     "http://dept.example.ac.uk/az/b", "http://dept.example.ac.uk/az/c"]


def test_noindex_and_nofollow_are_reported():
    result = extract('<head><meta name="robots" content="noindex, nofollow"></head><main><h1>Dr A B</h1></main>', URL)
    assert result.noindex and result.nofollow


def test_markup_in_a_page_ends_up_as_inert_text():
    html = """<main><h1>Dr Eve Hacker</h1><p>Lecturer</p><h2>Research interests</h2>
    <ul><li>&lt;script&gt;alert(1)&lt;/script&gt;</li><li><b>bold</b> claims</li></ul><script>steal()</script></main>"""
    [person] = extract(html, URL).people
    assert person.interests == ["<script>alert(1)</script>", "bold claims"]
    assert "steal" not in repr(person)


def test_links_from_scraped_data_are_http_only():
    html = """<main><ul><li><a href="javascript:alert(1)">Dr Jane Smith</a> Lecturer</li>
    <li><a href="/p/2">Dr Tom Jones</a> Lecturer</li></ul></main>"""
    found = people(html)
    assert found["Jane Smith"].profile_url is None
    assert found["Tom Jones"].profile_url == "http://dept.example.ac.uk/p/2"


def test_obfuscation_helper_leaves_ordinary_text_alone():
    assert deobfuscate("Look at the data") == "Look at the data"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("<>/=\"' abcdefhilmnoprstuv&;#:@.,-\n") + [
    "<div>", "</div>", "<li>", "<a href='/x'>", "</a>", "<h1>", "<table><tr><td>", "Dr ", "Jane ", "Smith",
    "研究方向：", "<script>", '<script type="application/ld+json">{"@type": "Person", "name": ']),
    max_size=120).map("".join))
def test_random_and_malformed_html_never_raises(html):
    result = extract(html, URL)
    assert isinstance(result.people, list)


def test_phone_photo_and_department_on_a_profile():
    html = """<main><h1>Dr Lena Ortiz</h1><p>Lecturer</p><img class="portrait" src="/img/ortiz.jpg" alt="Lena Ortiz">
    <p>Tel: +49 (0)30 1234-5678</p><dl><dt>Department</dt><dd>Food Engineering</dd></dl></main>"""
    [person] = extract(html, URL).people
    assert person.phone == "+49 (0)30 1234-5678"
    assert person.photo_url == "http://dept.example.ac.uk/img/ortiz.jpg"
    assert person.department == "Food Engineering"


# -- field readers and the site as a whole (issue 13) -------------------------------------------------------

@pytest.mark.parametrize("raw, name", [
    ("DUPONT, Marie", "Marie Dupont"), ("DUPONT Marie", "Marie Dupont"), ("Weber, Anna", "Anna Weber"),
    ("prof. dr. ir. J.A. (Jan) de Vries", "Jan de Vries"), ("D. S. Deegalla", "D. S. Deegalla"),
    ("M. Vidyasagar", "M. Vidyasagar"), ("Nathan Cole, M.S.", "Nathan Cole"), ("Zhaohui \"Steve\" Qin", "Zhaohui Qin"),
    ("dr hab. inż. Agnieszka Nowak-Wiśniewska, prof. PM", "Agnieszka Nowak-Wiśniewska"),
    ("PROF. IR. DR. AHMAD BIN ISMAIL", "Ahmad bin Ismail"), ("佐々木 美咲（ささき みさき）", "佐々木 美咲"),
    ("أ.د. نورة بنت سعد العتيبي", "نورة بنت سعد العتيبي"),
])
def test_names_in_many_forms_are_read_given_name_first(raw, name):
    assert name_in(raw) == name


def test_a_native_and_a_latin_name_are_both_kept():
    assert names_in("陳大文 (Tai-Man Chan)") == ("陳大文", ["Tai-Man Chan"])


@pytest.mark.parametrize("text",
                         ["Cognome Nome", "Currículo Lattes", "Contratado Doctor", "Investigadora Ramón y Cajal",
                                  "Wissenschaftliche Mitarbeiter", "구성원", "Read more"])
def test_headers_buttons_and_ranks_are_not_names(text):
    assert name_in(text) is None


def test_a_rank_before_a_name_is_the_title_and_degrees_are_not():
    assert title_and_name("Akademische Oberrätin Ute Heuer") == ("Akademische Oberrätin", "Ute Heuer")
    assert title_and_name("Prof. Dr.-Ing. Anna Weber")[1] == "Anna Weber"
    assert clean_title("Prof. Dr.-Ing.") is None
    assert clean_title("Professor Titular - FEQ/UFCM") == "Professor Titular"
    assert clean_title("Assistant Professor Research Interests") == "Assistant Professor"


def test_protected_and_spelt_out_emails_are_read():
    typo3 = "javascript:linkTo_UnCryptMailto('nbjmup+kbof/tnjuiAvoj/fybnqmf');"
    assert from_mailto(typo3) == "jane.smith@uni.example"
    assert cloudflare("0b6a6f6a25676e6e4b7e6562256e736a667b676e") == "ada.lee@uni.example"
    assert cloudflare("0b6a6f6a256f6e64726a6b2a6f6e6a25727a") is None  # decodes to "ada.deoya`!dea.yq": no email
    assert emails_in_text("magdalena.kaminska (małpa) pm-ex.example") == ["magdalena.kaminska@pm-ex.example"]
    assert emails_in_text("zhang#zju.edu.cn", stand_in_for_at("请将#替换为@")) == ["zhang@zju.edu.cn"]
    # The "." words after a spelled-out "@" are the same list as between spaces: Portuguese "ponto" too.
    assert emails_in_text("jane arroba usp ponto br") == ["jane@usp.br"]


def test_running_text_gives_the_topics_it_introduces():
    assert prose_phrases("His research interests include memory system optimisation, micro-architectural "
                         "improvements in processor systems and energy efficient computing.") == [
        "memory system optimisation", "micro-architectural improvements in processor systems",
        "energy efficient computing"]
    assert prose_phrases("Ses recherches portent sur la catalyse hétérogène et la chimie verte.") == [
        "catalyse hétérogène", "chimie verte"]


def test_people_sharing_one_contact_link_stay_distinct_and_the_link_is_no_ones_profile():
    html = """<main><dl><dt><a href="/contato.html">Prof. Dr. Ana Lima</a></dt><dd>Professora Associada</dd>
    <dt><a href="/contato.html">Prof. Dr. Rui Costa</a></dt><dd>Professor Titular</dd></dl></main>"""
    found = people(html)
    assert set(found) == {"Ana Lima", "Rui Costa"}
    assert found["Ana Lima"].title == "Professora Associada" and found["Ana Lima"].profile_url is None


def test_people_commented_out_are_not_on_the_page():
    html = """<main><ul><li><a href="/p/a">Dr Ann Lee</a>, Lecturer</li>
    <!-- <li><a href="/p/b">Dr Bo Chan</a>, Lecturer</li> --><li><a href="/p/c">Dr Cy Ng</a>, Reader</li></ul></main>"""
    assert set(people(html)) == {"Ann Lee", "Cy Ng"}


def test_a_site_read_whole_keeps_its_contact_box_out_of_every_profile():
    listing = ('<html><body><main><h1>People</h1><ul>' + "".join(
        f'<li><a href="/p/{n}">Dr {n.title()} Smith</a>, Lecturer</li>' for n in ("ann", "bob", "cy", "dee"))
        + '</ul></main></body></html>')
    profile = ('<html><body><main><div class="name">Dr {n} Smith</div><p>Lecturer</p>'
               '<div class="contact"><p>Mary Office</p><p>office@uni.example</p></div></main></body></html>')
    pages = [("http://uni.example/people/", listing)] + [
        (f"http://uni.example/p/{n}", profile.format(n=n.title())) for n in ("ann", "bob", "cy", "dee")]
    results = extract_site(lambda: pages)
    for n in ("ann", "bob", "cy", "dee"):
        [person] = results[f"http://uni.example/p/{n}"].people
        assert person.name == f"{n.title()} Smith" and person.email is None


def test_a_profile_in_two_languages_is_one_person_with_both_names():
    ja = ('<html lang="ja"><head><link rel="alternate" hreflang="en" href="http://uni.example/en/p/1"></head><body>'
          '<main><h1>山田 太郎</h1><p>教授</p><p>yamada@uni.example</p></main></body></html>')
    en = ('<html lang="en"><head><link rel="alternate" hreflang="ja" href="http://uni.example/p/1"></head><body>'
          '<main><h1>Taro Yamada</h1><p>Professor</p><p>yamada@uni.example</p></main></body></html>')
    results = extract_site(lambda: [("http://uni.example/p/1", ja), ("http://uni.example/en/p/1", en)], language="ja")
    native, english = results["http://uni.example/p/1"].people[0], results["http://uni.example/en/p/1"].people[0]
    assert native.other_names == ["Taro Yamada"] and native.alias_urls == ["http://uni.example/en/p/1"]
    assert native.title == "教授" and english.title is None  # the translation's title does not compete


def test_an_eight_thousand_row_staff_table_is_read_whole():
    rows = "".join(f"<tr><td><a href=\"/p/{n}\">Anna {chr(65 + n % 26)}{chr(97 + n // 26 % 26)}lin Weber</a></td>"
                   f"<td>Lecturer</td></tr>" for n in range(8000))
    html = f"<main><table><tr><th>Name</th><th>Position</th></tr>{rows}</table></main>"
    assert len(extract(html, URL).people) == 8000  # namesakes with a page each stay apart


from scrapers import vocabulary  # noqa: E402

LABEL_PHRASES = vocabulary.phrases("labels", "phone") + vocabulary.phrases("labels", "interests")


def flat_pattern(phrases):
    """The plain alternation the compiled tries stand for: every phrase as whole words, longest first."""
    options = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = r"\s+".join(vocabulary._word_regexes(phrase))
        options.append(body if vocabulary.CJK.search(phrase) else rf"(?<!\w){body}(?!\w)")
    return re.compile("|".join(options), re.I)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LABEL_PHRASES), st.sampled_from(["x", "Tel", "of", "研究", "ab", ":", "-"]),
                          st.text(alphabet="aeiouTtlnrs .:-", max_size=6)), max_size=6))
def test_compiled_label_patterns_find_what_the_plain_alternation_finds(pieces):
    text = " ".join(pieces) if len(pieces) % 2 else "".join(pieces)
    for table in ("phone", "interests"):
        found = vocabulary.pattern("labels", table).search(text)
        expected = flat_pattern(vocabulary.phrases("labels", table)).search(text)
        assert (found and found.span()) == (expected and expected.span()), (table, text)


def test_a_grid_of_names_is_one_listing_with_the_rank_it_sits_under():
    cells = "".join(f'<td><a href="/info/{n}.htm">{name}</a></td>' for n, name in
                    enumerate(["张　明", "李晓红", "王　伟", "刘建国", "陈思远"]))
    html = f"""<main><h3>教授</h3><table><tr>{cells}</tr></table>
    <h3>行政人员</h3><table><tr><td>陈　静（办公室主任）<br>邮箱：chenjing@cs.uni.example</td>
    <td>马　超（教学秘书）<br>邮箱：machao@cs.uni.example</td></tr></table></main>"""
    found = {p.name: p for p in extract(html, URL).people}
    assert set(found) == {"张明", "李晓红", "王伟", "刘建国", "陈思远", "陈静", "马超"}
    assert found["王伟"].title == "教授" and found["王伟"].profile_url.endswith("/info/2.htm")
    assert (found["陈静"].title, found["陈静"].email) == ("办公室主任", "chenjing@cs.uni.example")


def test_supervision_roles_beside_a_rank_are_not_the_title_and_brackets_alone_end():
    assert clean_title("教授，博士生导师") == "教授"
    assert clean_title("Senior Lecturer; PhD supervisor") == "Senior Lecturer"
    assert clean_title("PhD Candidate") == "PhD Candidate"
    assert clean_title("()") is None and split_title("()") == ("", None)


def test_an_at_sign_image_and_a_noscript_fallback_give_the_address():
    html = """<main><h1>Directorio</h1><table><tr><td>Nombre:</td><td>Ana María García López</td></tr>
    <tr><td>Categoría:</td><td>Catedrática de Universidad</td></tr>
    <tr><td>Correo electrónico:</td><td>amgarcia<img src="/img/arroba.gif" alt="">uvaldemar.es</td></tr></table></main>"""  # noqa: E501 - a page's markup as written
    assert "amgarcia@uvaldemar.es" in [p.email for p in extract(html, URL + "ficha?id=1").people]
    html = """<main><h1>Rachel Goldberg, Ph.D.</h1><p class="profile__title">Professor</p>
    <p class="profile__role">Chair of the Department</p><p><a class="js-mail" href="#">E-mail</a>
    <noscript>rgoldberg at eastlake dot edu</noscript></p></main>"""
    [person] = extract(html, URL + "rgoldberg").people
    assert (person.title, person.email) == ("Professor", "rgoldberg@eastlake.edu")


def test_dutch_academic_name_forms():
    assert name_in("prof.dr.ir. J.H. (Jan) de Vries") == "Jan de Vries"
    assert name_in("dr. M. (Mohamed) El Amrani") == "Mohamed El Amrani"
    assert name_in("dr. T. (Tim) van 't Hof") == "Tim van 't Hof"
    assert name_in("M. Vidyasagar") == "M. Vidyasagar"


def test_a_letter_page_with_one_titled_person_and_tabs_that_are_not_people():
    html = """<main><ul class="tab-menu"><li><a href="list.do?page=1">전임교수</a></li><li><a href="list.do?cate=emer">명예교수</a>
    </li></ul><ul class="people-list"><li><a href="/research-profiles/rajesh-kumar.html">Scientia Professor Rajesh Kumar</a>
    </li></ul><div class="paging"><a href="list.do?page=1">처음</a><a href="list.do?page=2">마지막</a></div></main>"""  # noqa: E501 - a page's markup as written
    [person] = extract(html, URL + "our-people.html?letter=K").people
    assert (person.name, person.title) == ("Rajesh Kumar", "Scientia Professor")


def test_more_ways_pages_write_addresses_titles_and_interests():
    assert deobfuscate("wsjung @ ee.hanbit.ac.kr") == "wsjung@ee.hanbit.ac.kr"
    assert stand_in_for_at("yamada◎mech.example.ac.jp（◎を@に変えてください）") == "◎"
    assert split_phrases("熱流体工学・沸騰熱伝達・マイクロチャネル") == ["熱流体工学", "沸騰熱伝達", "マイクロチャネル"]
    assert split_phrases("データ・サイエンス") == ["データ・サイエンス"]
    assert clean_title("Doctorante depuis 2023") == "Doctorante" and clean_title("教授（兼任）") == "教授"


def test_a_listing_links_on_to_the_list_of_another_group():
    html = """<main><h2>Professeurs</h2><ul><li><a href="spip1.html">MARTIN Paul</a> – PR</li>
    <li><a href="spip2.html">DURAND Anne</a> – MCF</li></ul><h2>Doctorants</h2>
    <p>Voir la <a href="spip5d10.html">liste des doctorants</a>.</p></main>"""
    assert URL + "spip5d10.html" in extract(html, URL).listing_links


def test_people_in_details_summaries_and_in_lines_of_fields():
    html = """<main><h2>Cuerpo académico</h2>
    <details><summary>Dr. Rodrigo Henríquez Soto</summary><p>Profesor Titular</p><p>Correo: rhenriquez [arroba] u.cl</p></details>
    <details><summary>Dra. Francisca de la Fuente Larraín</summary><p>Profesora Asistente</p></details>
    <h2>Personal de apoyo</h2><p class="staff">Patricia Sepúlveda Rojas | Secretaria de Dirección | Anexo 2201 |
    psepulveda [arroba] u.cl<br>Luis Alberto Gajardo Muñoz | Coordinador de Laboratorio | Anexo 2207 | lgajardo@u.cl</p>
    <pre>氏名 | 職名 | 内線 | メール
<a href="/~brown/">マイケル・ブラウン (Michael BROWN)</a> | 特任准教授 | 5105 | brown (at) ist.example.ac.jp
<a href="/~kimura/">木村 浩二 (KIMURA Koji)</a> | 教授 | 5101 | kimura アットマーク ist.example.ac.jp</pre></main>"""  # noqa: E501 - a page's markup as written
    found = {p.name: p for p in extract(html, URL).people}
    assert found["Francisca de la Fuente Larraín"].title == "Profesora Asistente"
    assert (found["Patricia Sepúlveda Rojas"].title, found["Patricia Sepúlveda Rojas"].email) == (
        "Secretaria de Dirección", "psepulveda@u.cl")
    assert found["マイケル・ブラウン"].profile_url.endswith("/~brown/")
    assert "Michael Brown" in found["マイケル・ブラウン"].other_names
    assert found["木村 浩二"].email == "kimura@ist.example.ac.jp"
    assert "氏名" not in found


def test_a_rowspan_cell_keeps_the_columns_of_the_rows_below_it():
    html = """<main><table><tr><th>Section</th><th>Name</th><th>Role</th><th>Telephone</th></tr>
    <tr><td rowspan="2">Inorganic</td><td><a href="/p/a">Venkataraman-Hughes, Anjali</a></td><td>Senior Lecturer</td>
    <td>01632 960 433</td></tr><tr><td><a href="/p/b">Featherstonehaugh, Thomas</a></td><td>Lecturer</td>
    <td>01632 960 430</td></tr></table></main>"""
    found = {p.name: p.title for p in extract(html, URL).people}
    assert found == {"Anjali Venkataraman-Hughes": "Senior Lecturer", "Thomas Featherstonehaugh": "Lecturer"}


def test_tab_links_are_not_people_and_more_name_forms():
    html = """<main><ul class="tabs"><li><a href="?tab=professuren">Professuren</a></li><li><a href="?tab=ehemalige">
    Ehemalige</a></li></ul><ul><li><a href="/p/1">Prof. Dr. Konstanze von Hohenberg</a> Professorin</li>
    <li><a href="/p/2">Dipl.-Geogr. Tobias Weißkirchen</a> Wissenschaftlicher Mitarbeiter</li></ul></main>"""
    assert {p.name for p in extract(html, URL).people} == {"Konstanze von Hohenberg", "Tobias Weißkirchen"}
    assert name_in("D'ALMEIDA Jean-Marc") == "Jean-Marc D'Almeida" and name_in("Rhys ap Gwilym") == "Rhys ap Gwilym"
    assert name_in("Smt. Sunita Devi") == "Sunita Devi" and name_in("Samuel L. Okonkwo Jr.") == "Samuel L. Okonkwo Jr."


def test_a_list_mixing_two_markups_of_its_people_and_headings_of_former_members():
    html = """<main><section><h2><a href="/labs/fluid/">流体工学研究室</a></h2><ul>
    <li>教授（専攻長） <a href="/r/1">山本 健一</a></li>
    <li><span class="pos">助教</span><span class="nm"><a href="/r/2">村上 里奈</a></span></li></ul></section>
    <section><h2>Anciens membres</h2><ul><li><a href="/c">Lina Haroun</a> doctorante</li>
    <li><a href="/d">Marc Vidal</a> ingénieur</li></ul></section></main>"""
    found = {p.name: p.title for p in extract(html, URL).people}
    assert found == {"山本 健一": "教授（専攻長）", "村上 里奈": "助教"}


def test_wiki_edit_links_counts_and_affiliations_are_not_part_of_titles():
    assert clean_title("研究员（1人）") == "研究员"
    assert clean_title("西京大学 大学院工学研究科 機械工学専攻 教授（専攻長）") == "教授（専攻長）"
    assert clean_title("國立大學 理學部 物理學科 教授") == "教授"  # traditional characters end a unit too
    assert title_and_name("M. Vidyasagar Distinguished Professor") == ("Distinguished Professor", "M. Vidyasagar")
    assert title_and_name("Professor Roshan G. Ragel") == ("Professor", "Roshan G. Ragel")
    html = """<main><h1>Claire Martin</h1><table><tr><th>Statut</th><td>Directrice de recherche CNRS</td></tr></table>
    <h2><span class="mw-headline">Thèmes de recherche</span>
    <span class="mw-editsection">[<a href="/w?action=edit">modifier</a>]</span></h2>
    <ul><li>systèmes multi-agents</li><li>simulation sociale</li></ul></main>"""
    [person] = extract(html, URL + "wiki/Claire_Martin").people
    assert person.interests == ["systèmes multi-agents", "simulation sociale"]


def test_a_role_written_after_the_name_beats_the_heading_above():
    html = """<main><h2>Doctorants et post-doctorants</h2><ul>
    <li><a href="/wiki/Julien_Roux">Julien Roux</a> (doctorant)</li>
    <li><a href="/wiki/Mehdi_Haddad">Mehdi Haddad</a> (doctorant CIFRE Thales)</li>
    <li><a href="/wiki/Ana_Ribeiro">Ana Ribeiro</a></li></ul></main>"""
    found = {p.name: p.title for p in extract(html, URL + "wiki/Membres").people}
    assert found == {"Julien Roux": "doctorant", "Mehdi Haddad": "doctorant CIFRE Thales",
                     "Ana Ribeiro": "Doctorants et post-doctorants"}
