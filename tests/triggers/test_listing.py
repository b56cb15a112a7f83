"""The catalog's light index (triggers/listing.py) and the package's lazy names (issue 12 item 10):
the studio's explorer lists the triggers without building every event model, and asking the
package for any of its names still loads the whole catalog, as the sandbox's zygote expects."""

from __future__ import annotations

import json
import subprocess
import sys

from actions_studio.triggers import TRIGGERS
from actions_studio.triggers.listing import DESCRIPTIONS


def _loaded_after(code: str) -> set[str]:
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    return set(json.loads(out.stdout))


def test_the_listing_is_the_catalogs_triggers_in_its_order() -> None:
    assert list(DESCRIPTIONS) == list(TRIGGERS)
    assert {t.id: t.description for t in TRIGGERS.values()} == DESCRIPTIONS
    assert all(DESCRIPTIONS.values())


def test_the_listing_loads_neither_the_catalog_nor_pydantic() -> None:
    loaded = _loaded_after("from actions_studio.triggers.listing import DESCRIPTIONS")
    assert "actions_studio.triggers.catalog" not in loaded and "pydantic" not in loaded


def test_any_name_of_the_package_loads_the_whole_catalog() -> None:
    loaded = _loaded_after("from actions_studio.triggers import ExecutionContext")
    assert {"actions_studio.triggers.catalog", "actions_studio.triggers.events", "actions_studio.triggers.api",
            "actions_studio.triggers.outcome", "pydantic"} <= loaded


def test_an_unknown_name_is_an_attribute_error() -> None:
    import actions_studio.triggers as triggers

    try:
        triggers.NO_SUCH_NAME  # noqa: B018
    except AttributeError as exc:
        assert "NO_SUCH_NAME" in str(exc)
    else:
        raise AssertionError("an unknown name was found")
