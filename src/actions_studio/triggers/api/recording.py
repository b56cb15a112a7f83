"""How api calls are recorded: the method decorator, the namespace base and the api base.

A call is recorded as ``{"method": "<namespace>.<name>", "args": [...], "kwargs": {...}}``:
``args`` are the required parameters in order, ``kwargs`` the optional ones the caller passed
(by position or by name), so the same call always gives the same record. Values are JSON-safe
copies; secrets passed to the redirect token helpers are recorded as a mask.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import ApiUsageError
from ..limits import as_format_map
from ..mappings import ReadOnlyMapping

if TYPE_CHECKING:
    from ..context import ExecutionContext
    from ..events.base import EventModel

SECRET_MASK = "********"
F = TypeVar("F", bound=Callable[..., Any])


def json_safe(value: Any, *, where: str) -> Any:
    """A plain JSON copy of ``value``; ApiUsageError naming ``where`` if it is not JSON data."""
    # Python refuses to write (or read back) an integer past its int/str digit limit (4300 by
    # default). With at most 3 bits per allowed digit an integer is well within it: str() is tried
    # only on huge ones.
    limit = sys.get_int_max_str_digits()
    if isinstance(value, int) and limit and value.bit_length() > 3 * limit:
        try:
            str(value)
        except ValueError:
            raise ApiUsageError(f"{where}: an integer of more than {limit} digits cannot be sent as JSON") from None
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ApiUsageError(f"{where}: {value!r} is not a JSON number")
        return value
    if isinstance(value, (Mapping, ReadOnlyMapping)):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ApiUsageError(f"{where}: object keys must be strings, got {type(k).__name__} {k!r}")
            out[k] = json_safe(v, where=f"{where}[{k!r}]")
        return out
    if isinstance(value, (list, tuple)):
        return [json_safe(v, where=f"{where}[{i}]") for i, v in enumerate(value)]
    raise ApiUsageError(
        f"{where}: a {type(value).__name__} is not JSON-serialisable "
        "(use str, int, float, bool, None, dict or list)"
    )


def api_method(func: F) -> F:
    """Record each successful call of a namespace method, after it validated its arguments.

    The docstring is formatted with the constants of limits.py, so ``{CACHE_MAX_ENTRIES}`` in a
    docstring always shows the enforced number.
    """
    signature = inspect.signature(func)
    params = [p for p in signature.parameters.values() if p.name != "self"]
    if func.__doc__:
        func.__doc__ = inspect.cleandoc(func.__doc__).format_map(as_format_map())

    @functools.wraps(func)
    def wrapper(self: Namespace, *args: Any, **kwargs: Any) -> Any:
        method = f"{self._name}.{func.__name__}"
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as exc:
            raise ApiUsageError(f"api.{method}{_public_signature(signature)}: {exc}") from None
        result = func(self, *args, **kwargs)
        rec_args: list[Any] = []
        rec_kwargs: dict[str, Any] = {}
        for p in params:
            if p.name not in bound.arguments:
                continue
            value = bound.arguments[p.name]
            value = SECRET_MASK if p.name == "secret" else json_safe(value, where=f"api.{method}: {p.name}")
            if p.default is inspect.Parameter.empty:
                rec_args.append(value)
            else:
                rec_kwargs[p.name] = value
        self._api.calls.append({"method": method, "args": rec_args, "kwargs": rec_kwargs})
        return result

    wrapper.__api_method__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _public_signature(signature: inspect.Signature) -> str:
    params = [
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in signature.parameters.values()
        if p.name != "self"
    ]
    return f"({', '.join(params)})"


def require_str(method: str, name: str, value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ApiUsageError(f"api.{method}: {name} must be a str, got {type(value).__name__} {value!r}")
    if not allow_empty and not value:
        raise ApiUsageError(f"api.{method}: {name} must not be empty")
    return value


class Namespace:
    """One api namespace (``api.access_token``, ``api.cache``, ...) of one action's api."""

    # The wire-less Python name of the namespace, e.g. "access_token"; set by each subclass.
    _name: str = ""

    def __init__(self, api: ApiBase) -> None:
        self._api = api

    @property
    def _event(self) -> EventModel:
        return self._api._event

    @property
    def _context(self) -> ExecutionContext:
        return self._api._context

    def _warn(self, message: str) -> None:
        self._api.warnings.append(message)

    def __repr__(self) -> str:
        methods = ", ".join(api_methods_of(type(self)))
        return f"<api.{self._name}: {methods}>"


def api_methods_of(cls: type) -> list[str]:
    """Names of the recorded methods of a namespace class, in definition order."""
    names = []
    for klass in reversed(cls.__mro__):
        for name, member in vars(klass).items():
            if getattr(member, "__api_method__", False) and name not in names:
                names.append(name)
    return names


class ApiBase:
    """The ``api`` object of one action's execution: namespaces plus what they recorded.

    Subclasses list their namespaces in ``NAMESPACES`` (attribute name → Namespace class); an
    attribute outside it does not exist, so ``hasattr(api, "redirect")`` tells what a trigger offers.
    """

    NAMESPACES: dict[str, type[Namespace]] = {}
    TRIGGER_ID: str = ""

    def __init__(self, event: EventModel, context: ExecutionContext) -> None:
        self._event = event
        self._context = context
        self.calls: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        for name, cls in self.NAMESPACES.items():
            setattr(self, name, cls(self))

    def __getattr__(self, name: str) -> Any:
        # Only reached for missing attributes: say what this trigger's api does offer.
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"the {self.TRIGGER_ID} api has no {name!r}; its namespaces are: "
            f"{', '.join(self.NAMESPACES) or '(none)'}"
        )

