exports.onExecutePreUserRegistration = async (event, api) => {
  if (!event.user.email?.endsWith('@acme.example.com')) {
    api.access.deny('not_allowed', 'Only ACME employees may sign up.');
  }
};
