"""A trigger's events for fuzzing, from its event models (issue 19 part 3): drawn fast, shrunk
with Hypothesis.

Both walk the pydantic model of `triggers/events/` field by field in the wire JSON (Auth0's
names, the fields' aliases). `event_generator` draws the examples from one seeded
`random.Random`: a required field is always there, an optional one present or absent, `None`
wherever the model allows it, each scalar one of its edge values (empty, blank, non-ASCII and very
long strings; 0, -1 and 2**53 for numbers; empty and several-item lists; metadata objects with odd
keys and nested values) or a random one, and half the nested objects their skeleton. Hypothesis's
engine would cost ~2.4 ms to draw one post-login event (a hundred-odd choices, each tracked for
shrinking) — more than a whole JavaScript execution (~0.8 ms) — so it is kept for what only it
does well: `shrink_strategy` draws the events between the smallest valid one and a failing one,
smaller branch first, and Hypothesis's shrinker, run over it, ends at the smallest event that still
fails: optional fields gone, strings empty, numbers 0, lists empty — except what the failure needs.

`event.secrets` is never generated: the runtime replaces it with the action's own secrets.
"""

from __future__ import annotations

import json
import random
import types
import typing
from collections.abc import Callable
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

JSON_EDGES = (None, True, False, 0, -1, "", "x", "🙂", 2**53, 1.5, [], {}, ["a", "b"], {"k": None},
              {"nested": {"deep": [1, {"x": ""}]}})


@lru_cache(maxsize=None)
def _skeleton(model: type[BaseModel]) -> str:
    return json.dumps({(info.alias or name): _smallest(info.annotation)
                       for name, info in model.model_fields.items() if info.is_required()})


def skeleton(model: type[BaseModel]) -> dict[str, Any]:
    """The smallest valid value of `model`: required fields only, each at its shrink target."""
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


# ------------------------------------------------------------------------- the fast generator

Generator = Callable[[random.Random], Any]

# Text for the non-edge strings: ASCII, accents, an emoji, a zero-width space (never a lone
# surrogate: the wire is UTF-8).
_TEXT_CHARS = "abcxyzABC019 _-.@/:ü\u00e9ß\u4e2d🙂\u200b\n"
_INT_BITS = (3, 7, 15, 31, 53, 63)


def _fresh(value: Any) -> Callable[[], Any]:
    """A maker of independent copies of a JSON edge value (events are mutated by nobody, but a
    finding keeps its event, so no two events may share a list or a dict)."""
    if isinstance(value, (dict, list)):
        text = json.dumps(value)
        return lambda: json.loads(text)
    return lambda: value


def _gen_text(r: random.Random) -> str:
    return "".join(r.choices(_TEXT_CHARS, k=r.randrange(9)))


def _gen_string(r: random.Random) -> str:
    return r.choice(EDGE_STRINGS) if r.random() < 0.5 else _gen_text(r)


def _gen_int(r: random.Random) -> int:
    if r.random() < 0.5:
        return r.choice(EDGE_INTS)
    bits = r.choice(_INT_BITS)
    return r.randint(-(2**bits), 2**bits)


def _gen_float(r: random.Random) -> float:
    roll = r.random()
    if roll < 0.4:
        return r.choice(EDGE_FLOATS)
    if roll < 0.7:
        return float(_gen_int(r)) if r.random() < 0.5 else _gen_int(r)  # type: ignore[return-value]
    return r.uniform(-1e6, 1e6)


_JSON_MAKERS = tuple(_fresh(v) for v in JSON_EDGES)


def _gen_json(r: random.Random) -> Any:
    roll = r.random()
    if roll < 1 / 3:
        return r.choice(_JSON_MAKERS)()
    return _gen_string(r) if roll < 2 / 3 else _gen_int(r)


