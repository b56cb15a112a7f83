"""The shipped .d.ts declarations are exactly what the catalog renders, and document everything."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actions_studio.triggers import TRIGGERS
from actions_studio.triggers.javascript import javascript_view
from actions_studio.triggers.stubs import _models_reachable
from actions_studio.triggers.ts_stubs import (
    PACKAGE,
    doc_comment,
    render_ts_stubs,
    shipped_dir,
    write_ts_stubs,
)

RENDERED = render_ts_stubs()
SHIPPED = shipped_dir()
REGENERATE = "run python -m actions_studio.triggers.ts_stubs"


def test_the_package_layout() -> None:
    expected = {f"{PACKAGE}/{name}" for name in ("package.json", "index.d.ts", "common.d.ts", "auth0-globals.d.ts")}
    expected |= {f"{PACKAGE}/{t}.d.ts" for t in TRIGGERS}
    assert set(RENDERED) == expected
    assert json.loads(RENDERED[f"{PACKAGE}/package.json"])["types"] == "index.d.ts"


@pytest.mark.parametrize("rel", sorted(RENDERED))
def test_shipped_declarations_are_byte_for_byte_the_rendered_ones(rel: str) -> None:
    shipped = SHIPPED / rel
    assert shipped.is_file(), f"{rel} is missing: {REGENERATE}"
    assert shipped.read_bytes() == RENDERED[rel].encode("utf-8"), f"{rel} is stale: {REGENERATE}"


def test_no_stale_files_are_shipped() -> None:
    shipped = {p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file()}
    assert shipped == set(RENDERED)


def test_rendering_is_deterministic_in_a_fresh_interpreter() -> None:
    probe = "import json; from actions_studio.triggers.ts_stubs import render_ts_stubs; print(json.dumps(render_ts_stubs()))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == RENDERED


_MEMBER = re.compile(r"^  (?:readonly )?(?P<name>[A-Za-z_$][\w$]*|\"[^\"]+\")\??(?P<kind>[:(])")
_DECLARATION = re.compile(r"^(?:export )?(?:interface|type) (?P<name>\w+)")


def declarations(text: str) -> dict[str, list[str]]:
    """Interface / type name -> its member names (methods end with "()")."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        if m := _DECLARATION.match(line):
            current = m["name"]
            found[current] = []
        elif current and (m := _MEMBER.match(line)):
            found[current].append(m["name"] + ("()" if m["kind"] == "(" else ""))
    return found


def undocumented(text: str) -> list[str]:
    """Every declaration and member whose line does not follow a doc comment, plus the module's."""
    lines = text.split("\n")
    missing = [] if len(lines) > 1 and lines[1].startswith("/**") else ["<module>"]
    for index, line in enumerate(lines):
        if (m := _DECLARATION.match(line)) or (m := _MEMBER.match(line)):
            if not lines[index - 1].rstrip().endswith("*/"):
                missing.append(m["name"])
    return missing


@pytest.mark.parametrize("rel", sorted(r for r in RENDERED if r.endswith(".d.ts")))
def test_every_declaration_field_and_method_has_a_doc_comment(rel: str) -> None:
    assert undocumented(RENDERED[rel]) == []


def test_the_checker_finds_an_undocumented_member() -> None:
    text = "// header\n/** m */\n/** A */\nexport interface A {\n  x: number;\n  /** y */\n  y(): void;\n}\nexport type B = 1;\n"
    assert undocumented(text) == ["x", "B"]


@pytest.mark.parametrize("trigger", list(TRIGGERS.values()), ids=list(TRIGGERS))
def test_every_event_field_by_its_wire_name_and_every_api_method(trigger) -> None:
    found = declarations(RENDERED[f"{PACKAGE}/{trigger.id}.d.ts"])
    for model in _models_reachable(trigger.event_model):
        wire = [info.alias or name for name, info in model.model_fields.items()]
        assert found[model.__name__] == wire
    view = javascript_view(trigger.id)
    assert found[view.api_type] == [ns.name for ns in view.namespaces]
    for ns in view.namespaces:
        assert found[ns.interface] == [m.name + "()" for m in ns.methods]
    handlers = found[f"{trigger.id.title().replace('-', '')}Handlers"]
    assert handlers == list(view.handler_names())


