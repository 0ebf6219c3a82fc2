"""Write ``chapters/images/favicon.ico``, the site icon for browsers that ask for it.

Browsers request ``/favicon.ico`` from the site root on pages that name no icon,
such as the redirect page ``index.html``; the build copies this file there. It
draws the same picture as ``favicon.svg`` (a blue rounded square with a white
ReLU-like line), supersampled and scaled down so the edges are smooth.

Run with ``.venv/bin/python tools/make_favicon.py``; the output is committed.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "chapters" / "images" / "favicon.ico"
SCALE = 16  # supersampling factor for the 32-unit design
BLUE = (0x00, 0x72, 0xB2, 255)
WHITE = (255, 255, 255, 255)
LINE = [(4, 24), (12, 24), (20, 8), (28, 8)]  # the path of favicon.svg


def draw(size: int = 32 * SCALE) -> Image.Image:
    """The icon at ``size`` pixels, in favicon.svg's 32-unit coordinates scaled up."""
    unit = size / 32
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=round(6 * unit), fill=BLUE)
    points = [(x * unit, y * unit) for x, y in LINE]
    width = round(3 * unit)
    pen.line(points, fill=WHITE, width=width, joint="curve")
    radius = width / 2
    for x, y in (points[0], points[-1]):  # round caps, as stroke-linecap="round"
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)
    return image


def main() -> None:
    big = draw()
    big.save(OUT, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