def _gen_metadata(r: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(r.randrange(4)):
        key = r.choice(METADATA_KEYS) if r.random() < 0.5 else _gen_text(r)[:6]
        out[key] = _gen_json(r)
    return out


def event_generator(model: type[BaseModel]) -> Callable[[random.Random], dict[str, Any]]:
    """A fast, seeded generator of `model`'s events in the wire shape (~0.05 ms a post-login
    event). The same `random.Random` state gives the same event."""
    return _model_generator(model, True)


@lru_cache(maxsize=None)
def _model_generator(model: type[BaseModel], top: bool = False) -> Generator:
    required: list[tuple[str, Generator]] = []
    optional: list[tuple[str, Generator]] = []
    for name, info in model.model_fields.items():
        if top and name in RUNTIME_FIELDS:
            continue
        (required if info.is_required() else optional).append((info.alias or name,
                                                               generator_for(info.annotation)))

    def fields(r: random.Random) -> dict[str, Any]:
        out = {wire: gen(r) for wire, gen in required}
        for wire, gen in optional:
            if r.random() < 0.5:
                out[wire] = gen(r)
        return out

    if top:
        return fields
    # Half the nested objects are their smallest valid form: a subtree that does not matter to
    # the action then costs nothing to draw, and the other half is fuzzed field by field.
    smallest = _skeleton(model)
    return lambda r: json.loads(smallest) if r.random() < 0.5 else fields(r)


def generator_for(annotation: Any) -> Generator:
    """The generator of one field's type; anything unknown is free-form JSON."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return generator_for(args[0])
    if origin in (Union, types.UnionType):
        inner = [generator_for(a) for a in args if a is not type(None)]
        if len(inner) < len(args):
            inner.insert(0, lambda r: None)
        if len(inner) == 1:
            return inner[0]
        return lambda r: r.choice(inner)(r)
    if origin is typing.Literal:
        return lambda r: r.choice(args)
    if origin in (tuple, list, set, frozenset):
        item = generator_for(args[0] if args else Any)
        return lambda r: [item(r) for _ in range(r.randrange(4))]
    if origin is dict:
        return _gen_metadata
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _model_generator(annotation)
        if issubclass(annotation, ReadOnlyMapping):
            return _gen_metadata
        if annotation is bool:
            return lambda r: r.random() < 0.5
        if annotation is int:
            return _gen_int
        if annotation is float:
            return _gen_float
        if annotation is str:
            return _gen_string
    return _gen_json


# ---------------------------------------------------------------------- shrinking one finding
#
# `shrink_strategy(model, event)` draws the events "between" the smallest valid event and a failing
# `event`: every optional key kept or dropped, every nested object kept or collapsed to its
# skeleton, every list item and metadata key kept or dropped, every number a range down to 0 and
# every string any prefix or suffix of its own. The first branch of each choice is the smaller
# one, so Hypothesis's shrinker, run over it, ends at the smallest of these events that still fails in the same way.

_DROP = object()


def _unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if not any(type(v) is type(o) and v == o for o in out):
            out.append(v)
    return out


def _scalar(value: Any) -> st.SearchStrategy[Any]:
    # A range from the shrink target to the failing value, not a few fixed points: Hypothesis
    # searches a range, so "fails when logins_count > 100" ends at 101, not at whatever was drawn.
    if isinstance(value, bool):
        return st.sampled_from(_unique([False, value]))
    if isinstance(value, int):
        return st.integers(min_value=min(0, value), max_value=max(0, value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return st.sampled_from(_unique([0.0, value]))
        return st.floats(min_value=min(0.0, value), max_value=max(0.0, value), allow_nan=False)
    if isinstance(value, str):
        # A failure may need the start (a prefix check) or the end (a domain): both are searched,
        # the shorter the better; the value itself is the longest of each.
        n = len(value)
        return st.one_of(st.integers(0, n).map(lambda k: value[:k]),
                         st.integers(0, n).map(lambda k: value[n - k:]))
    return st.just(value)


def _keep_or_drop(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(_DROP), strategy)


def _mapping(value: dict[str, Any], each: Callable[[str, Any], tuple[bool, st.SearchStrategy[Any]]]
             ) -> st.SearchStrategy[dict[str, Any]]:
    """A dict strategy over `value`'s keys, in order; `each(key, v)` says (droppable, strategy)."""
    keys = list(value)
    parts = []
    for key in keys:
        droppable, strategy = each(key, value[key])
        parts.append(_keep_or_drop(strategy) if droppable else strategy)
    return st.tuples(*parts).map(
        lambda drawn: {k: v for k, v in zip(keys, drawn) if v is not _DROP})


def _json_shrink(value: Any) -> st.SearchStrategy[Any]:
    """Free-form JSON: None first, then smaller values of its own kind."""
    if value is None:
        return st.just(None)
    if isinstance(value, dict):
        inner = _mapping(value, lambda k, v: (True, _json_shrink(v)))
    elif isinstance(value, list):
        inner = st.tuples(*[_keep_or_drop(_json_shrink(v)) for v in value]).map(
            lambda drawn: [v for v in drawn if v is not _DROP])
    else:
        inner = _scalar(value)
    return st.one_of(st.just(None), inner)


def _kind_fits(annotation: Any, value: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind_fits(typing.get_args(annotation)[0], value)
    if origin is typing.Literal:
        return value in typing.get_args(annotation)
    if origin in (tuple, list, set, frozenset):
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if isinstance(annotation, type):
        if issubclass(annotation, (BaseModel, ReadOnlyMapping)):
            return isinstance(value, dict)
        if annotation is bool:
            return isinstance(value, bool)
        if annotation in (int, float):
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if annotation is str:
            return isinstance(value, str)
    return False


def shrink_strategy(model: type[BaseModel], event: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Events between `model`'s smallest valid event and `event` (see above)."""
    return _shrink_model(model, event, top=True)


def _shrink_model(model: type[BaseModel], value: dict[str, Any], top: bool = False) -> st.SearchStrategy[Any]:
    by_wire = {(info.alias or name): info for name, info in model.model_fields.items()}

    def each(key: str, v: Any) -> tuple[bool, st.SearchStrategy[Any]]:
        info = by_wire.get(key)
        if info is None:  # not a field of the model: free-form, and it can go
            return True, _json_shrink(v)
        return not info.is_required(), _shrink_value(info.annotation, v)

    fields = _mapping(value, each)
    smallest = skeleton(model)
    if top or value == smallest:
        return fields if value != smallest else st.just(smallest)
    return st.one_of(st.builds(skeleton, st.just(model)), fields)


def _shrink_value(annotation: Any, value: Any) -> st.SearchStrategy[Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _shrink_value(args[0], value)
    if origin in (Union, types.UnionType):
        if value is None:
            return st.just(None)
        inner = [a for a in args if a is not type(None)]
        fitting = next((a for a in inner if _kind_fits(a, value)), None)
        strategy = _shrink_value(fitting, value) if fitting is not None else _json_shrink(value)
        return st.one_of(st.just(None), strategy) if len(inner) < len(args) else strategy
    if origin is typing.Literal:
        if value in args:
            return st.sampled_from(args[: args.index(value) + 1])
        return st.just(value)
    if origin in (tuple, list, set, frozenset) and isinstance(value, list):
        item = args[0] if args else Any
        return st.tuples(*[_keep_or_drop(_shrink_value(item, v)) for v in value]).map(
            lambda drawn: [v for v in drawn if v is not _DROP])
    if origin is dict and isinstance(value, dict):
        item = args[1] if len(args) == 2 else Any
        return _mapping(value, lambda k, v: (True, _shrink_value(item, v)))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel) and isinstance(value, dict):
            return _shrink_model(annotation, value)
        if issubclass(annotation, ReadOnlyMapping) and isinstance(value, dict):
            return _mapping(value, lambda k, v: (True, _json_shrink(v)))
        if annotation in (bool, int, float, str) and _kind_fits(annotation, value):
            return _scalar(value)
    return _json_shrink(value)