def test_wire_names_types_and_docs_come_from_the_catalog() -> None:
    from actions_studio.triggers.events.common import GeoIp

    text = RENDERED[f"{PACKAGE}/post-login.d.ts"]
    flat = " ".join(text.split())
    assert "  countryCode?: string;\n" in text
    assert GeoIp.model_fields["country_code"].description in flat
    assert "  app_metadata: Record<string, any>;\n" in text
    assert "  secrets: Record<string, string>;\n" in text
    assert "  identities: Identity[];\n" in text
    assert '  enable(provider: "any" | "guardian" | "google-authenticator" | "duo" | "none", options?: MultifactorEnableOptions): PostLoginApi;\n' in text
    assert "  encodeToken(options: RedirectEncodeTokenOptions): string;\n" in text
    assert "  set(key: string, value: string, options?: CacheSetOptions): CacheWriteResult;\n" in text
    assert "export type OnExecutePostLogin = (event: PostLoginEvent, api: PostLoginApi) => void | Promise<void>;\n" in text
    # Limits and defaults come from the catalog, not from the table of JavaScript signatures.
    assert "key ≤ 64 bytes" in flat and "Lifetime of the token in seconds. Default: 900." in flat
    phone = RENDERED[f"{PACKAGE}/send-phone-message.d.ts"]
    assert '  message_type: "sms" | "voice";\n' in phone


def test_common_types_and_factor_types_from_the_catalog() -> None:
    from actions_studio.triggers.api.authentication import FACTOR_TYPES

    common = declarations(RENDERED[f"{PACKAGE}/common.d.ts"])
    assert common["CacheRecord"] == ["value", "expires_at"]
    assert common["FactorSelector"] == ["type", "options"]
    assert " | ".join(f'"{t}"' for t in FACTOR_TYPES) in RENDERED[f"{PACKAGE}/common.d.ts"]


def test_index_re_exports_every_event_api_and_handler_type() -> None:
    index = RENDERED[f"{PACKAGE}/index.d.ts"]
    for trigger in TRIGGERS.values():
        view = javascript_view(trigger.id)
        line = next(line for line in index.split("\n") if line.endswith(f'from "./{trigger.id}";'))
        for name in (view.event_type, view.api_type, "On" + view.execute_handler[2:]):
            assert f" {name}," in line or f" {name} " in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short", "/** short */\n"),
        ("ends a comment */ early", "/** ends a comment *\\/ early */\n"),
        ("one\n\ntwo", "/**\n * one\n *\n * two\n */\n"),
    ],
)
def test_doc_comment(text: str, expected: str) -> None:
    assert doc_comment(text) == expected


def test_write_removes_stale_declarations(tmp_path: Path) -> None:
    stale = tmp_path / PACKAGE / "old-trigger.d.ts"
    stale.parent.mkdir()
    stale.write_text("export {};\n")
    written = write_ts_stubs(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(RENDERED)
    assert not stale.exists()


def test_cli_writes_the_declarations(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "actions_studio", "stubs", "--lang", "ts", "--out", str(tmp_path / "types")],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    for rel, text in RENDERED.items():
        assert (tmp_path / "types" / rel).read_text(encoding="utf-8") == text
    assert 'jsconfig.json `paths` entry ({"actions-types/*": [' in out.stdout


def test_cli_refuses_an_unknown_language(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "actions_studio", "stubs", "--lang", "js", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip() == "error: --lang must be py or ts, not 'js'"
    assert not any(tmp_path.iterdir())


def test_auth0s_global_api_names_alias_the_catalogs() -> None:
    text = RENDERED[f"{PACKAGE}/auth0-globals.d.ts"]
    assert 'type PostLoginAPI = import("./post-login").PostLoginApi;\n' in text
    assert 'type CredentialsExchangeAPI = import("./credentials-exchange").CredentialsExchangeApi;\n' in text
    assert "export " not in text  # a script: its names are global
