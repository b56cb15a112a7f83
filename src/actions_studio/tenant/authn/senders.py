"""The tenant's email and SMS senders: the bound custom-email-provider / custom-phone-provider action
delivers each message, as on an Auth0 tenant whose email or phone provider is "Custom".

- Email (verification after signup, password reset links): the custom-email-provider action gets
  the rendered message in `event.notification` (`from`, `to`, `subject`, `html`, `text`, `locale`,
  `message_type`). With none bound the tenant has no way to deliver an email: the message is not
  sent and the log says so (the Management API's `POST /api/v2/tickets/password-change` still gives
  the link).
- SMS (passwordless codes): the custom-phone-provider action when one is bound (`message_type`
  "otp_verify", the code in `notification.code`), else the send-phone-message flow as before.

A delivery failed when the action failed or called `api.notification.drop` / `retry` (the outcome's
`notification`, "the last call counts"); the tenant does not retry (Auth0 does, up to 5 times).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..context import TenantContext
from ..flows import FlowRun, has_flow, run_flow, store_execution
from ..logs import log_failed_actions, write_log
from .common import client_event, connection_event

EMAIL_TRIGGER = "custom-email-provider"
PHONE_TRIGGER = "custom-phone-provider"
SENDER = "no-reply@actions-studio.test"


@dataclass
class Delivery:
    delivered: bool
    reason: Optional[str]          # why not, when not delivered
    run: Optional[FlowRun]         # None: no provider ran

    @property
    def execution_ids(self) -> list[str]:
        return self.run.execution_ids if self.run is not None else []


def _outcome(run: FlowRun, trigger_id: str) -> Delivery:
    if run.failed:
        failed = next((r for r in (run.execution or {}).get("results", []) if r.get("error")), None)
        why = f"action '{failed['action_name']}' failed: {failed['error']['msg']}" if failed else f"the {trigger_id} flow failed"
        return Delivery(False, why[:1024], run)
    notification = run.outcome.get("notification")
    if notification:
        return Delivery(False, f"{notification.get('result')}: {notification.get('reason')}", run)
    return Delivery(True, None, run)


def tenant_settings(ctx: TenantContext) -> dict[str, Any]:
    return {"id": ctx.tenant_id, "friendly_name": "Actions Studio tenant", "home_url": ctx.config.base_url}


def email_request(request: dict[str, Any]) -> dict[str, Any]:
    """`event.request` of a provider event: where the message was caused, no body."""
    out = {k: request[k] for k in ("ip", "hostname", "user_agent") if request.get(k) is not None}
    return {**out, "query": dict(request.get("query") or {}), "geoip": {}}


def send_email(ctx: TenantContext, *, message_type: str, user: dict[str, Any], client: dict[str, Any],
               connection: Optional[dict[str, Any]], request: dict[str, Any], subject: str, text: str,
               html: str, log_types: tuple[str, str], description: str) -> Delivery:
    """Delivers one email through the custom-email-provider flow and logs it (`log_types`: the
    success and failure codes, e.g. ("svr", "fvr") for a verification email)."""
    from ..users import event_user

    full = event_user(user)
    event = {"notification": {"from": SENDER, "to": user["email"], "subject": subject, "html": html,
                              "text": text, "locale": "en", "message_type": message_type},
             "user": {k: full[k] for k in ("user_id", "email", "email_verified", "username", "name", "nickname",
                                           "given_name", "family_name", "picture", "app_metadata",
                                           "user_metadata") if k in full},
             "client": client_event(client), "request": email_request(request), "secrets": {},
             "tenant": tenant_settings(ctx)}
    if connection is not None:
        event["connection"] = connection_event(connection)
    with ctx.db.read() as conn:
        bound = has_flow(conn, EMAIL_TRIGGER)
    delivery = (_outcome(run_flow(ctx, EMAIL_TRIGGER, event), EMAIL_TRIGGER) if bound
                else Delivery(False, "no custom-email-provider action is bound: the tenant cannot deliver email "
                              "without one", None))
    _log(ctx, delivery, log_types, f"{description} to {user['email']}", client, user,
         connection["name"] if connection else None)
    return delivery


def send_sms(ctx: TenantContext, *, code: str, recipient: str, user: dict[str, Any], client: dict[str, Any],
             connection: Optional[dict[str, Any]], request: dict[str, Any], known: bool,
             legacy_event: dict[str, Any]) -> Delivery:
    """A one-time code by SMS: through the custom-phone-provider flow when one is bound, else the
    send-phone-message flow with `legacy_event` (what the tenant did before custom providers)."""
    with ctx.db.read() as conn:
        custom = has_flow(conn, PHONE_TRIGGER)
    if not custom:
        run = run_flow(ctx, "send-phone-message", legacy_event)
        return Delivery(not run.failed, None if not run.failed else "the send-phone-message flow failed", run)
    text = f"{code} is your verification code for {client['name']}. Please enter this code to verify your enrollment."
    spoken = ", ".join(code)
    event = {"notification": {"recipient": recipient, "message_type": "otp_verify" if known else "otp_enroll",
                              "delivery_method": "text", "as_text": text,
                              "as_voice": f"Your verification code for {client['name']} is {spoken}. "
                                          f"Again, your code is {spoken}.",
                              "code": code, "locale": "en"},
             "user": user, "client": client_event(client),
             "request": {k: v for k, v in request.items() if k != "query"}, "secrets": {},
             "tenant": tenant_settings(ctx)}
    if connection is not None:
        event["connection"] = connection_event(connection)
    return _outcome(run_flow(ctx, PHONE_TRIGGER, event), PHONE_TRIGGER)


def _log(ctx: TenantContext, delivery: Delivery, log_types: tuple[str, str], description: str,
         client: dict[str, Any], user: dict[str, Any], connection: Optional[str]) -> None:
    run = delivery.run
    with ctx.db.write() as conn:
        if run is not None:
            store_execution(conn, run.execution)
        write_log(conn, log_types[0] if delivery.delivered else log_types[1],
                  description=description if delivery.delivered else f"{description} not sent: {delivery.reason}",
                  client_id=client["client_id"], client_name=client["name"], user_id=user["user_id"],
                  user_name=user["email"], connection=connection, execution_ids=delivery.execution_ids)
        if run is not None and run.failed:
            log_failed_actions(conn, run.execution, client_id=client["client_id"], user_id=user["user_id"])
