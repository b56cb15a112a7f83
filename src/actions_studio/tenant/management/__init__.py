"""Management API v2 routers (one module per resource).

`SERVED` says what the tenant's Management API covers. A request for any other `/api/v2` path is
answered 404 with `unserved_endpoint`'s sentence (errors.py): Auth0's Deploy CLI prints that body
when a whole-tenant export reaches a resource type the tenant does not have (`GET /api/v2/rules`
first), so the sentence names the way out. docs/tenant.md ("Auth0 compatibility") lists which of
the Deploy CLI's resource types export, which it skips on the 404, and which stop it.
"""

from __future__ import annotations

import json

SERVED = ("actions (their versions, tests and executions)", "triggers and their bindings", "clients", "users",
          "user blocks", "logs", "token exchange profiles")
# The Deploy CLI's resource types (AUTH0_INCLUDED_ONLY's names) whose entities the tenant has and
# serves as the Deploy CLI reads them (tests/tenant/test_auth0_node_clients.py exports them).
DEPLOY_CLI_TYPES = ("actions", "triggers", "clients", "tokenExchangeProfiles")


def unserved_endpoint(method: str, path: str) -> str:
    return (f"the bundled tenant does not serve {method} {path}: its Management API has "
            f"{', '.join(SERVED)}. With Auth0's Deploy CLI, export those only: "
            f"AUTH0_INCLUDED_ONLY='{json.dumps(list(DEPLOY_CLI_TYPES))}'")
