"""Editable table of an alumnus's support contacts; row order is the 'who to call' order."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ..models.enums import Relationship, label
from ..services.records import SupportContactData

COL_ORDER, COL_NAME, COL_RELATION, COL_PHONE, COL_AVAILABILITY = range(5)
HEADERS = ("Call order", "Name", "Relationship", "Phone", "Availability")
_FIELDS = {COL_NAME: "name", COL_RELATION: "relation", COL_PHONE: "phone", COL_AVAILABILITY: "availability"}
RelationRole = Qt.ItemDataRole.UserRole + 1


class SupportContactsModel(QAbstractTableModel):
    edited = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._contacts: list[SupportContactData] = []

    def set_contacts(self, contacts: list[SupportContactData]) -> None:
        self.beginResetModel()
        self._contacts = [replace(c) for c in contacts]
        self.endResetModel()

    def contacts(self) -> list[SupportContactData]:
        return [replace(c) for c in self._contacts]

    def add_contact(self) -> int:
        row = len(self._contacts)
        self.beginInsertRows(QModelIndex(), row, row)
        self._contacts.append(SupportContactData(relation=Relationship.FRIEND))
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_contact(self, row: int) -> None:
        if 0 <= row < len(self._contacts):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._contacts[row]
            self.endRemoveRows()
            self._order_changed()

    def move_contact(self, row: int, offset: int) -> int:
        target = row + offset
        if not (0 <= row < len(self._contacts) and 0 <= target < len(self._contacts)):
            return row
        destination = target + 1 if offset > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._contacts.insert(target, self._contacts.pop(row))
        self.endMoveRows()
        self._order_changed()
        return target

    def _order_changed(self) -> None:
        if self._contacts:
            self.dataChanged.emit(self.index(0, COL_ORDER), self.index(len(self._contacts) - 1, COL_ORDER))
        self.edited.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._contacts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._contacts):
            return None
        contact = self._contacts[index.row()]
        column = index.column()
        if role == RelationRole and column == COL_RELATION:
            return contact.relation
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        if column == COL_ORDER:
            return index.row() + 1
        value = getattr(contact, _FIELDS[column])
        if column == COL_RELATION:
            return label(value) if role == Qt.ItemDataRole.DisplayRole else value
        return value or ""

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() not in _FIELDS:
            return False
        contact = self._contacts[index.row()]
        name = _FIELDS[index.column()]
        if index.column() == COL_RELATION:
            value = Relationship(value)
        else:
            value = str(value)
        if getattr(contact, name) == value:
            return False
        setattr(contact, name, value)
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in _FIELDS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags
