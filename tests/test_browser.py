"""The site in a real headless Chromium, served by the production server."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from directory.server import free_port, wait_until_up

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (`make test` installs it)")]
DIRECTORY = Path(sys.executable).parent / "directory"
XSS_NAME = 'Eve <img src=x onerror="window.pwned=1"> Hacker'
LONG_URL = ("https://www.example.ac.nz/research/people/academic-staff/" + "glaciology-and-climate-dynamics-" * 4
            + "profile")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`directory demo` on a free port: a real harvest of the demo sites, served by gunicorn."""
    instance = tmp_path_factory.mktemp("browser-instance")
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    hostile = instance / "hostile.jsonl"
    hostile.write_text(json.dumps({"name": XSS_NAME, "country": "FR", "institution": "<script>window.pwned=2</script>",
                                   "interests": ["<svg onload=window.pwned=3>", "enzymes"],
                                   "profile_url": "javascript:window.pwned=4"}) + "\n" +
                       json.dumps({"name": "Aroha Longurl", "country": "NZ",
                                   "institution": "Canterbury Plains University",
                                   "interests": ["glaciology"], "profile_url": LONG_URL}) + "\n")
    (instance / "config.py").write_text("CURATOR_PAGES = True\n")
    subprocess.run([DIRECTORY, "import", str(hostile)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([DIRECTORY, "demo", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(root)
    except OSError:
        server.kill()
        pytest.fail("the demo server did not start: " + server.stdout.read().decode()[-2000:])
    yield root
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


def expert_path(site, name):
    found = json.load(urlopen(f"{site}/api/v1/search?q={quote(name)}"))["results"]
    return "/experts/" + next(r["id"] for r in found if r["name"] == name)


@pytest.fixture
def phone(browser):
    """A page in a phone-sized window (390 x 844 CSS pixels, touch, a mobile viewport)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def test_a_small_firm_searches_filters_and_opens_a_profile(site, page):
    page.goto(site + "/")
    page.get_by_label("What do you need help with?").fill("enzymes that work in cold water")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?**")
    assert "experts for" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_role("link", name="Amelia Hart").is_visible()
    assert page.get_by_role("link", name="Camila Álvarez").is_visible()  # found through the Spanish labels
    assert "Also searched" in page.locator("#expansions").inner_text()

    page.get_by_text("Region and country").click()  # the filters' disclosure
    page.get_by_label("Country").select_option("CL")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**country=CL**")
    assert page.get_by_role("link", name="Camila Álvarez").is_visible()
    assert page.get_by_role("link", name="Amelia Hart").count() == 0

    page.get_by_role("link", name="Camila Álvarez").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Camila Álvarez")
    assert "Enzimas de organismos antárticos" in page.content()
    assert page.get_by_role("link", name="Ask for a correction or removal").first.is_visible()


def test_scraped_markup_stays_inert_in_results_and_profiles(site, page):
    page.goto(site + "/search?q=enzymes")
    assert page.get_by_role("link", name=XSS_NAME).count() == 1  # shown as text, not run
    with page.expect_navigation():
        page.get_by_role("link", name=XSS_NAME).click()
    assert page.evaluate("window.pwned") is None and page.dialogs == []
    assert page.locator('a[href^="javascript:"]').count() == 0


def test_an_intermediary_page_on_another_origin_embeds_the_widget_and_the_search_box(site, page, make_site):
    snippets = page.context.new_page()
    snippets.goto(site + "/embed?q=enzymes&region=europe&name=Chamber+of+Commerce&ref=chamber")
    box = snippets.locator("#snippet-box").inner_text()
    frame = snippets.locator("#snippet-frame").inner_text()
    snippets.close()
    host = make_site(150)
    host.page("/partners.html", f"<!doctype html><html><body><h1>Our partners</h1>{box}{frame}</body></html>")

    page.goto(host.root + "/partners.html")
    widget = page.frame_locator("iframe")
    assert widget.get_by_role("link", name="Amelia Hart").is_visible()
    assert "Chamber of Commerce" in widget.locator("h1").inner_text()
    assert widget.get_by_role("link", name="Camila Álvarez").count() == 0  # the Europe default holds

    page.get_by_label("Find university expertise").fill("stronger injection moulds")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Search").click()
    results = opened.value
    results.wait_for_load_state()
    assert results.url.startswith(site + "/search?") and "ref=chamber" in results.url and "region=europe" in results.url
    assert results.get_by_role("link", name="Katrin Müller").is_visible()
    results.close()


def test_the_shortlist_keeps_experts_and_exports_them(site, page):
    page.goto(site + "/search?q=rust")
    with page.expect_navigation():  # the form posts, then the page comes back (not just "loaded": it already is)
        page.get_by_role("button", name=re.compile(r"Add to shortlist\W+Tom Briggs")).click()
    assert page.get_by_role("button", name=re.compile(r"Remove from shortlist\W+Tom Briggs")).is_visible()
    page.get_by_role("link", name=re.compile(r"Shortlist \(1\)")).click()
    assert page.get_by_role("link", name="Tom Briggs").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV (spreadsheet)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Tom Briggs" in text and "t.briggs@northshore.example" in text


def test_the_shortlist_survives_closing_the_browser_and_opens_from_a_shared_link(site, browser):
    first = browser.new_context()
    page = first.new_page()
    page.goto(site + "/search?q=enzymes+that+work+in+cold+water")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Add to shortlist\W+Amelia Hart")).click()
    state = first.storage_state()
    first.close()
    kept = [cookie for cookie in state["cookies"] if cookie["expires"] != -1]  # what a closing browser keeps
    reopened = browser.new_context(storage_state={"cookies": kept, "origins": []})
    page = reopened.new_page()
    page.goto(site + "/shortlist/")
    assert page.get_by_role("link", name="Amelia Hart").is_visible()
    link = page.get_by_label(re.compile("Share this list")).input_value()
    reopened.close()

    stranger = browser.new_context()
    page = stranger.new_page()
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "A shared shortlist"
    assert page.get_by_role("link", name="Amelia Hart").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Add all 1 to my shortlist")).click()
    page.goto(site + "/shortlist/")
    assert page.get_by_role("link", name="Amelia Hart").is_visible()
    stranger.close()


@pytest.mark.parametrize("path", ["/", "/search?q=enzymes+that+work+in+cold+water", "/search?q=zzzz", "/browse",
                                  "/shortlist/", "/embed?q=enzymes&ref=x", "/api/docs"])
def test_pages_have_no_serious_or_critical_accessibility_violations(site, page, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site + path)
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_an_expert_page_is_accessible(site, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(site + "/search?q=enzymes")
    page.get_by_role("link", name="Amelia Hart").click()
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


PHONE_PAGES = ["/", "/search?q=enzymes+that+work+in+cold+water", "/search?q=enzymes&country=CL&topic=enzyme",
               "expert:Aroha Longurl", "expert:Katrin Müller", "/browse", "/embed?q=enzymes&region=europe&name=Chamber",
               "/embed/results?q=enzymes&name=Chamber", "/shortlist/", "/api/docs", "/curator/sources"]


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_on_a_phone_no_page_is_wider_than_the_screen_or_inaccessible(site, phone, path):
    from axe_playwright_python.sync_playwright import Axe

    phone.goto(site + (expert_path(site, path[7:]) if path.startswith("expert:") else path))
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    violations = Axe().run(phone).response["violations"]
    assert [(v["id"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")] == []


def test_on_a_phone_results_come_first_and_the_filters_open_without_javascript(site, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/search?q=enzymes+that+work+in+cold+water")
    box = page.get_by_label("What do you need help with?").bounding_box()
    assert box["width"] >= 300
    first = page.locator("article.result").first.bounding_box()
    assert first["y"] + 60 < PHONE["height"]  # the first result starts on the first screen
    assert page.locator("#refine").bounding_box()["y"] > first["y"]  # the facets come after the results
    assert not page.get_by_label("Country").is_visible()
    page.get_by_text("Region and country").click()
    page.get_by_label("Country").select_option("CL")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**country=CL**")
    assert page.get_by_role("link", name="Camila Álvarez").is_visible()
    assert page.get_by_role("link", name="Amelia Hart").count() == 0
    context.close()


def test_foreign_text_is_marked_with_its_language(site, page):
    page.goto(site + "/search?q=enzymes+that+work+in+cold+water")
    marked = page.evaluate("""() => [...document.querySelectorAll('article.result')].map(r => [
        r.querySelector('h2 a').textContent, r.querySelector('h2 a').getAttribute('lang'),
        [...r.querySelectorAll('.interests li')].map(li => li.getAttribute('lang'))])""")
    languages = {name: (lang, set(interests)) for name, lang, interests in marked}
    assert languages["Amelia Hart"] == (None, {None})  # English, as the page is
    assert languages["Camila Álvarez"] == ("es", {"es"})
    assert {None, "es", "zh"} <= {lang for lang, _interests in languages.values()}
    page.goto(site + expert_path(site, "Katrin Müller"))
    assert page.locator("h1").get_by_text("Katrin Müller", exact=True).get_attribute("lang") == "de"
    assert {li.get_attribute("lang") for li in page.locator("ul.interests li").all()} == {"de"}
    page.goto(site + "/embed/results?q=injection+moulds")
    assert page.get_by_role("link", name="Katrin Müller").get_attribute("lang") == "de"


def test_browse_opens_with_a_world_map_that_links_each_covered_country_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/browse")
    counted = {c["code"]: c["experts"] for c in json.load(urlopen(site + "/api/v1/countries"))["countries"]}
    world = page.locator("svg.world")
    assert world.is_visible() and world.bounding_box()["y"] < page.locator("table.coverage").bounding_box()["y"]
    links = world.locator("a")
    named = {links.nth(i).get_attribute("aria-label") for i in range(links.count())}
    assert named == {f"{country} {n} expert{'' if n == 1 else 's'}" for country, n in
                     ((page.locator(f'table.coverage a[href$="country={code}"]').inner_text() + ":", n)
                      for code, n in counted.items())}
    def shade(code):
        return world.locator(f'a[href$="country={code}"] path').get_attribute("class")
    most, fewest = max(counted, key=counted.get), min(counted, key=counted.get)
    assert shade(most) == "shade5" and shade(fewest) < shade(most)
    assert world.locator('path[aria-hidden="true"]').count() > 100  # the rest of the world, drawn but silent
    world.get_by_role("link", name=re.compile("^Chile:")).press("Enter")  # Chile's middle is in Argentina
    page.wait_for_url("**/search?country=CL")
    assert page.get_by_role("link", name="Camila Álvarez").is_visible()
    context.close()


def test_the_embed_builder_copies_snippets_and_checks_the_colour_as_it_is_chosen(site, browser):
    from playwright.sync_api import expect

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + "/embed?q=enzymes&region=europe&name=Chamber")
    page.get_by_role("button", name="Copy the results widget snippet").click()
    expect(page.get_by_role("status")).to_have_text("Copied.")  # once the clipboard's promise settles
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#snippet-frame").inner_text()
    assert "contrast of 6.7:1" in page.locator("#contrast").inner_text()
    page.get_by_label("Colour").fill("#f2d600")  # not yet submitted: the page checks it at once
    assert page.locator("#contrast").inner_text().startswith("Warning: this colour on white has a contrast of 1.5:1")
    context.close()

    still = browser.new_context(java_script_enabled=False)
    page = still.new_page()
    page.goto(site + "/embed?q=enzymes&colour=%23f2d600")
    assert page.get_by_role("button", name=re.compile("^Copy")).count() == 0  # hidden: select and copy by hand
    assert page.locator("#contrast").inner_text().startswith("Warning: this colour on white has a contrast of 1.5:1")
    still.close()
