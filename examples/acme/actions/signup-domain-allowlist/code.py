"""pre-user-registration: only Acme and partner email addresses may sign up.

Runs before the user exists, so a refused sign-up leaves nothing behind. The allowed domains and
their subdomains pass; the reason goes to the tenant logs, the message to the person signing up.
"""

ALLOWED_DOMAINS = ("acme.example", "partners.acme.example", "globex.example")


def domain_allowed(email):
    domain = email.rpartition("@")[2].lower()
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in ALLOWED_DOMAINS)


def on_execute_pre_user_registration(event, api):
    email = event.user.email or ""
    if domain_allowed(email):
        api.user.set_app_metadata("signup_domain", email.rpartition("@")[2].lower())
        return
    api.access.deny(
        f"sign-up refused for domain {email.rpartition('@')[2]!r}",
        "Sign-up is open to Acme staff and partners only. Ask your Acme contact for an invitation.",
    )
