"""The web edition in a real browser: Debian's chromium, driven by Playwright, on a local server.

Every internal link is followed, the language switcher, the search (Japanese by two characters,
English by a misspelt word), the layout at 320 px, and axe-core on every page type, in light and
dark mode. The browser and axe-core come from ``scripts/setup.sh dev``; without them these tests
fail and say so (they never skip: a missing browser must not pass in CI).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from support import EPOCH, REPO, ROOTS, refpub_command

pytestmark = pytest.mark.tools  # chromium (Playwright) and axe-core

CHROMIUM = os.environ.get("REFPUB_CHROMIUM", "/usr/bin/chromium")
AXE = REPO / ".tools" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "build" / "web-screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# One page of each type, below the language folder, in the fixture project tests/roots/good.
PAGE_TYPES = {
    "home": "index.html",
    "section": "section/general/index.html",
    "organisations": "organisations/index.html",
    "services": "services/index.html",
    "organisation": "org/ushiku-no-kai/index.html",
}


def _tools():
    """Playwright's sync API, or a failure that says how to install what is missing."""
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("the Python package playwright")
    if not Path(CHROMIUM).is_file():
        missing.append(f"chromium at {CHROMIUM} (apt-get install chromium, or set REFPUB_CHROMIUM)")
    if not AXE.is_file():
        missing.append(f"axe-core at {AXE.relative_to(REPO)}")
    if missing:
        pytest.fail("the browser tests need " + ", ".join(missing) + "; run scripts/setup.sh dev", pytrace=False)
    return sync_playwright


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _served(folder: Path):
    """A built web edition served on 127.0.0.1: yields (folder, base URL) while it is served."""
    with _serve(folder) as base:
        yield folder, base


@pytest.fixture(scope="module")
def site(built):
    """The fixture project's web edition, built once and served on 127.0.0.1."""
    yield from _served(built("good", only=("web",)).out / "web")


class _serve:
    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _tools()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def new_page(browser, width=1280, dark=False):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light")
    # Nothing may be fetched from another site: the edition works offline.
    outside = []

    def route(r):
        if urlsplit(r.request.url).hostname != "127.0.0.1":
            outside.append(r.request.url)
            return r.abort()
        return r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.outside_requests = outside
    return page


LINKS_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], link[href], script[src]')) {
    out.push(el.getAttribute('href') || el.getAttribute('src'));
  }
  return out;
}"""

LANG_JS = """() => ({
  lang: document.documentElement.getAttribute('lang'),
  fallbacksWithoutLang: [...document.querySelectorAll('[data-fallback]')].filter(e => !e.getAttribute('lang')).length,
  fallbacks: [...document.querySelectorAll('[data-fallback]')].length,
  ids: [...document.querySelectorAll('[id]')].map(e => e.id),
})"""


def _language_problems(path: str, info: dict) -> list[str]:
    """A page's <html lang> is there and is its folder's language; every fallback says its own."""
    problems = []
    expected = path.split("/")[0] if "/" in path else None
    if not info["lang"]:
        problems.append(f"{path}: <html> has no lang")
    elif expected and info["lang"] != expected:
        problems.append(f"{path}: <html lang={info['lang']!r}>, expected {expected!r}")
    if info["fallbacksWithoutLang"]:
        problems.append(f"{path}: {info['fallbacksWithoutLang']} fallback text(s) without lang")
    return problems


def _follow(href: str, url: str, base: str, path: str, problems: list[str]) -> tuple[str, str] | None:
    """(page, fragment) a link of the page at ``url`` leads to inside the site; None for a link
    outside it (a problem when it points at this machine)."""
    target = urljoin(url, href)
    if not target.startswith(base):
        if target.startswith(("http://127.0.0.1", "file:")):
            problems.append(f"{path}: link {href} leaves the site")
        return None
    bare, fragment = urldefrag(target)
    if bare.endswith("/"):
        problems.append(f"{path}: link {href} names a folder, which does not open from a folder (file:)")
    return bare, fragment


def crawl(browser, base: str) -> tuple[dict[str, dict], list[str]]:
    """Visit every page reachable from the site's first page; (pages, problems)."""
    page = new_page(browser)
    problems: list[str] = []
    pages: dict[str, dict] = {}
    anchors: list[tuple[str, str, str]] = []  # (from, page url, fragment)
    queue = [base + "index.html"]
    seen = set(queue)
    while queue:
        url = queue.pop(0)
        response = page.goto(url)
        if response is None or not response.ok:
            problems.append(f"{url}: HTTP {response.status if response else 'no response'}")
            continue
        if not url.endswith(".html"):
            continue
        path = url[len(base) :]
        pages[url] = page.evaluate(LANG_JS)
        problems += _language_problems(path, pages[url])
        for href in page.evaluate(LINKS_JS):
            followed = _follow(href, url, base, path, problems)
            if followed is None:
                continue
            bare, fragment = followed
            if fragment:
                anchors.append((path, bare, fragment))
            if bare not in seen:
                seen.add(bare)
                queue.append(bare)
    for source, target, fragment in anchors:
        if target in pages and fragment not in pages[target]["ids"]:
            problems.append(f"{source}: link to #{fragment} of {target[len(base) :]}, which has no such id")
    if page.outside_requests:
        problems.append(f"requests outside the site: {page.outside_requests}")
    page.context.close()
    return pages, problems


