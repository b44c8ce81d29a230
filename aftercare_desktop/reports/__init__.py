"""Printed output without Qt: progress reports, the alumnus's own plan, wallet cards, caseload summaries
and the weekly pairing review's agenda.

The GUI, the command line and batch exports all go through `ExportService` (export.py): a request
says what, about whom, for whom and why; the service checks it, asks the disclosure gate, renders
with reportlab, writes the PDF atomically and records the disclosure. `BatchExport` (batch.py) runs
many exports over several processes with progress and cancel.

    data.py      what each document says, gathered from the services as plain data
    progress.py, plan.py, wallet.py, caseload.py, pairing_review.py   the documents' layouts
    page.py      header, footer, §2.32 notice and "Page X of Y" on every page
    charts.py    trend charts as vector drawings      style.py   font, colours, styles, dates
"""

import importlib
from typing import TYPE_CHECKING

# Loaded on first use (PEP 562): reportlab takes over a second to import, and the command line builds
# its `report` options from the light `kinds` module at every start, the GUI's included.
_HOMES = {
    "BatchExport": "batch", "BatchItem": "batch", "BatchProgress": "batch", "BatchRequest": "batch",
    "BatchSummary": "batch",
    "MentorPairingLine": "data", "MentorPairingSource": "data", "mentor_pairing_source": "data",
    "AllowAll": "export", "DisclosureGate": "export", "DisclosureRecord": "export", "DisclosureRefused": "export",
    "ExportOutcome": "export", "ExportRequest": "export", "ExportService": "export", "RenderedDocument": "export",
    "ALL_SECTIONS": "kinds", "DocumentKind": "kinds", "Notice": "kinds", "Period": "kinds", "Section": "kinds",
}

if TYPE_CHECKING:
    from .batch import BatchExport, BatchItem, BatchProgress, BatchRequest, BatchSummary
    from .data import MentorPairingLine, MentorPairingSource, mentor_pairing_source
    from .export import (
        AllowAll,
        DisclosureGate,
        DisclosureRecord,
        DisclosureRefused,
        ExportOutcome,
        ExportRequest,
        ExportService,
        RenderedDocument,
    )
    from .kinds import ALL_SECTIONS, DocumentKind, Notice, Period, Section


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ALL_SECTIONS",
    "AllowAll",
    "BatchExport",
    "BatchItem",
    "BatchProgress",
    "BatchRequest",
    "BatchSummary",
    "DisclosureGate",
    "DisclosureRecord",
    "DisclosureRefused",
    "DocumentKind",
    "ExportOutcome",
    "ExportRequest",
    "ExportService",
    "MentorPairingLine",
    "MentorPairingSource",
    "Notice",
    "Period",
    "RenderedDocument",
    "Section",
    "mentor_pairing_source",
]
