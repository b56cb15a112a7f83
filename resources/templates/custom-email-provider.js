/**
 * custom-email-provider: delivers the tenant's emails (verification, password reset, ...) through
 * your own provider.
 *
 * `event.notification` is the rendered email: from, to, subject, html, text, message_type. Send it
 * with your provider's HTTP API. When sending fails, api.notification.retry(reason) has Auth0 try
 * again later; api.notification.drop(reason) gives up on this email.
 */

/**
 * @param {import("actions-types/custom-email-provider").CustomEmailProviderEvent} event
 * @param {import("actions-types/custom-email-provider").CustomEmailProviderApi} api
 */
exports.onExecuteCustomEmailProvider = async (event, api) => {
  const email = event.notification;
  const url = event.secrets.EMAIL_API_URL; // e.g. your provider's send endpoint
  if (!url) {
    console.log(`would send ${email.message_type} to ${email.to}: ${email.subject}`);
    return;
  }
  const body = { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text };
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${event.secrets.EMAIL_API_KEY || ""}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
  } catch (error) {
    api.notification.retry(`the provider is unreachable: ${error.message}`);
    return;
  }
  if (response.status >= 500) {
    api.notification.retry(`the provider answered ${response.status}`);
  } else if (!response.ok) {
    api.notification.drop(`the provider refused the email (${response.status})`);
  }
};
