"""Shared PDF pieces (reportlab): the built-in CJK font and a canvas that numbers its pages.

`STSong-Light` is one of reportlab's Adobe-GB1 CID fonts: the PDF names it and the reader supplies the
glyphs, so no font file ships or downloads (every Chinese PDF reader has one).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Draws a footer on every page once the page count is known: a line, the `footer` text on the left
    and "第 n 页 / 共 N 页  Page n of N" on the right (use with `functools.partial` as `canvasmaker`)."""

    def __init__(
        self, *args: Any, footer: str = "", margin: float = 15 * mm, rule: Any = colors.grey, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._footer, self._margin, self._rule = footer, margin, rule
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.setFont(CJK_FONT, 8)
            self.setFillColor(colors.grey)
            self.setStrokeColor(self._rule)
            self.line(self._margin, 12 * mm, width - self._margin, 12 * mm)
            self.drawString(self._margin, 8 * mm, self._footer)
            self.drawRightString(
                width - self._margin,
                8 * mm,
                f"第 {self._pageNumber} 页 / 共 {total} 页  Page {self._pageNumber} of {total}",
            )
            super().showPage()
        super().save()
