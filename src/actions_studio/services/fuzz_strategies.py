"""Hypothesis strategies for a trigger's events, generated from its event models (issue 19 part 3).

Walks the pydantic model of `triggers/events/` field by field and builds the wire JSON (Auth0's
names, the fields' aliases): a required field is always there, an optional one is present or
absent, `None` wherever the model allows it, and each scalar draws from its edge values (empty,
blank, non-ASCII and very long strings; 0, -1 and 2**53 for numbers; empty and several-item lists;
metadata objects with odd keys and nested values). Hypothesis shrinks towards the first branch of
each choice and towards absent keys, so a shrunk event is the smallest one that still fails:
optional fields gone, strings empty, numbers 0, lists empty.

`event.secrets` is never generated: the runtime replaces it with the action's own secrets.
"""

from __future__ import annotations

import types
import typing
from functools import lru_cache
from typing import Any, Union

from hypothesis import strategies as st
from pydantic import BaseModel

from actions_studio.triggers.mappings import ReadOnlyMapping

# Left out of every generated event: filled in by the runtime, not by the tenant's request.
RUNTIME_FIELDS = frozenset({"secrets"})

EDGE_STRINGS = ("", " ", "0", "null", "ü", "🙂", "a@b.c", "<b>x</b>", "x" * 300, "\u202e", "a\nb")
EDGE_INTS = (0, -1, 1, 2**31 - 1, 2**53, -(2**63))
EDGE_FLOATS = (0.0, -0.0, -1.5, 1e308)
METADATA_KEYS = ("plan", "roles", "", "a.b", "🙂", "__proto__")

# Each value is one or two draws from Hypothesis's byte stream: an event has a hundred-odd fields,
# and generating it must stay cheap next to running it (bench/bench_fuzz.py: fuzzing keeps at
# least 0.7x of the plain sandbox's executions/s). The edge values come first and "" first of all:
# a string shrinks to "" (st.text's own shrink target too), so a finding's event reads as
# "nothing in this field".
_strings = st.one_of(st.sampled_from(EDGE_STRINGS), st.text(max_size=8))
_ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers())
_floats = st.one_of(st.sampled_from(EDGE_FLOATS), st.floats(allow_nan=False, allow_infinity=False))
JSON_EDGES = (None, True, False, 0, -1, "", "x", "🙂", 2**53, 1.5, [], {}, ["a", "b"], {"k": None},
              {"nested": {"deep": [1, {"x": ""}]}})
_json = st.one_of(st.sampled_from(JSON_EDGES), _strings, _ints)
# Metadata and other free-form objects (app_metadata, query, body, transaction metadata).
metadata = st.dictionaries(st.one_of(st.sampled_from(METADATA_KEYS), st.text(max_size=6)),
                           _json, max_size=3)


def event_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Events of `model` (a trigger's event model) in the wire JSON shape."""
    return _model_strategy(model, top=True)


@lru_cache(maxsize=None)
def _model_strategy(model: type[BaseModel], top: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        if top and name in RUNTIME_FIELDS:
            continue
        wire = info.alias or name
        strategy = for_annotation(info.annotation)
        (required if info.is_required() else optional)[wire] = strategy
    full = st.fixed_dictionaries(required, optional=optional)
    if top:
        return full
    # A nested object is either its smallest valid form (one choice for the whole subtree) or
    # fuzzed field by field. Half the subtrees then cost one draw, which keeps generation cheap,
    # and the smallest form comes first, so a subtree that does not matter shrinks to it at once.
    return st.one_of(st.just(skeleton(model)), full)


@lru_cache(maxsize=None)
def _skeleton(model: type[BaseModel]) -> str:
    import json

    return json.dumps({(info.alias or name): _smallest(info.annotation)
                       for name, info in model.model_fields.items() if info.is_required()})


def skeleton(model: type[BaseModel]) -> dict[str, Any]:
    """The smallest valid value of `model`: required fields only, each at its shrink target."""
    import json

    return json.loads(_skeleton(model))


def _smallest(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _smallest(args[0])
    if origin in (Union, types.UnionType):
        return None if type(None) in args else _smallest(args[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (tuple, list, set, frozenset):
        return []
    if origin is dict:
        return {}
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return skeleton(annotation)
        if issubclass(annotation, ReadOnlyMapping):
            return {}
        return {bool: False, int: 0, float: 0.0, str: ""}.get(annotation)
    return None


def for_annotation(annotation: Any) -> st.SearchStrategy[Any]:
    """The strategy of one field's type; anything unknown is free-form JSON."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return for_annotation(args[0])
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        strategies = [for_annotation(a) for a in inner]
        if len(inner) < len(args):
            # None first: it is where an optional value shrinks to.
            strategies.insert(0, st.none())
        return st.one_of(strategies)
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (tuple, list, set, frozenset):
        item = args[0] if args else Any
        return st.lists(for_annotation(item), max_size=3)
    if origin is dict:
        return metadata
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _model_strategy(annotation)
        if issubclass(annotation, ReadOnlyMapping):
            return metadata
        if annotation is bool:
            return st.booleans()
        if annotation is int:
            return _ints
        if annotation is float:
            return st.one_of(_floats, _ints)
        if annotation is str:
            return _strings
    return _json
