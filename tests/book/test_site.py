"""Every page of the built site, loaded in a real headless browser.

The site is served from ``_build/html`` on 127.0.0.1 and each page is opened
in Chromium (Debian's package, driven by Playwright without downloading a
browser). A page fails on any console error, failed request, HTTP error,
request to a host other than this machine, or math left unrendered.

Without Chromium these checks are skipped, and the run's summary ends with a
note saying so and how to install it; under CI (``CI=true``) they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import re
import shutil
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import CHROMIUM_MISSING, INSTALL_CHROMIUM
from tools.make_pdf import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}

pytestmark = pytest.mark.browser


def _pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    return sorted(
        path
        for path in HTML.rglob("*.html")
        if not SKIP_DIRS.intersection(path.relative_to(HTML).parts)
    )


PAGES = _pages()


def _chromium() -> str:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI", "").lower() in ("", "0", "false"):
        pytest.skip(f"{CHROMIUM_MISSING}, so the site is not checked in a browser")
    pytest.fail(f"{CHROMIUM_MISSING}, and CI must check the site in a browser: {INSTALL_CHROMIUM}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=CHROMIUM_ARGS,
        )
        try:
            yield launched
        finally:
            launched.close()


def test_site_was_built() -> None:
    assert (HTML / "index.html").is_file(), f"no site in {HTML}; run 'make book' first"
    names = {page.relative_to(HTML).as_posix() for page in PAGES}
    for chapter in ("intro", "checking", "api", "bibliography"):
        assert f"chapters/{chapter}.html" in names, f"chapters/{chapter}.html was not built"


def test_icons_are_served(server: str) -> None:
    # Chromium fetches a page's icon once per browser and outside the network
    # events a test can watch, so a missing icon shows up only on whichever page
    # happens to load first. Check every icon here instead: /favicon.ico, which
    # browsers ask for on pages naming no icon (the redirect page index.html),
    # and each icon a page links to.
    with urllib.request.urlopen(f"{server}/favicon.ico") as response:
        assert response.status == 200
        assert response.read(4) == b"\x00\x00\x01\x00", "/favicon.ico is not an ICO file"
    linked = re.compile(r'<link rel="(?:shortcut )?icon" href="([^"]+)"')
    for page in PAGES:
        for href in linked.findall(page.read_text(encoding="utf-8")):
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page.relative_to(HTML)} links to missing icon {href}"


def test_root_redirect_target_exists() -> None:
    html = (HTML / "index.html").read_text(encoding="utf-8")
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', html)
    assert match, f"index.html is not the expected redirect page: {html[:200]!r}"
    assert (HTML / match.group(1)).is_file(), f"index.html redirects to missing {match.group(1)}"


# Text outside code and typeset math that still looks like TeX: a dollar sign or a
# control word such as \frac or \eta (Markdown can break a formula apart, e.g. a
# line inside $...$ that starts with "- " becomes a list item).
RAW_TEX_IN_PROSE = r"""() => {
    const skip = "pre, code, kbd, script, style, mjx-container, .math, .highlight";
    const root = document.querySelector("main") || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) => node.parentElement.closest(skip)
            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    const hits = [];
    while (walker.nextNode()) {
        const text = walker.currentNode.textContent;
        if (/\$|\\[A-Za-z]+/.test(text)) hits.push(text.trim().slice(0, 100));
    }
    return hits;
}"""


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(HTML).as_posix())
def test_page_loads_cleanly(page: Path, server: str, browser: object) -> None:
    relative = page.relative_to(HTML).as_posix()
    # A fresh profile, as on a reader's first visit: nothing in localStorage.
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    problems: list[str] = []
    requested: list[str] = []

    def on_request(request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        requested.append(urlparse(url).path)
        host = urlparse(url).hostname
        if url.startswith(("data:", "blob:", "about:")):
            return
        if host != "127.0.0.1":
            problems.append(f"request to another host: {url}")

    def on_response(response: object) -> None:
        status = response.status  # type: ignore[attr-defined]
        if status >= 400:
            problems.append(f"HTTP {status} for {response.url}")  # type: ignore[attr-defined]

    tab.on("request", on_request)
    tab.on("response", on_response)
    tab.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    tab.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        tab.goto(f"{server}/{relative}", wait_until="load")
        html = page.read_text(encoding="utf-8")
        has_math = _typeset(tab, html)
        if has_math:
            rendered = tab.locator("mjx-container").count()
            errors = tab.locator("mjx-merror").count()
            assert rendered > 0, f"{relative}: has math but MathJax rendered none"
            assert errors == 0, f"{relative}: {errors} formulas failed to render"
            leftover = tab.evaluate(
                "() => Array.from(document.querySelectorAll('.math'))"
                ".filter(e => !e.querySelector('mjx-container')).length"
            )
            assert leftover == 0, f"{relative}: {leftover} formulas were left as raw TeX"
        raw_tex = tab.evaluate(RAW_TEX_IN_PROSE) if "<main" in html else []  # not the redirect
        assert not raw_tex, f"{relative}: raw TeX in the text:\n" + "\n".join(raw_tex)
        tab.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert not problems, f"{relative}:\n" + "\n".join(problems)
    problems.extend(_unused_scripts(relative, has_math, requested))
    assert not problems, f"{relative} loads scripts it does not use:\n" + "\n".join(problems)


def _typeset(tab: Any, html: str) -> bool:
    """Whether the page ``html`` has formulas; if it has, wait until MathJax has set them."""
    has_math = 'class="math' in html or "\\(" in html
    if has_math:
        tab.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=20000,
        )
        tab.evaluate("() => MathJax.startup.promise")
    return has_math


def _unused_scripts(relative: str, has_math: bool, requested: list[str]) -> list[str]:
    """Scripts a page loaded but does not use (see chapters/_ext/page_assets.py)."""
    unused = {
        "fontawesome.js": True,  # the theme's CSS draws the icons with the web font
        "sphinx-design": True,  # no page uses sphinx-design
        "/_static/mathjax/": not has_math,
        "searchindex.js": relative != "search.html",
    }
    return [
        f"{path} ({marker} is not used here)"
        for path in requested
        for marker, is_unused in unused.items()
        if is_unused and marker in path
    ]


# --- Publishing: page weight, version, repository links --------------------

INTRO = "chapters/intro.html"
MAX_INTRO_BYTES = 2_000_000


def test_intro_page_weight(server: str, browser: object) -> None:
    # Everything the first page a reader opens downloads: HTML, styles,
    # scripts, fonts and images, as a fresh browser profile fetches them.
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    responses: list[object] = []
    tab.on("response", lambda response: responses.append(response))
    try:
        tab.goto(f"{server}/{INTRO}", wait_until="load")
        tab.wait_for_load_state("networkidle")
        sizes = {r.url: len(r.body()) for r in responses}  # type: ignore[attr-defined]
    finally:
        context.close()
    total = sum(sizes.values())
    largest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    assert total < MAX_INTRO_BYTES, f"{INTRO} downloads {total} bytes; largest: {largest}"


def test_footer_shows_the_package_version() -> None:
    import nnlib

    footer = f'<p class="component-version">Version {nnlib.__version__}</p>'
    for page in PAGES:
        if page.name != "index.html":  # the redirect page has no footer
            html = page.read_text(encoding="utf-8")
            assert footer in html, f"{page.relative_to(HTML)} does not show {footer}"


def test_repository_buttons_link_to_the_configured_repository() -> None:
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    branch = config["repository"]["branch"]
    html = (HTML / INTRO).read_text(encoding="utf-8")
    assert f'href="{url}"' in html, "no repository button"
    assert f'href="{url}/issues/new?title=Issue%20on%20page%20' in html, "no issue button"
    assert f'href="{url}/edit/{branch}/chapters/intro.md"' in html, "no edit button"


# --- Running the chapters: the note on each chapter page, the archive -------

CHAPTER_SOURCES = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_each_chapter_page_says_how_to_run_it() -> None:
    from bs4 import BeautifulSoup

    for source in CHAPTER_SOURCES:
        page = HTML / "chapters" / f"{source.stem}.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        note = soup.select_one("div.admonition.run-this-chapter")
        assert note, f"{page.relative_to(HTML)} has no 'Run this chapter' note"
        links = {a["href"].rsplit("/", 1)[-1]: a["href"] for a in note.select("a[href]")}
        download = page.parent / links[source.name]
        assert download.read_bytes() == source.read_bytes(), f"{download} is not {source.name}"
        assert (page.parent / links["nnlib-chapters.zip"]).resolve() == HTML / "nnlib-chapters.zip"
        text = note.get_text()
        assert 'pip install "nnlib-first-principles[chapters]"' in text
        assert f"jupyter lab {source.name}" in text


def test_intro_links_to_an_archive_of_every_chapter(server: str) -> None:
    html = (HTML / INTRO).read_text(encoding="utf-8")
    match = re.search(r'href="([^"]*nnlib-chapters\.zip)"', html)
    assert match, f"{INTRO} does not link to the archive of chapters"
    url = urllib.parse.urljoin(f"{server}/{INTRO}", match.group(1))
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        data = response.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        for source in CHAPTER_SOURCES:
            stored = archive.read(f"nnlib-chapters/{source.name}")
            assert stored == source.read_bytes(), f"the archive's {source.name} differs"
        readme = archive.read("nnlib-chapters/README.txt").decode()
    assert len(names) == len(CHAPTER_SOURCES) + 1, names
    assert 'pip install "nnlib-first-principles[chapters]"' in readme


# Every code box on a page (input cells, printed outputs, source listings) whose
# lines are wider than the box itself, which it would then scroll: none should be,
# since narrow.css wraps code lines at phone width.
WIDE_CODE = r"""() => Array.from((document.querySelector("main") || document.body)
    .querySelectorAll("pre"))
    .filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
    .map((pre) => [pre.textContent.slice(0, 60), pre.scrollWidth, pre.clientWidth])"""

# Display formulas wider than their box, with their TeX. MathJax 3 cannot break a
# formula across lines, so a wide one scrolls inside its box (narrow.css); the
# chapters stack long formulas one relation per line so that none has to.
WIDE_MATH = r"""() => Array.from(MathJax.startup.document.math)
    .filter((item) => item.display && item.typesetRoot)
    .filter((item) => item.typesetRoot.scrollWidth > item.typesetRoot.clientWidth + 1)
    .map((item) => [item.math.trim(), item.typesetRoot.scrollWidth,
                    item.typesetRoot.clientWidth])"""

# The formulas that may still scroll in their box at 400 px, by page, as the start
# of their TeX. Backprop prints one partial derivative of a two-layer network
# written out in full: its length is the point it makes (expression swell), and
# no layout would fit it in a column.
WIDE_FORMULAS_ALLOWED = {
    "chapters/backprop.html": (r"\displaystyle \frac{e^{b^{(2)}_{1} + w^{(2)}_{11}",),
}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(HTML).as_posix())
def test_page_does_not_scroll_sideways_on_a_phone(
    page: Path, server: str, browser: object
) -> None:
    # 400 px, a phone held upright (chapters/_static/narrow.css): the page never
    # scrolls sideways, code lines wrap to fit the column, and display formulas fit
    # it too, except the few listed in WIDE_FORMULAS_ALLOWED, which scroll in their box.
    relative = page.relative_to(HTML).as_posix()
    html = page.read_text(encoding="utf-8")
    if "<main" not in html:
        pytest.skip("the redirect page has no content")
    context = browser.new_context(viewport={"width": 400, "height": 800})  # type: ignore[attr-defined]
    tab = context.new_page()
    try:
        tab.goto(f"{server}/{relative}", wait_until="load")
        has_math = _typeset(tab, html)
        overflow = tab.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide_code = tab.evaluate(WIDE_CODE)
        wide_math = tab.evaluate(WIDE_MATH) if has_math else []
    finally:
        context.close()
    assert overflow <= 0, f"{relative}: at 400 px the page scrolls sideways by {overflow} px"
    assert not wide_code, f"{relative}: at 400 px code lines do not fit the column:\n" + "\n".join(
        f"{text!r} needs {needed} px of {available}" for text, needed, available in wide_code
    )
    unexpected = [
        (tex, needed, available)
        for tex, needed, available in wide_math
        if not any(tex.startswith(allowed) for allowed in WIDE_FORMULAS_ALLOWED.get(relative, ()))
    ]
    assert not unexpected, f"{relative}: at 400 px formulas wider than the column:\n" + "\n".join(
        f"{tex[:80]!r} needs {needed} px of {available}" for tex, needed, available in unexpected
    )
    for allowed in WIDE_FORMULAS_ALLOWED.get(relative, ()):
        assert any(tex.startswith(allowed) for tex, _, _ in wide_math), (
            f"{relative}: {allowed!r} now fits the column; remove it from WIDE_FORMULAS_ALLOWED"
        )


class _LiteralScanner(HTMLParser):
    """Collect the text of each inline code literal, and whether it sits in a link."""

    def __init__(self) -> None:
        super().__init__()
        self.links = 0
        self.in_literal = False
        self.literals: list[tuple[str, bool]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = dict(attrs).get("class") or ""
        if tag == "a":
            self.links += 1
        elif tag == "code" and "literal" in classes.split():
            self.in_literal, self.text = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.links -= 1
        elif tag == "code" and self.in_literal:
            self.in_literal = False
            self.literals.append((self.text.strip(), self.links > 0))

    def handle_data(self, data: str) -> None:
        if self.in_literal:
            self.text += data


def _public_classes() -> set[str]:
    import nnlib

    modules = [getattr(nnlib, name) for name in nnlib.__all__]
    modules = [nnlib, *(m for m in modules if hasattr(m, "__all__"))]
    return {name for module in modules for name in module.__all__ if name[:1].isupper()}


CHAPTER_PAGES = [
    page
    for page in PAGES
    if page.parent.name == "chapters" and page.stem not in ("api", "bibliography")
]


@pytest.mark.parametrize("page", CHAPTER_PAGES, ids=lambda p: p.stem)
def test_chapter_text_links_nnlib_classes_to_the_api_reference(page: Path) -> None:
    # chapters/_ext/api_links.py turns `Linear`, `CrossEntropyLoss`, ... into links.
    scanner = _LiteralScanner()
    scanner.feed(page.read_text(encoding="utf-8"))
    classes = _public_classes()
    unlinked = sorted(
        {text for text, linked in scanner.literals if text in classes and not linked}
    )
    assert not unlinked, f"{page.name}: nnlib classes named without a link: {unlinked}"


@pytest.mark.parametrize("page", CHAPTER_PAGES, ids=lambda p: p.stem)
def test_figures_are_described_by_their_captions_not_their_paths(page: Path) -> None:
    # chapters/_ext/figure_alt.py: a screen reader reads the caption, not a file name.
    html = page.read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)"', html)
    paths = [alt for alt in alts if re.search(r"\.(png|svg|jpe?g)$", alt)]
    assert not paths, f"{page.name}: images described by their file paths: {paths[:3]}"


# --- Under the hood: implementation details collapsed by default --------------

# Each chapter keeps library internals and floating-point details out of the main
# line, in dropdowns titled "Under the hood: ..." (an admonition with the dropdown
# class, which sphinx-togglebutton collapses) or in code cells tagged hide-cell or
# hide-input, whose toggle myst-nb labels with the cell's code_prompt_show.
UNDER_THE_HOOD = r"""() => {
    const title = (el) => el.textContent.trim().startsWith("Under the hood");
    // checkVisibility also sees content that a closed <details> keeps laid out.
    const shown = (el) => el.checkVisibility({visibilityProperty: true});
    const admonitions = Array.from(document.querySelectorAll("div.admonition.dropdown"))
        .filter((box) => title(box.querySelector(".admonition-title")))
        .map((box) => ({
            // sphinx-togglebutton ignores a click on code inside the title
            codeInTitle: !!box.querySelector(".admonition-title code"),
            collapsed: box.classList.contains("toggle-hidden"),
            bodyShown: Array.from(box.children).slice(1).some(shown),
        }));
    const cells = Array.from(document.querySelectorAll("details.hide"))
        .filter((box) => title(box.querySelector("summary")))
        .map((box) => ({
            collapsed: !box.open,
            bodyShown: shown(box.querySelector(".cell_input, .cell_output")),
        }));
    return {admonitions, cells};
}"""


@pytest.mark.parametrize("source", CHAPTER_SOURCES, ids=lambda p: p.stem)
def test_under_the_hood_dropdowns_start_collapsed_and_open_on_click(
    source: Path, server: str, browser: object
) -> None:
    relative = f"chapters/{source.stem}.html"
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    try:
        tab.goto(f"{server}/{relative}", wait_until="load")
        text = tab.inner_text("main")
        before = tab.evaluate(UNDER_THE_HOOD)
        admonitions, cells = before["admonitions"], before["cells"]
        assert admonitions, f"{relative}: no 'Under the hood' dropdown"
        # A directive that failed to parse (a backtick fence whose title holds inline
        # code, say) shows up as its own source text.
        for raw in ("{admonition}", ":class: dropdown"):
            assert raw not in text, f"{relative}: an unparsed directive shows {raw!r}"
        titled = [i for i, box in enumerate(admonitions) if box["codeInTitle"]]
        assert not titled, f"{relative}: code in the titles of dropdowns {titled} is not clickable"
        for kind, boxes in (("dropdown", admonitions), ("hidden cell", cells)):
            open_ones = [
                i for i, box in enumerate(boxes) if not box["collapsed"] or box["bodyShown"]
            ]
            assert not open_ones, f"{relative}: 'Under the hood' {kind}s {open_ones} start open"
        tab.locator(
            "div.admonition.dropdown > .admonition-title", has_text="Under the hood"
        ).first.click()
        if cells:
            tab.locator("details.hide > summary", has_text="Under the hood").first.click()
        after = tab.evaluate(UNDER_THE_HOOD)
    finally:
        context.close()
    first = after["admonitions"][0]
    assert not first["collapsed"] and first["bodyShown"], (
        f"{relative}: a click did not open the dropdown"
    )
    if cells:
        cell = after["cells"][0]
        assert not cell["collapsed"] and cell["bodyShown"], (
            f"{relative}: a click did not open the cell"
        )
    assert all(box["collapsed"] for box in after["admonitions"][1:]), "one click opened several"
