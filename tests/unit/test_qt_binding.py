"""The Qt binding must not leak or drop references to None (PySide6 6.12.0 did, fatally on 3.11)."""

import sys

from PySide6.QtWidgets import QComboBox, QLineEdit


def test_calls_returning_nothing_keep_none_alive(qapp):
    combo = QComboBox()
    combo.addItem("not set", None)
    edit = QLineEdit()
    before = sys.getrefcount(None)
    for _ in range(500):
        combo.setCurrentIndex(0)
        combo.currentData()
        edit.setText("")
    # Immortal on 3.12+, where the count does not move; on 3.11 every lost reference shows.
    assert abs(sys.getrefcount(None) - before) < 50
