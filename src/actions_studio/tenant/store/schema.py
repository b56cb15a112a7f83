"""The tenant's own tables (SQLAlchemy Core, so one schema serves SQLite and PostgreSQL).

Timestamps are ISO-8601 UTC strings with milliseconds (what the Management API returns), free-form
objects are JSON columns. The tenant's store is not the workspace's: nothing here is shared with
`actions_studio.store`.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Singleton facts of the tenant (signing keys, tenant id, schema version).
setting = sa.Table(
    "tenant_setting", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

signing_key = sa.Table(
    "signing_key", metadata,
    sa.Column("kid", sa.String(64), primary_key=True),
    sa.Column("private_pem", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("current", sa.Boolean, nullable=False, default=True),
)

connection = sa.Table(
    "connection", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False, unique=True),
    sa.Column("strategy", sa.String(32), nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),
)

client = sa.Table(
    "client", metadata,
    sa.Column("client_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    # sha256 of the secret: secrets are 256-bit random, so a fast hash is enough and the store
    # never holds a usable credential.
    sa.Column("secret_sha256", sa.String(64), nullable=False),
    sa.Column("app_type", sa.String(32), nullable=False),
    sa.Column("grant_types", sa.JSON, nullable=False),
    sa.Column("metadata", sa.JSON, nullable=False),
    sa.Column("callbacks", sa.JSON, nullable=False),
)

resource_server = sa.Table(
    "resource_server", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("identifier", sa.String(512), nullable=False, unique=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("token_lifetime", sa.Integer, nullable=False),
)

client_grant = sa.Table(
    "client_grant", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("client_id", sa.String(64), sa.ForeignKey("client.client_id"), nullable=False),
    sa.Column("audience", sa.String(512), nullable=False),
    sa.Column("scope", sa.JSON, nullable=False),
    sa.UniqueConstraint("client_id", "audience"),
)

user = sa.Table(
    "tenant_user", metadata,
    sa.Column("user_id", sa.String(128), primary_key=True),
    sa.Column("connection", sa.String(128), nullable=False),
    sa.Column("email", sa.String(320), nullable=True, index=True),
    sa.Column("username", sa.String(128), nullable=True),
    sa.Column("phone_number", sa.String(32), nullable=True),
    sa.Column("password_hash", sa.Text, nullable=True),
    sa.Column("profile", sa.JSON, nullable=False),        # name, nickname, picture, verified flags …
    sa.Column("app_metadata", sa.JSON, nullable=False),
    sa.Column("user_metadata", sa.JSON, nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("blocked", sa.Boolean, nullable=False, default=False),
    sa.Column("logins_count", sa.Integer, nullable=False, default=0),
    sa.Column("last_login", sa.String(32), nullable=True),
    sa.Column("last_password_reset", sa.String(32), nullable=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("connection", "email"),
)

action = sa.Table(
    "action", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False, unique=True),
    sa.Column("supported_triggers", sa.JSON, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("dependencies", sa.JSON, nullable=False),
    sa.Column("runtime", sa.String(32), nullable=False),
    # [{name, value, updated_at}]: values never leave the server (write-only on the API).
    sa.Column("secrets", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("errors", sa.JSON, nullable=False),
    sa.Column("last_number", sa.Integer, nullable=False, default=0),
    sa.Column("deployed_version_id", sa.String(64), nullable=True),
    sa.Column("all_changes_deployed", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("built_at", sa.String(32), nullable=True),
)

action_version = sa.Table(
    "action_version", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("action_id", sa.String(64), sa.ForeignKey("action.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("dependencies", sa.JSON, nullable=False),
    sa.Column("runtime", sa.String(32), nullable=False),
    sa.Column("secret_names", sa.JSON, nullable=False),
    sa.Column("supported_triggers", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("errors", sa.JSON, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("built_at", sa.String(32), nullable=True),
    sa.UniqueConstraint("action_id", "number"),
)

binding = sa.Table(
    "binding", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("trigger_id", sa.String(64), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("action_id", sa.String(64), sa.ForeignKey("action.id"), nullable=False),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

execution = sa.Table(
    "execution", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("trigger_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # The runtime's ExecutionResult as JSON (full console, calls, durations) plus per-action times.
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

log_event = sa.Table(
    "log_event", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("log_id", sa.String(64), nullable=False, unique=True),
    sa.Column("date", sa.String(32), nullable=False),
    sa.Column("type", sa.String(32), nullable=False, index=True),
    sa.Column("data", sa.JSON, nullable=False),
)

# Attack protection's counters (attack_protection.py), in the store so that every server process on
# one database sees the same ones (issue 18). `kind` "user_ip": consecutive failed logins of one
# identifier from one IP (`count`); "ip": one IP's failed logins as a leaky bucket (`count` is its
# level; connection and identifier are ""). `updated_at`: epoch seconds of the last failure.
attack_counter = sa.Table(
    "attack_counter", metadata,
    sa.Column("kind", sa.String(8), primary_key=True),
    sa.Column("identifier", sa.String(320), primary_key=True),
    sa.Column("connection", sa.String(128), primary_key=True),
    sa.Column("ip", sa.String(64), primary_key=True),
    sa.Column("count", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# Token exchange profiles (Auth0's `/api/v2/token-exchange-profiles`): a token exchange grant whose
# `subject_token_type` is one of these runs that profile's custom-token-exchange action.
token_exchange_profile = sa.Table(
    "token_exchange_profile", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("subject_token_type", sa.String(256), nullable=False, unique=True),
    sa.Column("action_id", sa.String(64), sa.ForeignKey("action.id"), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# The input event of each execution, for replaying it in the studio (issue 19 part 2;
# tenant/event_records.py). Its own table, not a column of `execution`: it holds personal data,
# so it has its own retention (the tenant's `event_retention_days`) and can be off entirely.
# Secrets are never in it: the runtime adds them to the event, and values are redacted before
# the write.
execution_event = sa.Table(
    "execution_event", metadata,
    sa.Column("execution_id", sa.String(64), primary_key=True),
    sa.Column("trigger_id", sa.String(64), nullable=False),
    sa.Column("event", sa.JSON, nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False, index=True),
)

# -- Short-lived state shared by every server process on one database (issue 18) ----------------
# Times are wall-clock epoch seconds: a monotonic clock means nothing in another process.

# Pending redirect logins, suspended flows, authorization codes, passwordless codes (pending.py).
# `key` is "<kind>:<id>"; `tries` counts wrong guesses of a code; a row past `expires_at` is gone.
pending_state = sa.Table(
    "pending_state", metadata,
    sa.Column("key", sa.String(640), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("tries", sa.Integer, nullable=False, default=0),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),
)

# Token buckets of the rate limits (ratelimit.py): `tokens` left at `updated_at`; `allowed` says
# whether the last take got one (the upsert that takes returns it).
rate_bucket = sa.Table(
    "rate_bucket", metadata,
    sa.Column("key", sa.String(320), primary_key=True),
    sa.Column("tokens", sa.Float, nullable=False),
    sa.Column("allowed", sa.Boolean, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)

# The dependency build queue (build_queue.py): one row per action and dependency set, so one
# build each; a worker claims a row by leasing it until `lease_until` and renews the lease while
# it builds, so a build whose process died is claimed again once the lease runs out.
build_job = sa.Table(
    "build_job", metadata,
    sa.Column("action_id", sa.String(64), primary_key=True),
    sa.Column("dependencies_key", sa.String(64), primary_key=True),   # sha256 of the set's JSON
    sa.Column("dependencies", sa.JSON, nullable=False),
    sa.Column("runtime", sa.String(32), nullable=False),
    sa.Column("queued_at", sa.Float, nullable=False),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("lease_until", sa.Float, nullable=False, default=0.0),
)

# One row: a number the store itself bumps (database triggers, migration 0004) whenever a row of
# `action`, `action_version` or `binding` is written, so a server process can keep the flows it
# loaded and know from one read whether any process changed them since (flow_cache.py).
flow_generation = sa.Table(
    "flow_generation", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("generation", sa.BigInteger, nullable=False),
)
