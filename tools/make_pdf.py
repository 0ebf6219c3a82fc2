"""Print the whole book as one PDF: ``make pdf``.

Jupyter Book builds the book as a single HTML page (``--builder singlehtml``);
the system Chromium, driven by Playwright, opens it from a server on
127.0.0.1, waits until MathJax has typeset every formula and every figure has
loaded, opens the collapsed solutions as it would for printing, and prints it
to ``_build/pdf/``. Nothing is fetched from the network: MathJax and the
fonts are served from the build.

Usage: ``python tools/make_pdf.py [--no-build] [OUTPUT.pdf]``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SINGLE = ROOT / "_build" / "singlehtml"
PDF = ROOT / "_build" / "pdf" / "neural-networks-from-first-principles.pdf"
# The system browser (Debian: apt-get install chromium); Playwright downloads none.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# Chromium's launch flags, as for the site checks: nothing in the background
# reaches the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The theme's print styles are written for one page at a time: they keep each
# code block on one page (a long one leaves the rest of a page blank) and cut
# long lines at the margin. In the book, blocks break, and lines (in a smaller
# font) wrap.
PRINT_CSS = """
@media print {
  /* No ligatures: a PDF maps "ff" or "fi" drawn as one glyph back to one character
     (U+FB00, ...), so "differentiation" could not be found or copied from the PDF. */
  body { font-variant-ligatures: none; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.8em; }
  div.highlight, div[class*="highlight-"], div.cell, div.cell_input, div.cell_output {
    break-inside: auto;
  }
}
"""
FOOTER = (
    '<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def build_single_page() -> None:
    """Build the book as one HTML page into _build/singlehtml (warnings are errors)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(ROOT), "--builder", "singlehtml"]
    subprocess.run([*command, "-W", "-n", "--keep-going"], check=True, cwd=ROOT)


def single_page() -> Path:
    """The built page, copied to the build's root, where its links are relative to.

    The redirect page index.html names the page; the single-page builder writes
    it under the root document's folder (chapters/) but with links relative to
    the build's root.
    """
    redirect = (SINGLE / "index.html").read_text(encoding="utf-8")
    match = re.search(r'url=([^"]+)"', redirect)
    if not match:
        raise SystemExit(f"{SINGLE / 'index.html'} is not a redirect page: {redirect[:200]!r}")
    book = SINGLE / "book.html"
    shutil.copyfile(SINGLE / match.group(1), book)
    return book


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def print_pdf(page: Path, output: Path) -> None:
    """Open the page in Chromium once it is fully typeset, and print it to output."""
    from playwright.sync_api import sync_playwright

    output.parent.mkdir(parents=True, exist_ok=True)
    with serve(page.parent) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            outside: list[str] = []
            tab.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith(server) else None,
            )
            tab.goto(f"{server}/{page.name}", wait_until="load", timeout=120_000)
            tab.wait_for_function("() => window.MathJax && MathJax.startup", timeout=60_000)
            tab.evaluate("() => MathJax.startup.promise")
            problems = tab.evaluate(
                """() => ({
                    unrendered: Array.from(document.querySelectorAll('.math'))
                        .filter(e => !e.querySelector('mjx-container')).length,
                    errors: document.querySelectorAll('mjx-merror').length,
                    images: Array.from(document.images)
                        .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
                })"""
            )
            if problems["unrendered"] or problems["errors"] or problems["images"] or outside:
                raise SystemExit(f"{page}: not ready to print: {problems}, outside: {outside}")
            tab.add_style_tag(content=PRINT_CSS)
            # As the browser's own printing does: open collapsed blocks (solutions and
            # Under the hood dropdowns); then the collapsed code cells, which paper
            # cannot unfold either.
            tab.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
            tab.evaluate(
                "() => document.querySelectorAll('details.hide').forEach(d => d.open = true)"
            )
            tab.pdf(
                path=str(output),
                format="A4",
                print_background=True,
                margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=PDF)
    parser.add_argument(
        "--no-build", action="store_true", help="print the existing _build/singlehtml"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    if not args.no_build:
        build_single_page()
    print_pdf(single_page(), args.output)
    size = args.output.stat().st_size / 1e6
    print(f"{args.output} ({size:.1f} MB) in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
