"""The report's chart: cells per band, one stacked bar per đảng bộ (a PNG, so the
``.docx`` and the PDF show the same picture)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping

from PIL import Image, ImageDraw, ImageFont

from auditor.models import BANDS
from auditor.report.common import BAND_COLOURS, BAND_NAMES_VI
from auditor.report.documents.fonts import serif_files

__all__ = ["bands_chart"]

_SCALE = 2  # drawn at twice the size it is shown, for print


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    files = serif_files()
    return ImageFont.truetype(str(files.bold if bold else files.regular), size * _SCALE)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bands_chart(per_parent: Mapping[str, Counter[str]], *, max_bars: int = 12) -> bytes:
    """A horizontal stacked bar per đảng bộ (the ``max_bars`` largest; the rest summed as
    "Các đảng bộ khác"), segments coloured like the workbooks' bands, with a legend."""
    items = sorted(per_parent.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    if len(items) > max_bars:
        rest: Counter[str] = Counter()
        for _, counts in items[max_bars - 1 :]:
            rest.update(counts)
        items = [*items[: max_bars - 1], (f"Các đảng bộ khác ({len(items) - max_bars + 1})", rest)]
    s = _SCALE
    label_w, bar_w, bar_h, gap, top, legend_h = 230 * s, 400 * s, 22 * s, 10 * s, 12 * s, 44 * s
    width = label_w + bar_w + 50 * s
    height = top + len(items) * (bar_h + gap) + legend_h
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    text, small, bold = _font(13), _font(11), _font(12, bold=True)
    most = max((sum(c.values()) for _, c in items), default=1) or 1
    y = top
    for parent, counts in items:
        draw.text(
            (8 * s, y + bar_h // 2),
            _fit(draw, parent, text, label_w - 16 * s),
            "black",
            font=text,
            anchor="lm",
        )
        x = label_w
        for band in BANDS:
            n = counts.get(band, 0)
            if not n:
                continue
            w = round(bar_w * n / most)
            fill, ink = BAND_COLOURS[band]
            draw.rectangle((x, y, x + w - 1, y + bar_h), fill=fill, outline=ink, width=s)
            if w > draw.textlength(str(n), font=bold) + 4 * s:
                draw.text((x + w // 2, y + bar_h // 2), str(n), ink, font=bold, anchor="mm")
            x += w
        draw.text(
            (x + 6 * s, y + bar_h // 2), str(sum(counts.values())), "black", font=small, anchor="lm"
        )
        y += bar_h + gap
    x, y = 8 * s, y + 8 * s
    for band in BANDS:
        fill, ink = BAND_COLOURS[band]
        draw.rectangle((x, y, x + 14 * s, y + 14 * s), fill=fill, outline=ink, width=s)
        label = f"{band} – {BAND_NAMES_VI[band]}"
        draw.text((x + 20 * s, y + 7 * s), label, "black", font=small, anchor="lm")
        x += 20 * s + round(draw.textlength(label, font=small)) + 18 * s
        if x > width - 160 * s:
            x, y = 8 * s, y + 18 * s
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
