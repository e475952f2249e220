"""Printable pages as PDF files, drawn by WeasyPrint from the same templates the browser prints."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Response, render_template
from weasyprint import CSS, HTML

STATIC = Path(__file__).parent / "static"
# The practices are American: their printers hold Letter. The sheet also fits one A4 page.
PAPER = "letter"

# WeasyPrint reports each drawing step at INFO: noise in the request logs, nothing to act on.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_fetching(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """Nothing is fetched while drawing: the stylesheet is handed over, and a page that named
    any other address (an image, a font on another site) must not make the server call it."""
    raise ValueError("a printable page may load nothing")


def pdf_response(template: str, *, filename: str, **context: object) -> Response:
    """The template rendered for print (`for_pdf` set) as an attached PDF file. `filename`
    names the download: ids only, never a client's name."""
    html = render_template(template, for_pdf=True, **context)
    document = HTML(string=html, url_fetcher=_no_fetching).write_pdf(
        stylesheets=[CSS(filename=str(STATIC / "sheet.css"), url_fetcher=_no_fetching),
                     CSS(string=f"@page {{ size: {PAPER} }}")])
    response = Response(document, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
