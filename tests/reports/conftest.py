"""Fixtures of the document tests: Zoë Núñez's year on a fresh database, and reading PDFs back."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from aftercare_desktop.reports import ExportService
from tests.conftest import FIXED_TODAY
from tests.reports.story import Story, make_story

TODAY = FIXED_TODAY


@pytest.fixture
def story(sqlite_db) -> Story:
    return make_story(sqlite_db, TODAY)


@pytest.fixture
def service(sqlite_db, story) -> ExportService:
    return ExportService(sqlite_db, story.actor, today=lambda: TODAY)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space made single spaces (lines break anywhere)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def text_sizes(pdf: bytes, needle: str) -> list[float]:
    """The font sizes at which `needle` is printed (in points)."""
    found: list[float] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        def visit(text, cm, tm, font, size):
            if needle in text:
                found.append(size * (tm[3] or 1) * (cm[3] or 1))
        page.extract_text(visitor_text=visit)
    return found


def pdf_tool(name: str) -> str | None:
    """The path of a PDF tool (qpdf, pdftoppm); None where it is not installed, except in CI
    (AFTERCARE_REQUIRE_PDF_TOOLS=1, set by .ci/run), where its absence fails the test."""
    path = shutil.which(name)
    if path is None and os.environ.get("AFTERCARE_REQUIRE_PDF_TOOLS") == "1":
        pytest.fail(f"{name} is required (AFTERCARE_REQUIRE_PDF_TOOLS=1) but not installed")
    return path


def qpdf_check(path: Path) -> None:
    """`qpdf --check` finds no damage (not checked where qpdf is not installed, outside CI)."""
    qpdf = pdf_tool("qpdf")
    if qpdf is None:
        return
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def checked(document, path: Path) -> None:
    """Write a rendered document to `path` and check it with qpdf, as a file a user would get."""
    path.write_bytes(document.pdf)
    qpdf_check(path)
