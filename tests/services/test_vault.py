"""The secrets vault: OS keyring when real, else an encrypted file with a 0600 key."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional

import keyring
import pytest
from keyring.backends import fail

from actions_studio.services import vault as vault_module
from actions_studio.services.errors import VaultError
from actions_studio.services.vault import FileVault, KeyringVault, open_vault

VALUE = "s3cr3t-Ω-value-7c1e"


class MemoryKeyring:
    """An in-memory backend with keyring's backend interface.

    Deliberately not a `KeyringBackend` subclass: keyring registers every subclass globally and
    could then pick this one for any later `keyring.get_keyring()` in the test process.
    """

    priority = 5

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> Optional[str]:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def test_file_vault_round_trip_encrypted_with_a_private_key(tmp_path: Path) -> None:
    vault = FileVault(tmp_path / "config")
    assert vault.get("ws", "k") is None
    vault.set("ws", "k", VALUE)
    vault.set("other-ws", "k", "different")
    assert FileVault(tmp_path / "config").get("ws", "k") == VALUE  # persisted, new instance
    assert vault.get("other-ws", "k") == "different"
    key = tmp_path / "config" / "vault.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "config" / "vault.bin").stat().st_mode) == 0o600
    for path in (tmp_path / "config").iterdir():
        assert VALUE.encode() not in path.read_bytes(), path
    vault.delete("ws", "k")
    vault.delete("ws", "k")  # deleting twice is fine
    assert vault.get("ws", "k") is None


def test_a_loosened_key_file_is_made_private_again_and_the_user_is_told(tmp_path: Path) -> None:
    vault = FileVault(tmp_path)
    vault.set("ws", "k", VALUE)
    assert vault.notices == []
    os.chmod(tmp_path / "vault.key", 0o644)
    assert vault.get("ws", "k") == VALUE
    assert stat.S_IMODE((tmp_path / "vault.key").stat().st_mode) == 0o600
    assert len(vault.notices) == 1
    notice = vault.notices[0]
    assert "vault.key was readable by other users" in notice and "mode 0644" in notice
    assert "change the secret values" in notice and "\n" not in notice
    vault.get("ws", "k")
    assert len(vault.notices) == 1  # said once, and the mode stays fixed


def test_opening_a_workspace_checks_the_key_at_once(tmp_path: Path) -> None:
    from actions_studio.services.workspace import Workspace

    FileVault(tmp_path / "config").set("ws", "k", VALUE)
    os.chmod(tmp_path / "config" / "vault.key", 0o640)
    with Workspace.open(tmp_path / "w.sqlite", vault=FileVault(tmp_path / "config")) as ws:
        assert any("mode 0640" in n for n in ws.notices)  # before any secret was read
    assert stat.S_IMODE((tmp_path / "config" / "vault.key").stat().st_mode) == 0o600


def test_a_deleted_key_beside_a_vault_is_refused_never_replaced(tmp_path: Path) -> None:
    vault = FileVault(tmp_path)
    vault.set("ws", "k", VALUE)
    before = (tmp_path / "vault.bin").read_bytes()
    (tmp_path / "vault.key").unlink()
    for attempt in (lambda: vault.get("ws", "k"), lambda: vault.set("ws", "other", "v"),
                    lambda: vault.delete("ws", "k")):
        with pytest.raises(VaultError, match="vault key .*vault.key is missing while the vault .*"
                                             "vault.bin exists.*no new key was made"):
            attempt()
    assert not (tmp_path / "vault.key").exists()
    assert (tmp_path / "vault.bin").read_bytes() == before  # never overwritten
    assert stat.S_IMODE((tmp_path / "vault.lock").stat().st_mode) == 0o600


def test_a_wrong_key_is_a_clear_error_not_garbage(tmp_path: Path) -> None:
    FileVault(tmp_path).set("ws", "k", VALUE)
    from cryptography.fernet import Fernet

    (tmp_path / "vault.key").write_bytes(Fernet.generate_key())
    with pytest.raises(VaultError, match="cannot be decrypted"):
        FileVault(tmp_path).get("ws", "k")
    (tmp_path / "vault.key").write_bytes(b"not a key")
    with pytest.raises(VaultError, match="damaged"):
        FileVault(tmp_path).get("ws", "k")


def test_keyring_vault_uses_the_backend(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    vault = KeyringVault(backend)
    vault.set("ws", "action:1:K", VALUE)
    assert backend.items == {("actions-studio/ws", "action:1:K"): VALUE}
    assert vault.get("ws", "action:1:K") == VALUE
    vault.delete("ws", "action:1:K")
    vault.delete("ws", "action:1:K")
    assert vault.get("ws", "action:1:K") is None


def test_choice_of_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACTIONS_STUDIO_VAULT", raising=False)
    # headless Linux: keyring's fail backend -> the encrypted file
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert isinstance(open_vault(tmp_path, mode="auto"), FileVault)
    with pytest.raises(VaultError, match="no OS keyring backend"):
        open_vault(tmp_path, mode="keyring")
    # a real backend -> the keyring
    monkeypatch.setattr(keyring, "get_keyring", lambda: MemoryKeyring())
    assert isinstance(open_vault(tmp_path, mode="auto"), KeyringVault)
    # a relocated home (tests, CI) stays self-contained unless asked otherwise
    assert isinstance(open_vault(tmp_path), FileVault)
    monkeypatch.delenv("ACTIONS_STUDIO_HOME")
    assert isinstance(open_vault(tmp_path), KeyringVault)
    monkeypatch.setenv(vault_module.VAULT_ENV, "sometimes")
    with pytest.raises(VaultError, match="auto, keyring or file"):
        open_vault(tmp_path)


def test_the_default_vault_folder_follows_the_home_override(tmp_path: Path) -> None:
    vault = open_vault()
    assert isinstance(vault, FileVault)
    assert vault.dir == tmp_path / "home" / "config"
