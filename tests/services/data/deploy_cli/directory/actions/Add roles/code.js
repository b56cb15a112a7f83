/**
 * Handler that will be called during the execution of a PostLogin flow.
 */
exports.onExecutePostLogin = async (event, api) => {
  const namespace = 'https://##DOMAIN##';
  const allowed = @@ALLOWED_ROLES@@;
  const roles = (event.authorization?.roles || []).filter((r) => allowed.includes(r));
  api.idToken.setCustomClaim(`${namespace}/roles`, roles);
  api.accessToken.setCustomClaim(`${namespace}/roles`, roles);
};
