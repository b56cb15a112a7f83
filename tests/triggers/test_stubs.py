"""The shipped .pyi stubs are exactly what the catalog renders, parse, and document everything."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio.resources import stubs_dir
from actions_studio.triggers import TRIGGERS
from actions_studio.triggers.api import api_methods_of
from actions_studio.triggers.stubs import _models_reachable, docstring, render_stubs, write_stubs

RENDERED = render_stubs()
SHIPPED = stubs_dir()


def test_the_package_layout() -> None:
    expected = {"actions_types/__init__.pyi", "actions_types/_common.pyi"} | {
        f"actions_types/{t.replace('-', '_')}.pyi" for t in TRIGGERS
    }
    assert set(RENDERED) == expected


@pytest.mark.parametrize("rel", sorted(RENDERED))
def test_shipped_stub_is_byte_for_byte_the_rendered_one(rel) -> None:
    shipped = SHIPPED / rel
    assert shipped.is_file(), f"{rel} is missing: run python -m actions_studio.triggers.stubs"
    assert shipped.read_bytes() == RENDERED[rel].encode("utf-8"), (
        f"{rel} is stale: run python -m actions_studio.triggers.stubs"
    )


def test_no_stale_stub_files_are_shipped() -> None:
    shipped = {p.relative_to(SHIPPED).as_posix() for p in (SHIPPED / "actions_types").rglob("*") if p.is_file()}
    assert shipped == set(RENDERED)


def test_rendering_is_deterministic_in_a_fresh_interpreter() -> None:
    probe = "import json; from actions_studio.triggers.stubs import render_stubs; print(json.dumps(render_stubs()))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    import json

    assert json.loads(out.stdout) == RENDERED


def _undocumented(tree: ast.Module) -> list[str]:
    """Every class, method and field (annotated attribute) without a docstring right after it."""
    missing = []

    def has_doc(body: list[ast.stmt]) -> bool:
        return bool(body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str) and body[0].value.value.strip() != ""

    if not has_doc(tree.body):
        missing.append("<module>")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            if not has_doc(node.body):
                missing.append(node.name)
            for i, item in enumerate(node.body):
                if isinstance(item, ast.FunctionDef) and not has_doc(item.body):
                    missing.append(f"{node.name}.{item.name}")
                if isinstance(item, ast.AnnAssign) and not has_doc(node.body[i + 1:]):
                    missing.append(f"{node.name}.{ast.unparse(item.target)}")
    return missing


@pytest.mark.parametrize("rel", sorted(RENDERED))
def test_every_stub_parses_and_documents_every_class_field_and_method(rel) -> None:
    tree = ast.parse(RENDERED[rel], filename=rel)
    assert _undocumented(tree) == []


def test_the_checker_finds_an_undocumented_field() -> None:
    tree = ast.parse('"""m"""\nclass A:\n    """a"""\n    x: int\n    y: int\n    """y"""\n    def f(self) -> None: ...\n')
    assert _undocumented(tree) == ["A.x", "A.f"]


def _classes(rel: str) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in ast.walk(ast.parse(RENDERED[rel])) if isinstance(n, ast.ClassDef)}


@pytest.mark.parametrize("trigger", list(TRIGGERS.values()), ids=list(TRIGGERS))
def test_stub_has_every_model_field_and_every_api_method(trigger) -> None:
    classes = _classes(f"actions_types/{trigger.id.replace('-', '_')}.pyi")
    for model in _models_reachable(trigger.event_model):
        fields = [ast.unparse(i.target) for i in classes[model.__name__].body if isinstance(i, ast.AnnAssign)]
        assert fields == list(model.model_fields)
    api = classes[trigger.api_class.__name__]
    namespaces = {ast.unparse(i.target): ast.unparse(i.annotation) for i in api.body if isinstance(i, ast.AnnAssign)}
    assert list(namespaces) == list(trigger.api_namespaces)
    for name, cls in trigger.api_class.NAMESPACES.items():
        assert namespaces[name] == cls.__name__
        methods = [i.name for i in classes[cls.__name__].body if isinstance(i, ast.FunctionDef)]
        assert methods == api_methods_of(cls)


def test_docstrings_come_from_the_catalog() -> None:
    from actions_studio.triggers.events.common import GeoIp

    text = " ".join(RENDERED["actions_types/post_login.pyi"].split())  # docstrings are re-wrapped
    assert GeoIp.model_fields["country_code"].description in text
    assert '(JSON name: "countryCode".)' in text
    # Limits are formatted into method docstrings from limits.py.
    assert "key ≤ 64 bytes" in text and "≤ 20 entries" in text and "value ≤ 8192 bytes" in text
    assert "{CACHE" not in text and "{TRANSACTION" not in text


def test_typed_signatures() -> None:
    text = RENDERED["actions_types/post_login.pyi"]
    assert "    def set(self, key: str, value: str, ttl: int | None = None, expires_at: int | None = None) -> CacheWriteResult:" in text
    assert "    def enable(self, provider: str, allow_remember_browser: bool = False, provider_options: dict[str, Any] | None = None) -> None:" in text
    assert "    country_code: str | None\n" in text
    assert "    identities: tuple[Identity, ...]\n" in text
    assert "    secrets: ReadOnlyMapping\n" in text
    phone = RENDERED["actions_types/send_phone_message.pyi"]
    assert "    message_type: Literal['sms', 'voice']\n" in phone


def test_typed_signatures_of_the_later_triggers() -> None:
    cte = RENDERED["actions_types/custom_token_exchange.pyi"]
    assert ("    def set_user_by_connection(self, connection_name: str, user_attributes: dict[str, Any], "
            "creation_behavior: str, update_behavior: str) -> None:") in cte
    assert "    actor_token_user: UserWithFactors | None\n" in cte
    reset = RENDERED["actions_types/password_reset_post_challenge.pyi"]
    assert "    enrolled_factors: tuple[EnrolledFactor, ...] | None\n" in reset
    assert "def on_continue_post_challenge(event: PasswordResetPostChallengeEvent, api: PasswordResetPostChallengeApi) -> None" in reset
    assert "    def set_result_url(self, url: str, query: dict[str, Any] | None = None) -> None:" in reset
    email = RENDERED["actions_types/custom_email_provider.pyi"]
    assert '    from_: str\n    """The sender\'s email address. (JSON name: "from".)"""' in email
    assert "    def drop(self, reason: str) -> None:" in email and "retries up to 5 times" in " ".join(email.split())
    assert "    delivery_method: Literal['text', 'voice']\n" in RENDERED["actions_types/custom_phone_provider.pyi"]
    assert "    data: ReadOnlyMapping | None\n" in RENDERED["actions_types/event_stream.pyi"]


