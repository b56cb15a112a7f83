"""password-reset-post-challenge: runs during a password reset, after the user opened the reset link
and before they choose the new password.

`event.user.enrolled_factors` lists the factors the user has enrolled. `api` can deny the reset, ask
for a second factor, redirect to a verification page (the flow resumes in
on_continue_post_challenge) or choose the page shown once the password is set.
"""

# The second factors api.authentication.challenge_with_any takes. Email is not one here: the reset
# link already proved the address. An enrolled factor's type is a plain string in the event, so a
# kind not listed (one Auth0 adds later) is skipped rather than refused by the api.
SECOND_FACTORS = ("otp", "recovery-code", "phone", "push-notification", "webauthn-platform", "webauthn-roaming")


def on_execute_post_challenge(event, api):
    # Example: a user with a second factor must pass it before setting a new password.
    factors = [{"type": f.type} for f in event.user.enrolled_factors or () if f.type in SECOND_FACTORS]
    if factors:
        api.authentication.challenge_with_any(factors)
