"""Edit → Organisation and notices…: what every printed document says about the team.

The organisation's name, address, phone and logo head every page; the paper size; and the 42 CFR
§2.32 notice on documents that leave the program — which statement by default, and the team's
wording of each (empty: the regulation's). These are team settings, stored in the database and
audited like any other (`services/team_settings.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import AftercareError
from ..models.enums import NoticeStatement, PaperSize
from ..paths import resource
from ..reports.export import notice_text
from ..services.context import AppContext
from ..services.team_settings import (
    DEFAULTS,
    LOGO_MAX_BYTES,
    SPECS,
    TeamSettingsValues,
    logo_bytes,
    logo_text,
)
from .background import TaskRunner
from .settings_form import SettingsDialog, muted
from .widgets import EnumCombo

TEXTS = ("organisation_name", "organisation_phone")
BLOCKS = ("organisation_address", "notice_statement_1", "notice_statement_2")
KEYS = (*TEXTS, *BLOCKS, "organisation_logo", "paper_size", "disclosure_notice")
LOGO_SIZE = QSize(72, 72)


def choose_logo_file(parent: QWidget | None) -> Path | None:
    """A PNG or JPEG file for the logo (tests replace this)."""
    chosen, _filter = QFileDialog.getOpenFileName(parent, "Choose the logo", str(Path.home()),
                                                  "Images (*.png *.jpg *.jpeg)")
    return Path(chosen) if chosen else None


class OrganisationDialog(SettingsDialog):
    subject = "the organisation and notices"

    def __init__(self, context: AppContext, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(context, runner, parent)
        self.logo = ""
        self.setWindowTitle("Organisation and notices")
        self.lines: dict[str, QLineEdit] = {}
        self.blocks: dict[str, QPlainTextEdit] = {}

        organisation = QGroupBox("On every printed document")
        form = QFormLayout(organisation)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in ("organisation_name", "organisation_address", "organisation_phone"):
            self.add_row(form, key, self._line(key) if key in TEXTS else self._block(key, 3))
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(LOGO_SIZE)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        choose = QPushButton("Choose image…")
        choose.clicked.connect(self.choose_logo)
        self.default_logo = QPushButton("Use the app's logo")
        self.default_logo.clicked.connect(lambda: self._set_logo(""))
        logo_help = muted(SPECS["organisation_logo"].info.help)
        choices = QHBoxLayout()
        choices.addWidget(choose)
        choices.addWidget(self.default_logo)
        choices.addStretch(1)
        beside = QVBoxLayout()
        beside.addLayout(choices)
        beside.addWidget(logo_help)
        beside.addStretch(1)
        logo = QHBoxLayout()
        logo.setContentsMargins(0, 0, 0, 0)
        logo.addWidget(self.logo_preview)
        logo.addLayout(beside, 1)
        self.add_row(form, "organisation_logo", logo, buddy=choose, with_help=False)
        self.paper = EnumCombo(PaperSize, optional=False)
        self.add_row(form, "paper_size", self.paper)

        notices = QGroupBox("42 CFR §2.32 notice on documents that leave the program")
        form = QFormLayout(notices)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.statement = EnumCombo(NoticeStatement, optional=False)
        self.add_row(form, "disclosure_notice", self.statement, caption="Printed by default")
        for key, statement, lines in (("notice_statement_1", NoticeStatement.STATEMENT_1, 7),
                                      ("notice_statement_2", NoticeStatement.STATEMENT_2, 3)):
            edit = self._block(key, lines)
            edit.setPlaceholderText(notice_text(DEFAULTS, statement))
            self.add_row(form, key, edit)

        self.message.setObjectName("organisationMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(organisation)
        layout.addWidget(notices, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        # The help lines wrap: the height they need is known only for a given width.
        self.resize(760, self.heightForWidth(760))
        self.start_loading()

    def _line(self, key: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setMaxLength(int(SPECS[key].info.maximum or 32767))
        self.lines[key] = edit
        return edit

    def _block(self, key: str, lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(key)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        self.blocks[key] = edit
        return edit

    # -- loading -----------------------------------------------------------------------------------
    def show_values(self, values: TeamSettingsValues) -> None:
        for key, edit in self.lines.items():
            edit.setText(getattr(values, key))
        for key, edit in self.blocks.items():
            edit.setPlainText(getattr(values, key))
        self.paper.set_value(values.paper_size)
        self.statement.set_value(values.disclosure_notice)
        self._set_logo(values.organisation_logo)
        self.lines["organisation_name"].setFocus()

    def loaded_message(self) -> str:
        return "Empty notice texts print the regulation's wording (shown greyed)."

    def editors(self) -> list[QWidget]:
        return [*self.lines.values(), *self.blocks.values(), self.paper, self.statement]

    # -- the logo ----------------------------------------------------------------------------------
    def choose_logo(self) -> None:
        path = choose_logo_file(self)
        if path is None:
            return
        try:
            if path.stat().st_size > LOGO_MAX_BYTES:
                raise AftercareError(f"Logo: choose an image of at most {LOGO_MAX_BYTES // 1000} KB.")
            data = path.read_bytes()
        except OSError as exc:
            self.errors["organisation_logo"].show_message(f"Cannot read {path.name}: {exc.strerror}.")
            return
        except AftercareError as exc:
            self.errors["organisation_logo"].show_message(str(exc))
            return
        if logo_bytes(logo_text(data)) is None:
            self.errors["organisation_logo"].show_message("Logo: choose a PNG or JPEG image.")
            return
        self._set_logo(logo_text(data))

    def _set_logo(self, text: str) -> None:
        self.logo = text
        self.errors["organisation_logo"].show_message(None)
        pixmap = QPixmap()
        pixmap.loadFromData(logo_bytes(text) or resource("logo.png").read_bytes())
        self.logo_preview.setPixmap(pixmap.scaled(LOGO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                                  Qt.TransformationMode.SmoothTransformation))
        self.default_logo.setEnabled(bool(text))

    # -- what is on screen -------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: edit.text() for key, edit in self.lines.items()}
        values.update({key: edit.toPlainText() for key, edit in self.blocks.items()})
        values.update(organisation_logo=self.logo, paper_size=self.paper.value(),
                      disclosure_notice=self.statement.value())
        return values