@pytest.mark.parametrize("trigger", list(TRIGGERS.values()), ids=list(TRIGGERS))
def test_each_stub_says_how_its_actions_are_bound(trigger) -> None:
    text = " ".join(RENDERED[f"actions_types/{trigger.id.replace('-', '_')}.pyi"].split())
    assert trigger.binding_description in text


def test_init_re_exports_every_event_and_api() -> None:
    tree = ast.parse(RENDERED["actions_types/__init__.pyi"])
    names = {alias.asname for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    for trigger in TRIGGERS.values():
        assert {trigger.event_model.__name__, trigger.api_class.__name__} <= names
    assert "ReadOnlyMapping" in names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ends with "quote"', '"""ends with "quote\\""""\n'),
        ('"starts" with one', '"""\\"starts" with one"""\n'),
        ('has """ inside', '"""has \\"\\"\\" inside"""\n'),
        ("back\\slash", '"""back\\\\slash"""\n'),
    ],
)
def test_docstring_escaping(text, expected) -> None:
    assert docstring(text, "") == expected
    assert ast.literal_eval(expected.strip()) == text


def test_write_stubs_writes_and_removes_stale_files(tmp_path: Path) -> None:
    stale = tmp_path / "actions_types" / "old_trigger.pyi"
    stale.parent.mkdir()
    stale.write_text("x: int\n")
    written = write_stubs(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(RENDERED)
    assert not stale.exists()
    for rel, text in RENDERED.items():
        assert (tmp_path / rel).read_text(encoding="utf-8") == text


def test_module_entry_point_writes_to_a_folder(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "actions_studio.triggers.stubs", "--out", str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=60,
    )
    assert (tmp_path / "actions_types" / "post_login.pyi").read_text(encoding="utf-8") == RENDERED["actions_types/post_login.pyi"]
    assert len(out.stdout.splitlines()) == len(RENDERED)


def test_jedi_completes_event_and_api_from_the_stubs() -> None:
    jedi = pytest.importorskip("jedi")
    source = (
        "from actions_types.post_login import PostLoginEvent, PostLoginApi\n"
        "def on_execute_post_login(event: PostLoginEvent, api: PostLoginApi) -> None:\n"
        "    event.request.geoip.\n"
        "    api.access_token.\n"
    )
    project = jedi.Project(path=str(SHIPPED), added_sys_path=[str(SHIPPED)])
    script = jedi.Script(source, path=str(SHIPPED / "action.py"), project=project)
    geoip = {c.name: c for c in script.complete(3, len("    event.request.geoip."))}
    assert "country_code" in geoip
    assert "ISO 3166-1 alpha-2" in geoip["country_code"].docstring()
    token = {c.name for c in script.complete(4, len("    api.access_token."))}
    assert {"set_custom_claim", "add_scope", "remove_scope"} <= token


@pytest.mark.parametrize(
    ("trigger_id", "line", "expected"),
    [
        ("password-reset-post-challenge", "    api.", {"access", "authentication", "redirect", "cache", "transaction"}),
        ("password-reset-post-challenge", "    api.authentication.", {"challenge_with", "challenge_with_any"}),
        ("custom-token-exchange", "    api.authentication.", {"set_user_by_id", "set_user_by_connection", "set_actor"}),
        ("custom-token-exchange", "    event.transaction.", {"subject_token", "subject_token_type", "actor_token_user"}),
        ("custom-email-provider", "    event.notification.", {"from_", "to", "subject", "html", "message_type"}),
        ("custom-phone-provider", "    api.notification.", {"drop", "retry"}),
        ("event-stream", "    event.message.", {"id", "type", "source", "specversion", "data"}),
    ],
)
def test_jedi_completes_the_later_triggers_from_the_stubs(trigger_id, line, expected) -> None:
    jedi = pytest.importorskip("jedi")
    trigger = TRIGGERS[trigger_id]
    module = trigger.stub_module.split(".", 1)[1]
    source = (
        f"from actions_types.{module} import {trigger.event_model.__name__}, {trigger.api_class.__name__}\n"
        f"{trigger.handler_signature()}:\n"
        f"{line}\n"
    )
    project = jedi.Project(path=str(SHIPPED), added_sys_path=[str(SHIPPED)])
    script = jedi.Script(source, path=str(SHIPPED / "action.py"), project=project)
    assert expected <= {c.name for c in script.complete(3, len(line))}
