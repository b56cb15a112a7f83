"""password-reset-post-challenge: runs during a password reset, after the user opened the reset link
and before they choose the new password.

`event.user.enrolled_factors` lists the factors the user has enrolled. `api` can deny the reset, ask
for a second factor, redirect to a verification page (the flow resumes in
on_continue_post_challenge) or choose the page shown once the password is set.
"""


def on_execute_post_challenge(event, api):
    # Example: a user with a second factor must pass it before setting a new password (the reset
    # link already proved the email address, so email does not count).
    factors = [{"type": f.type} for f in event.user.enrolled_factors or () if f.type != "email"]
    if factors:
        api.authentication.challenge_with_any(factors)
