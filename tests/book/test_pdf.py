"""The whole book as one PDF (``make pdf``): every chapter, figures, typeset math.

The PDF is built as ``make pdf`` builds it (``tools/make_pdf.py``: the
single-page HTML build printed by Chromium) into a temporary folder, then
read back with pypdf.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.book.test_site import _chromium
from tools import make_pdf

pytestmark = pytest.mark.browser

# TeX as a reader would see it if MathJax had not typeset it: display-math
# delimiters, inline delimiters, control words such as \frac or \mathbf.
RAW_TEX = re.compile(r"\$\$|\\[()\[\]]|\\[A-Za-z]+")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The PDF, and the single HTML page it was printed from."""
    _chromium()
    output = tmp_path_factory.mktemp("pdf") / "book.pdf"
    make_pdf.build_single_page()
    page = make_pdf.single_page()
    make_pdf.print_pdf(page, output)
    return output, page


@pytest.fixture(scope="module")
def pages(book: tuple[Path, Path]) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(book[0]).pages]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def raw_tex_lines(pages: list[str], html: str) -> list[str]:
    """Lines of the PDF's text showing TeX that is not part of a code listing.

    Code cells, their outputs and the library source the chapters print are
    ``<pre>`` blocks, where TeX is legitimately shown (matplotlib labels,
    docstrings); a line printed from one is found in their text.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    code = "".join("".join(pre.get_text().split()) for pre in soup.select("pre"))
    return [
        line
        for text in pages
        for line in text.splitlines()
        if RAW_TEX.search(line) and "".join(line.split()) not in code
    ]


def test_pdf_holds_every_chapter(book: tuple[Path, Path], pages: list[str]) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(book[1].read_text(encoding="utf-8"), "html.parser")
    starts = soup.select("span[id^=document-]")
    titles = [start.find_next(["h1", "h2"]).get_text(" ", strip=True) for start in starts]
    titles = [title.removesuffix("#").strip() for title in titles]
    assert len(titles) >= 10, titles
    text = _squeeze(" ".join(pages))
    missing = [title for title in titles if _squeeze(title) not in text]
    assert not missing, f"chapters missing from the PDF: {missing}"
    assert len(pages) >= 10 * len(titles), f"only {len(pages)} pages for {len(titles)} parts"


def test_pdf_embeds_every_figure(book: tuple[Path, Path]) -> None:
    from pypdf import PdfReader

    figures = book[1].read_text(encoding="utf-8").count("<img ")
    embedded = sum(len(page.images) for page in PdfReader(book[0]).pages)
    assert figures > 20
    assert embedded >= figures, f"{embedded} images embedded; the book has {figures}"


def test_pdf_shows_no_raw_tex(book: tuple[Path, Path], pages: list[str]) -> None:
    raw = raw_tex_lines(pages, book[1].read_text(encoding="utf-8"))
    assert not raw, "raw TeX in the PDF:\n" + "\n".join(raw)


def test_raw_tex_check_finds_untypeset_math() -> None:
    # The check itself: TeX outside a <pre> block is found; inside one it is not.
    html = '<p>x</p><pre>label=r"$\\sigma(x)$"</pre>'
    pages = ["a prose line with $$\\frac{1}{2}$$", 'label=r"$\\sigma(x)$"', "plain text"]
    assert raw_tex_lines(pages, html) == ["a prose line with $$\\frac{1}{2}$$"]
