"""The benefits sheet in Chromium: from the benefits card to the printable page, the PDF
downloaded and read (copay, visits left; the member ID only once the box is ticked), and the
verification-of-benefits record."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import shot
from tests.browser.test_front_desk import intake, practice, sign_in
from tests.support.people import PEOPLE

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser
__all__ = ["practice"]  # the fixture, shared with the front desk's tests


def downloaded_pdf(page, link_name: str) -> tuple[str, int]:
    """Click the link, keep the download; its text and page count, once it is a PDF."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link_name).click()
    data = Path(started.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)


def test_the_sheet_downloads_as_a_one_page_pdf_with_the_member_id_only_when_ticked(
        page, practice, request):
    sign_in(page)
    intake(page, PEOPLE[1], "ZZT0000002")
    page.get_by_role("link", name="Benefits sheet for the client").click()
    page.wait_for_url(re.compile(r"/app/checks/[0-9a-f-]{36}/sheet$"))
    sheet = page.locator("article.sheet")
    expect(sheet.get_by_role("heading", name="What a session will cost you")).to_be_visible()
    assert "$25.00" in sheet.inner_text() and "8 remaining" in sheet.inner_text()
    assert "ZZT0000002" not in page.content()
    shot(page, request, "benefits-sheet")
    for paper in ("A4", "Letter"):  # the browser's own Print: the app around the sheet hidden
        printed = PdfReader(io.BytesIO(page.pdf(format=paper)))
        assert len(printed.pages) == 1, paper
        assert "Download PDF" not in printed.pages[0].extract_text()

    text, pages = downloaded_pdf(page, "Download PDF")
    assert pages == 1
    assert "$25.00" in text and "8 remaining" in text
    assert "ZZT0000002" not in text

    box = page.get_by_label("Include member ID")
    box.check()
    page.get_by_role("button", name="Update").click()
    page.wait_for_url(re.compile(r"/sheet\?member_id=1$"))
    expect(page.get_by_label("Include member ID")).to_be_checked()
    assert "member ID ZZT0000002" in sheet.inner_text()
    ticked, _ = downloaded_pdf(page, "Download PDF")
    assert "ZZT0000002" in ticked and "$25.00" in ticked


def test_the_vob_record_opens_from_the_card_and_downloads(page, practice, request):
    sign_in(page)
    intake(page, PEOPLE[0], "ZZT0000001")
    page.get_by_role("link", name="Verification of benefits record").click()
    page.wait_for_url(re.compile(r"/app/checks/[0-9a-f-]{36}/vob$"))
    expect(page.get_by_role("heading", name="Verification of benefits")).to_be_visible()
    expect(page.get_by_label("Include member ID")).to_have_count(0)
    shot(page, request, "vob")
    text, _ = downloaded_pdf(page, "Download PDF")
    for expected in ("Verification of benefits", "ZZT0000001", "Copay per visit",
                     "$125.50 remaining", "desk@clinic.example", "trace number"):
        assert expected in text, expected
