/**
 * password-reset-post-challenge: runs during a password reset, after the user opened the reset link
 * and before they choose the new password.
 *
 * `event.user.enrolledFactors` lists the factors the user has enrolled. `api` can deny the reset,
 * ask for a second factor, redirect to a verification page (the flow resumes in
 * onContinuePostChallenge) or choose the page shown once the password is set.
 */

// The second factors api.authentication.challengeWithAny takes. Email is not one here: the reset
// link already proved the address. An enrolled factor's type is a plain string in the event, so a
// kind not listed (one Auth0 adds later) is skipped rather than refused by the api.
const SECOND_FACTORS = ["otp", "recovery-code", "phone", "push-notification", "webauthn-platform", "webauthn-roaming"];

/**
 * @param {import("actions-types/password-reset-post-challenge").PasswordResetPostChallengeEvent} event
 * @param {import("actions-types/password-reset-post-challenge").PasswordResetPostChallengeApi} api
 */
exports.onExecutePostChallenge = async (event, api) => {
  // Example: a user with a second factor must pass it before setting a new password.
  const factors = (event.user.enrolledFactors || [])
    .filter((factor) => SECOND_FACTORS.includes(factor.type))
    // the filter kept only names the challenge takes; TypeScript cannot see that through it
    .map((factor) => ({ type: /** @type {any} */ (factor.type) }));
  if (factors.length > 0) {
    api.authentication.challengeWithAny(factors);
  }
};