def test_every_link_resolves_and_every_page_has_its_language(site, browser):
    folder, base = site
    pages, problems = crawl(browser, base)
    assert problems == []
    # The crawl reached every page that was written.
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
    assert {u[len(base) :] for u in pages} == written
    assert {f"{lang}/{path}" for lang in ("en", "ja") for path in PAGE_TYPES.values()} <= written
    # The fixture's Japanese catalog lacks some texts: they show in English, marked.
    assert sum(info["fallbacks"] for url, info in pages.items() if "/ja/" in url) > 0


def test_the_crawl_finds_a_broken_link_and_a_page_without_lang(site, browser, tmp_path):
    folder, _ = site
    broken = tmp_path / "web"
    shutil.copytree(folder, broken)
    (broken / "en" / "org" / "jar" / "index.html").unlink()
    ushiku = broken / "ja" / "org" / "ushiku-no-kai" / "index.html"
    ushiku.write_text(ushiku.read_text(encoding="utf-8").replace('<html lang="ja"', "<html"), encoding="utf-8")
    with _serve(broken) as base:
        _, problems = crawl(browser, base)
    assert any("en/org/jar/index.html: HTTP 404" in p for p in problems), problems
    assert "ja/org/ushiku-no-kai/index.html: <html> has no lang" in problems


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_the_language_switcher_lands_on_the_same_entry(site, browser, kind):
    _, base = site
    page = new_page(browser)
    for lang, other in (("en", "ja"), ("ja", "en")):
        page.goto(f"{base}{lang}/{PAGE_TYPES[kind]}")
        page.click(f"nav.languages a[hreflang={other}]")
        # the click starts the navigation; under load it may not have committed yet
        page.wait_for_url(f"{base}{other}/{PAGE_TYPES[kind]}", timeout=30_000)
        assert page.evaluate("document.documentElement.lang") == other
        alternates = page.eval_on_selector_all(
            "link[rel=alternate][hreflang]", "els => els.map(e => [e.hreflang, e.href])"
        )
        assert sorted(alternates) == [[code, f"{base}{code}/{PAGE_TYPES[kind]}"] for code in ("en", "ja")]
    page.context.close()


def search(page, base, lang, query):
    page.goto(f"{base}{lang}/index.html")
    page.fill("#search-input", query)
    page.wait_for_function("document.querySelector('.search-status').textContent !== ''")
    return page.eval_on_selector_all(".search-results a", "els => els.map(e => e.getAttribute('href'))")


def test_search_finds_japanese_by_two_characters_and_english_despite_a_typo(site, browser):
    _, base = site
    page = new_page(browser)
    assert search(page, base, "ja", "牛久")[0] == "org/ushiku-no-kai/index.html"
    assert search(page, base, "en", "Asociation")[0] == "org/jar/index.html"  # misspelt
    assert search(page, base, "en", "zzqx") == []
    assert page.outside_requests == []
    page.context.close()


def test_japanese_pages_space_latin_and_digits_from_japanese(site, browser):
    """JLReq 3.2: on a Japanese page the browser sets its own space between Japanese and Latin
    letters or digits (web.css: text-autospace: normal; Chromium's initial value is no-autospace)."""
    _, base = site
    page = new_page(browser)
    page.goto(f"{base}ja/index.html")
    assert page.evaluate("getComputedStyle(document.body).textAutospace") == "normal"
    spaced, tight = page.evaluate(
        """() => {
        const s = document.createElement("span");
        s.textContent = "東京2024年UNHCR事務所";
        document.body.append(s);
        const spaced = s.getBoundingClientRect().width;
        s.style.textAutospace = "no-autospace";
        const tight = s.getBoundingClientRect().width;
        s.remove();
        return [spaced, tight];
    }"""
    )
    assert spaced > tight, (spaced, tight)
    page.goto(f"{base}en/index.html")
    assert page.evaluate("getComputedStyle(document.body).textAutospace") == "no-autospace"
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_no_horizontal_scroll_at_320_px(site, browser, lang):
    _, base = site
    page = new_page(browser, width=320)
    for kind, path in PAGE_TYPES.items():
        page.goto(f"{base}{lang}/{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{lang}/{path} ({kind}) scrolls sideways by {overflow} px at 320 px"
    page.context.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_core_finds_no_violation_on_any_page_type(site, browser, dark):
    _, base = site
    page = new_page(browser, width=320, dark=dark)
    found = {}
    paths = ["index.html"] + [f"{lang}/{path}" for lang in ("en", "ja") for path in PAGE_TYPES.values()]
    for path in paths:
        page.goto(base + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document)).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        found[path] = result
    print({path: len(v) for path, v in found.items()})
    assert {path: v for path, v in found.items() if v} == {}
    page.context.close()


