"""The tenant profile editor: the built-in Local tenant and your own tenants (URL or Auth0 domain,
client id, client secret into the vault — write-only, never shown)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from actions_studio.services import tenants
from actions_studio.services.errors import ServiceError
from actions_studio.ui.sync.controller import SyncController

SECRET_KEPT = "(unchanged — type to replace)"
DOMAIN_NOTE = ("A domain (TENANT.REGION.auth0.com or a custom one) is reached over https, with the "
               "Management API audience https://DOMAIN/api/v2/.")


class TenantsDialog(QDialog):
    def __init__(self, controller: SyncController, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.session = controller.session
        self.setWindowTitle("Tenants")
        self.list = QListWidget()
        self.list.currentTextChanged.connect(self.on_list_current_text_changed)
        self.name_edit = QLineEdit()
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("acme.eu.auth0.com, login.acme.com or http://127.0.0.1:PORT")
        self.client_id_edit = QLineEdit()
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.audience_edit = QLineEdit()
        self.audience_edit.setPlaceholderText("default: https://DOMAIN/api/v2/")
        self.note = QLabel()
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Domain or URL", self.url_edit)
        form.addRow("Client id", self.client_id_edit)
        form.addRow("Client secret", self.secret_edit)
        form.addRow("Audience", self.audience_edit)
        self.new_button = QPushButton("New")
        self.save_button = QPushButton("Save")
        self.remove_button = QPushButton("Remove")
        self.use_button = QPushButton("Use this tenant")
        self.close_button = QPushButton("Close")
        self.new_button.clicked.connect(self.new_profile)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.use_button.clicked.connect(self.use)
        self.close_button.clicked.connect(self.accept)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.note)
        right.addStretch(1)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.save_button, self.remove_button, self.use_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(right, 2)
        self.resize(760, 360)
        self._editing: Optional[str] = None
        self.reload(select=controller.tenant)

    def reload(self, select: Optional[str] = None) -> None:
        self.list.clear()
        for t in self.session.tenant_profiles():
            self.list.addItem(t.name)
        for i in range(self.list.count()):
            if self.list.item(i).text() == select:
                self.list.setCurrentRow(i)

    def on_list_current_text_changed(self, name: str) -> None:
        if not name:
            return
        tenant = self.session.tenant_profile(name)
        local = tenants.is_local(tenant)
        self._editing = name
        self.name_edit.setText(tenant.name)
        self.name_edit.setEnabled(False)  # names are fixed once made: `--tenant NAME` refers to them
        self.url_edit.setText("" if local else tenant.base_url)
        self.client_id_edit.setText("" if local else tenant.client_id)
        self.audience_edit.setText(tenant.audience or "")
        self.secret_edit.clear()
        self.secret_edit.setPlaceholderText("" if local else SECRET_KEPT)
        for w in (self.url_edit, self.client_id_edit, self.secret_edit, self.audience_edit):
            w.setEnabled(not local)
        self.save_button.setEnabled(not local)
        self.remove_button.setEnabled(not local)
        active = " (active)" if name == self.controller.tenant else ""
        self.note.setText(
            f"The bundled tenant{active}: started on a free loopback port when you sync, stopped "
            "when the studio closes. Nothing to configure." if local else
            f"Client credentials of a machine-to-machine application with the actions scopes{active}. "
            f"{DOMAIN_NOTE}")

    def new_profile(self) -> None:
        self.list.clearSelection()
        self._editing = None
        for w in (self.name_edit, self.url_edit, self.client_id_edit, self.secret_edit, self.audience_edit):
            w.clear()
            w.setEnabled(True)
        self.secret_edit.setPlaceholderText("")
        self.save_button.setEnabled(True)
        self.remove_button.setEnabled(False)
        self.note.setText("A new tenant: its client secret goes to the vault and is never shown again. "
                          + DOMAIN_NOTE)
        self.name_edit.setFocus()

    def save(self) -> None:
        try:
            audience = self.audience_edit.text().strip() or None
            if self._editing is None:
                record = self.session.add_tenant(
                    self.name_edit.text().strip(), self.url_edit.text(),
                    self.client_id_edit.text().strip(), self.secret_edit.text(), audience=audience)
            else:
                record = self.session.update_tenant(
                    self._editing, base_url_or_domain=self.url_edit.text(),
                    client_id=self.client_id_edit.text().strip(),
                    client_secret=self.secret_edit.text() or None, audience=audience)
        except ServiceError as exc:
            self.note.setText(str(exc))
            return
        self.reload(select=record.name)
        audience = record.audience or f"{record.base_url}/api/v2/"
        self.note.setText(f"Saved {record.name}: {record.base_url}, Management API audience {audience}.")

    def remove(self) -> None:
        if self._editing is None:
            return
        try:
            self.session.remove_tenant(self._editing)
        except ServiceError as exc:
            self.note.setText(str(exc))
            return
        if self.controller.tenant == self._editing:
            self.controller.set_tenant(tenants.LOCAL_TENANT)
        self.reload(select=tenants.LOCAL_TENANT)

    def use(self) -> None:
        if self._editing is not None:
            self.controller.set_tenant(self._editing)
            self.on_list_current_text_changed(self._editing)
