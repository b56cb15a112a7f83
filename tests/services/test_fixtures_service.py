"""Fixtures: one JSON format, events checked against the trigger's model with field paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions_studio.services import actions, fixtures
from actions_studio.services.errors import InvalidInputError, NotFoundError
from actions_studio.services.workspace import Workspace
from actions_studio.triggers import get_trigger


def _doc(**extra: object) -> dict:
    return {"name": "jane logs in", "trigger": "post-login",
            "event": get_trigger("post-login").sample_event(), **extra}


def test_add_list_show_and_replace(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps(_doc(expect={"status": "success"})), encoding="utf-8")
    record, change = fixtures.add_fixture_file(ws, path)
    assert change == "created" and record.trigger_id == "post-login"
    assert fixtures.add_fixture_file(ws, path)[1] == "unchanged"
    path.write_text(json.dumps(_doc(expect={"status": "denied"})), encoding="utf-8")
    again, change = fixtures.add_fixture_file(ws, path)
    assert change == "changed" and again.id == record.id  # the id survives a replace
    assert [f.name for f in fixtures.list_fixtures(ws)] == ["jane logs in"]
    assert fixtures.to_document(again)["expect"] == {"status": "denied"}
    fixtures.delete_fixture(ws, "jane logs in")
    with pytest.raises(NotFoundError):
        fixtures.get_fixture(ws, "jane logs in")


def test_event_errors_name_the_field_path() -> None:
    doc = _doc()
    doc["event"]["stats"]["logins_count"] = "many"
    with pytest.raises(InvalidInputError, match=r"event\.stats\.logins_count"):
        fixtures.parse_fixture(doc, source="f.json")


@pytest.mark.parametrize(("change", "message"), [
    ({"trigger": "post-logn"}, "valid triggers"),
    ({"colour": "red"}, "unknown field.*colour"),
    ({"expect": {"status": "fine"}}, "expect.status"),
    ({"expect": {"outcome": []}}, "expect.outcome"),
    ({"expect": {"result": 1}}, "expect: unknown field"),
    ({"secrets": {"bad-name": "x"}}, "secrets.bad-name"),
    ({"secrets": {"K": "x" * 4097}}, "4096"),
    ({"event": []}, "event: must be a JSON object"),
    ({"name": "../up"}, "name"),
])
def test_bad_fixtures_are_refused_with_the_reason(change: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        fixtures.parse_fixture({**_doc(), **change}, source="f.json")


def test_a_missing_field_and_bad_json_are_named(tmp_path: Path) -> None:
    doc = _doc()
    del doc["event"]
    with pytest.raises(InvalidInputError, match="missing field 'event'"):
        fixtures.parse_fixture(doc)
    path = tmp_path / "bad.json"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid JSON.*line 1"):
        fixtures.load_fixture_file(path)


def test_a_fixture_for_an_action_must_match_its_trigger(ws: Workspace) -> None:
    actions.create_action(ws, "m2m", "credentials-exchange")
    with pytest.raises(InvalidInputError, match="credentials-exchange action"):
        fixtures.save_fixture(ws, fixtures.parse_fixture(_doc(action="m2m")))
    with pytest.raises(NotFoundError, match="no action named 'ghost'"):
        fixtures.save_fixture(ws, fixtures.parse_fixture(_doc(action="ghost")))


def test_secret_values_go_to_the_vault_and_come_back_as_null(ws: Workspace) -> None:
    record, _ = fixtures.save_fixture(ws, fixtures.parse_fixture(_doc(secrets={"API_KEY": "v1"})))
    assert record.secret_names == ("API_KEY",)
    assert fixtures.fixture_secret_values(ws, record) == {"API_KEY": "v1"}
    assert fixtures.to_document(record)["secrets"] == {"API_KEY": None}
    # reading the exported form back leaves the value alone and changes nothing
    same = fixtures.parse_fixture(fixtures.to_document(record))
    assert fixtures.save_fixture(ws, same)[1] == "unchanged"
    assert fixtures.fixture_secret_values(ws, record) == {"API_KEY": "v1"}
    # a new value is a change
    assert fixtures.save_fixture(ws, fixtures.parse_fixture(_doc(secrets={"API_KEY": "v2"})))[1] == "changed"


def test_sample_fixture_is_valid_for_every_trigger() -> None:
    from actions_studio.triggers import TRIGGERS

    for trigger_id in TRIGGERS:
        assert fixtures.parse_fixture(fixtures.sample_fixture(trigger_id, "sample")).trigger == trigger_id


def test_a_fixture_with_event_patch_holds_the_patched_sample() -> None:
    spec = fixtures.parse_fixture({"name": "blocked", "trigger": "post-login",
                                   "event_patch": {"user": {"email": "x@blocked.com"}}})
    sample = get_trigger("post-login").sample_event()
    assert spec.event["user"]["email"] == "x@blocked.com"
    assert spec.event["tenant"] == sample["tenant"]


@pytest.mark.parametrize(("change", "message"), [
    ({"event_patch": {"user": {"email": 5}}}, "event.user.email"),
    ({"event_patch": [1]}, "event_patch: must be a JSON object"),
    ({"event_patch": {}, "event": {}}, "not both"),
])
def test_bad_event_patches_are_refused(change: dict, message: str) -> None:
    doc = {"name": "p", "trigger": "post-login", **change}
    with pytest.raises(InvalidInputError, match=message):
        fixtures.parse_fixture(doc)