def test_screenshots_of_every_page_type(site, browser):
    """Written to build/web-screenshots/ for people to look at (not committed)."""
    _, base = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (320, 1280):
        page = new_page(browser, width=width)
        page.goto(base + "index.html")
        page.screenshot(path=str(SCREENSHOTS / f"chooser-{width}.png"), full_page=True)
        for lang in ("en", "ja"):
            for kind, path in PAGE_TYPES.items():
                page.goto(f"{base}{lang}/{path}")
                shot = SCREENSHOTS / f"{lang}-{kind}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 1000
        page.context.close()


def test_serve_rebuilds_and_the_open_page_reloads(browser, tmp_path):
    import re
    import signal
    import subprocess
    import time

    project = tmp_path / "good"
    shutil.copytree(ROOTS / "good", project)
    server = subprocess.Popen(
        refpub_command("serve", "--port", "0", str(project)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while not any("watching" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            assert server.poll() is None, "".join(lines)
            lines.append(server.stdout.readline())
        base = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines)).group(0)
        page = new_page(browser)
        page.goto(base + "en/index.html")
        assert page.inner_text("h1") != "Served and changed"
        pub = project / "content" / "publication.yaml"
        text = pub.read_text(encoding="utf-8")
        pub.write_text(re.sub(r"(?m)^title: .*$", 'title: "Served and changed"', text), encoding="utf-8")
        # No action in the page: it reloads itself once the rebuild is there.
        try:
            page.wait_for_function("document.querySelector('h1').textContent === 'Served and changed'", timeout=30000)
        except Exception:
            server.send_signal(signal.SIGINT)
            pytest.fail(
                "the page did not reload; the server said:\n" + "".join(lines) + server.communicate(timeout=15)[0]
            )
        assert "__refpub__" not in (project / "build" / "web" / "en" / "index.html").read_text(encoding="utf-8")
        page.context.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0


def test_the_site_works_from_a_folder(site, browser):
    """Opened as files (a USB stick, no server): pages link to each other and the search runs."""
    folder, _ = site
    page = new_page(browser, width=320)
    page.context.unroute("**/*")
    page.goto((folder / "index.html").as_uri())
    page.click("a[hreflang=ja]")
    page.wait_for_url((folder / "ja" / "index.html").as_uri(), timeout=30_000)
    page.fill("#search-input", "牛久")
    page.click(".search-results a >> nth=0")
    page.wait_for_url((folder / "ja" / "org" / "ushiku-no-kai" / "index.html").as_uri(), timeout=30_000)
    page.click("nav.languages a[hreflang=en]")
    page.wait_for_url((folder / "en" / "org" / "ushiku-no-kai" / "index.html").as_uri(), timeout=30_000)
    page.context.close()


# ----------------------------------------------------------------------------- the repository's search


@pytest.fixture(scope="module")
def repository_site(built):
    """The repository's own web edition (its 70 readings), built once and served."""
    yield from _served(built("repository", only=("web",)).out / "web")


def _documents_containing(folder: Path, lang: str, query: str) -> set[str]:
    """The pages whose title or text holds ``query`` (NFKC, any case), read from the site's index."""
    import json
    import unicodedata

    def norm(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    script = (folder / lang / "search-index.js").read_text(encoding="utf-8")
    docs = json.loads(script[script.index("=") + 1 :].strip().rstrip(";"))
    return {d["url"] for d in docs if norm(query) in norm(d["title"] + " " + d["text"])}


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "query"), [("en", "refugee"), ("ja", "難"), ("ja", "ＪＡＲ"), ("ja", "ｊａｒ")])
def test_search_reaches_every_match_and_announces_their_number(repository_site, browser, lang, query):
    folder, base = repository_site
    expected = _documents_containing(folder, lang, query)
    assert expected, f"the repository has no {lang} page with {query!r}"
    page = new_page(browser)
    found = search(page, base, lang, query)
    status = page.inner_text(".search-status")
    assert len(found) == len(set(found))
    assert set(found) >= expected
    assert status.endswith(f": {len(found)}"), status
    if query == "refugee":
        assert len(found) > 20  # more than one screenful of old: every match is listed
    page.context.close()


@pytest.mark.slow
def test_enter_in_the_search_box_moves_to_the_first_result(repository_site, browser):
    _, base = repository_site
    page = new_page(browser)
    search(page, base, "en", "detention")
    page.press("#search-input", "Enter")
    assert page.evaluate("document.activeElement.closest('.search-results') !== null")
    assert page.evaluate("document.activeElement.getAttribute('href')") == page.eval_on_selector(
        ".search-results a", "a => a.getAttribute('href')"
    )
    page.context.close()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_home_page_does_not_shift_when_the_search_appears(repository_site, browser, lang):
    _, base = repository_site
    page = new_page(browser, width=320)
    page.add_init_script(
        "window.__shifts = 0; new PerformanceObserver(list => { for (const e of list.getEntries())"
        " if (!e.hadRecentInput) window.__shifts += e.value; }).observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(f"{base}{lang}/index.html")
    page.wait_for_function("!document.querySelector('section.search').hidden")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shifts") == 0
    icon = page.eval_on_selector("link[rel=icon]", "l => l.href")
    assert page.request.get(icon).ok
    page.context.close()
