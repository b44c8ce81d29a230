"""Every item model passes Qt's own model checks while it loads, sorts, edits and reorders."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from aftercare_desktop.models.enums import Relationship
from aftercare_desktop.services.records import SupportContactData
from aftercare_desktop.views.directory_model import COL_NAME, COL_PHONE, HEADERS, IdRole, DirectoryModel
from aftercare_desktop.views.support_contacts_model import COL_NAME as CONTACT_NAME
from aftercare_desktop.views.support_contacts_model import SupportContactsModel

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def test_directory_model(qtbot, context):
    model = DirectoryModel(context.directory)
    QAbstractItemModelTester(model, FATAL)
    with qtbot.waitSignal(model.loaded, timeout=5000) as loaded:
        model.refresh()
    assert loaded.args == [3]
    assert model.columnCount() == len(HEADERS)
    assert [model.index(r, COL_NAME).data() for r in range(3)] == ["Fischer, Zoë", "Nguyễn, Thảo", "Núñez, José"]
    assert model.index(2, COL_PHONE).data() == "(555) 010-2020"
    assert model.index(0, 0).data(IdRole) == model.id_at(0)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    assert model.index(0, COL_NAME).data() == "Núñez, José"
    model.wait_for_done()


def test_directory_model_applies_only_the_newest_query(qtbot, context):
    model = DirectoryModel(context.directory)
    from dataclasses import replace

    with qtbot.waitSignal(model.loaded, timeout=5000):
        for typed in ("n", "ng", "ngu"):
            model.set_query(replace(model.query, text=typed))
    qtbot.waitUntil(lambda: not model.is_loading, timeout=5000)
    assert model.rowCount() == 1 and model.index(0, COL_NAME).data() == "Nguyễn, Thảo"
    model.wait_for_done()


def test_support_contacts_model(qtbot):
    model = SupportContactsModel()
    QAbstractItemModelTester(model, FATAL)
    model.set_contacts([SupportContactData("Rosa", Relationship.SPONSOR), SupportContactData("Luis", Relationship.FAMILY)])
    row = model.add_contact()
    assert model.setData(model.index(row, CONTACT_NAME), "Ana")
    assert model.move_contact(row, -1) == 1
    assert model.move_contact(0, 1) == 1
    model.remove_contact(2)
    assert [c.name for c in model.contacts()] == ["Ana", "Rosa"]
    assert model.index(1, 0).data() == 2  # call order follows the row order
