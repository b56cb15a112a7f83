/**
 * password-reset-post-challenge: runs during a password reset, after the user opened the reset link
 * and before they choose the new password.
 *
 * `event.user.enrolledFactors` lists the factors the user has enrolled. `api` can deny the reset,
 * ask for a second factor, redirect to a verification page (the flow resumes in
 * onContinuePostChallenge) or choose the page shown once the password is set.
 */

/**
 * @param {import("actions-types/password-reset-post-challenge").PasswordResetPostChallengeEvent} event
 * @param {import("actions-types/password-reset-post-challenge").PasswordResetPostChallengeApi} api
 */
exports.onExecutePostChallenge = async (event, api) => {
  // Example: a user with a second factor must pass it before setting a new password (the reset
  // link already proved the email address, so email does not count).
  const factors = (event.user.enrolledFactors || [])
    .filter((factor) => factor.type !== "email")
    // an enrolled factor's type is a plain string; the challenge takes the same names
    .map((factor) => ({ type: /** @type {any} */ (factor.type) }));
  if (factors.length > 0) {
    api.authentication.challengeWithAny(factors);
  }
};
