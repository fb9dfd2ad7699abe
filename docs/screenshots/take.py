"""Take the README's screenshots again: harvest the demo sites into a temporary instance, serve it and
photograph the main pages in headless Chromium, on a desktop and on a phone (390 x 844).
Run: .venv/bin/python docs/screenshots/take.py  (Debian's fonts-noto-cjk draws the Chinese and Japanese text)"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from directory.server import wait_until_up

HERE = Path(__file__).resolve().parent
DIRECTORY = str(Path(sys.executable).parent / "directory")
SEARCH = "/search?q=enzymes+that+work+in+cold+water"
PAGES = {"home.png": "/", "search.png": SEARCH, "browse.png": "/browse",
         "embed.png": "/embed?q=food+preservation&region=europe&name=Example+Chamber",
         "sources.png": "/curator/sources"}
PORT = 47602


def main():
    instance = Path(tempfile.mkdtemp(prefix="screenshots-"))
    (instance / "config.py").write_text("CURATOR_PAGES = True\n")
    env = {**os.environ, "DIRECTORY_INSTANCE": str(instance)}
    for _run in range(2):  # earlier runs, for the sources page's charts
        subprocess.run([DIRECTORY, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([DIRECTORY, "demo", "--port", str(PORT)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_up(base, seconds=300)  # the demo harvests its sites first
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            for name, path in PAGES.items():
                page.goto(base + path)
                page.screenshot(path=str(HERE / name))
            page.goto(base + SEARCH)
            page.click("article.result h2 a")
            page.screenshot(path=str(HERE / "expert.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            phone.goto(base + SEARCH)
            phone.screenshot(path=str(HERE / "phone-search.png"))
            phone.locator("article.result h2 a").nth(1).click()
            phone.screenshot(path=str(HERE / "phone-expert.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
