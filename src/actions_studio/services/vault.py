"""The secrets vault: where secret values live, never in the workspace file (issue 3, section 3).

Two backends behind one small interface:
- `KeyringVault`: the OS keyring, used when keyring finds a real backend (Secret Service, macOS
  Keychain, Windows Credential Locker).
- `FileVault`: a Fernet-encrypted file in the user's config dir with its key beside it in a 0600
  file. A headless Linux has no keyring backend at all (PITFALLS.md), so this is the fallback.

Values are addressed by (namespace, key): the namespace is the workspace id, so two workspaces
never see each other's values; the key says what owns the value (`action:<id>:<NAME>`).

The file vault never repairs in silence (issue 13, item 13): a key found readable by others is
made private again *and* reported in `notices` (whoever read it can decrypt the vault); a missing
key beside an existing vault is an error, never a new key — a new key cannot decrypt the old
vault, and the next write would replace every stored value with an empty vault.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Protocol

from actions_studio.services import locations
from actions_studio.services.errors import VaultError

VAULT_ENV = "ACTIONS_STUDIO_VAULT"  # "auto" (default) | "keyring" | "file"
KEY_FILE = "vault.key"
DATA_FILE = "vault.bin"
LOCK_FILE = "vault.lock"


class Vault(Protocol):
    kind: str
    notices: list[str]  # one-line warnings for the user (the CLI prints them, the window shows them)

    def get(self, namespace: str, key: str) -> Optional[str]: ...

    def set(self, namespace: str, key: str, value: str) -> None: ...

    def delete(self, namespace: str, key: str) -> None: ...

    def location(self) -> str: ...


class FileVault:
    kind = "file"

    def __init__(self, config_dir: Path) -> None:
        self.dir = Path(config_dir)
        self.notices: list[str] = []

    def location(self) -> str:
        return str(self.dir / DATA_FILE)

    def check(self) -> None:
        """Makes the key and the vault private again if someone loosened them, and says so."""
        if os.name != "posix":
            return
        for name in (KEY_FILE, DATA_FILE):
            path = self.dir / name
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                continue
            if not mode & 0o077:
                continue
            os.chmod(path, 0o600)
            notice = (f"{path} was readable by other users of this machine (mode {mode:04o}); it "
                      "is 0600 again, but whoever read "
                      + ("it can decrypt the vault: change the secret values it holds"
                         if name == KEY_FILE else "it holds the encrypted secret values"))
            if notice not in self.notices:
                self.notices.append(notice)

    # -- interface -----------------------------------------------------------------------------

    def get(self, namespace: str, key: str) -> Optional[str]:
        with self._locked():
            return self._load().get(namespace, {}).get(key)

    def set(self, namespace: str, key: str, value: str) -> None:
        with self._locked():
            data = self._load()
            data.setdefault(namespace, {})[key] = value
            self._store(data)

    def delete(self, namespace: str, key: str) -> None:
        with self._locked():
            data = self._load()
            if key in data.get(namespace, {}):
                del data[namespace][key]
                if not data[namespace]:
                    del data[namespace]
                self._store(data)

    # -- file handling -------------------------------------------------------------------------

    def _fernet(self):  # -> cryptography.fernet.Fernet (imported late: it is a heavy import)
        from cryptography.fernet import Fernet

        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.dir / KEY_FILE
        if not path.exists() and (self.dir / DATA_FILE).exists():
            raise VaultError(
                f"the vault key {path} is missing while the vault {self.dir / DATA_FILE} exists: "
                "its secret values cannot be decrypted without that key, so no new key was made; "
                "put the key file back (from a backup of that folder), or, to start over, move "
                f"{DATA_FILE} away and set the secrets again with `secrets set`")
        try:
            # O_EXCL: two processes creating the key at once must not end up with two keys.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            self.check()  # someone loosened it? a readable key is no key: fix it and say so
            key = path.read_bytes().strip()
        else:
            key = Fernet.generate_key()
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
                handle.flush()
                os.fsync(handle.fileno())
        try:
            return Fernet(key)
        except ValueError:
            raise VaultError(f"the vault key {path} is damaged; secret values cannot be read") from None

    def _load(self) -> dict[str, dict[str, str]]:
        from cryptography.fernet import InvalidToken

        path = self.dir / DATA_FILE
        fernet = self._fernet()
        if not path.exists():
            return {}
        try:
            return json.loads(fernet.decrypt(path.read_bytes()))
        except InvalidToken:
            raise VaultError(
                f"the vault {path} cannot be decrypted with {self.dir / KEY_FILE}"
            ) from None

    def _store(self, data: dict[str, dict[str, str]]) -> None:
        token = self._fernet().encrypt(json.dumps(data).encode("utf-8"))
        # Write-then-rename: a killed process leaves the old vault or the new one, never half.
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".vault-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(token)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.dir / DATA_FILE)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            import fcntl
        except ImportError:  # Windows: the keyring backend is the normal path there
            yield
            return
        lock_path = self.dir / LOCK_FILE
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


class KeyringVault:
    kind = "keyring"

    def __init__(self, backend: object | None = None) -> None:
        import keyring

        self.notices: list[str] = []
        self._keyring = backend if backend is not None else keyring.get_keyring()

    def location(self) -> str:
        return f"OS keyring ({type(self._keyring).__name__})"

    @staticmethod
    def _service(namespace: str) -> str:
        return f"actions-studio/{namespace}"

    def get(self, namespace: str, key: str) -> Optional[str]:
        try:
            return self._keyring.get_password(self._service(namespace), key)  # type: ignore[attr-defined]
        except Exception as exc:  # keyring backends raise their own error types
            raise VaultError(f"the OS keyring refused to read a secret: {exc}") from None

    def set(self, namespace: str, key: str, value: str) -> None:
        try:
            self._keyring.set_password(self._service(namespace), key, value)  # type: ignore[attr-defined]
        except Exception as exc:
            raise VaultError(f"the OS keyring refused to store a secret: {exc}") from None

    def delete(self, namespace: str, key: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self._keyring.delete_password(self._service(namespace), key)  # type: ignore[attr-defined]
        except PasswordDeleteError:
            pass
        except Exception as exc:
            raise VaultError(f"the OS keyring refused to delete a secret: {exc}") from None


def real_keyring_backend() -> object | None:
    """The keyring backend if it is a real one; None for keyring's fail/null/plaintext ones.

    Priority below 1 covers `fail.Keyring` (headless Linux), `null.Keyring` and keyrings.alt's
    plaintext file, which would defeat the point.
    """
    try:
        import keyring

        backend = keyring.get_keyring()
        priority = float(getattr(backend, "priority", 0))
    except Exception:
        return None
    return backend if priority >= 1 else None


def open_vault(config_dir: Optional[Path] = None, mode: Optional[str] = None) -> Vault:
    """The vault to use. `mode`: auto | keyring | file (default from $ACTIONS_STUDIO_VAULT).

    With $ACTIONS_STUDIO_HOME set and no explicit mode the file vault is used: a relocated home
    is self-contained, and test runs never write into the developer's real keyring.
    """
    mode = (mode or os.environ.get(VAULT_ENV) or "").strip().lower()
    if not mode:
        mode = "file" if os.environ.get(locations.HOME_ENV) else "auto"
    if mode not in ("auto", "keyring", "file"):
        raise VaultError(f"{VAULT_ENV} must be auto, keyring or file, not {mode!r}")
    config_dir = Path(config_dir) if config_dir is not None else locations.default_config_dir()
    if mode in ("auto", "keyring"):
        backend = real_keyring_backend()
        if backend is not None:
            return KeyringVault(backend)
        if mode == "keyring":
            raise VaultError("no OS keyring backend is available on this machine")
    return FileVault(config_dir)
