"""Partial events: a patch deep-merged over a trigger's sample event (issue 12 item 6).

Auth0's own test tab starts from the sample event; a test usually cares about one or two fields
(`{"user": {"email": "x@blocked.com"}}`). The patch follows JSON Merge Patch (RFC 7396), the one
standard for this: objects merge key by key, any other value (lists included) replaces, and `null`
removes the key — so a patch can also test an event without an optional field.
"""

from __future__ import annotations

import copy
from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 MergePatch(target, patch); neither argument is changed."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def make_patch(base: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The smallest merge patch from `base` to `target`. Exact (merge_patch(base, it) == target)
    unless `target` sets a field to JSON null that `base` holds otherwise: a merge patch cannot say
    that (null means remove), so callers that need exactness compare the round trip."""
    patch: dict[str, Any] = {key: None for key in base if key not in target}
    for key, value in target.items():
        if key in base and base[key] == value:
            continue
        old = base.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            patch[key] = make_patch(old, value)
        else:
            patch[key] = copy.deepcopy(value)
    return patch
