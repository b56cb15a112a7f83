exports.onExecuteCredentialsExchange = async (event, api) => {
  api.accessToken.setCustomClaim('https://acme.example.com/tenant', event.client.metadata.tenant);
};
