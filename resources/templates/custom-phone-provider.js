/**
 * custom-phone-provider: delivers the tenant's SMS and voice messages (one-time codes, ...) through
 * your own provider.
 *
 * `event.notification` is the rendered message: recipient, delivery_method ("text" or "voice"),
 * as_text, as_voice and, for one-time codes, code. When sending fails, api.notification.retry(reason)
 * has Auth0 try again later; api.notification.drop(reason) gives up on this message.
 */

/**
 * @param {import("actions-types/custom-phone-provider").CustomPhoneProviderEvent} event
 * @param {import("actions-types/custom-phone-provider").CustomPhoneProviderApi} api
 */
exports.onExecuteCustomPhoneProvider = async (event, api) => {
  const message = event.notification;
  const text = message.delivery_method === "voice" ? message.as_voice : message.as_text;
  const url = event.secrets.SMS_API_URL; // e.g. your gateway's send endpoint
  if (!url) {
    console.log(`would send a ${message.delivery_method} message (${message.message_type}) to ${message.recipient}`);
    return;
  }
  const body = { to: message.recipient, from: message.from, channel: message.delivery_method, body: text };
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${event.secrets.SMS_API_KEY || ""}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
  } catch (error) {
    api.notification.retry(`the gateway is unreachable: ${error.message}`);
    return;
  }
  if (response.status >= 500) {
    api.notification.retry(`the gateway answered ${response.status}`);
  } else if (!response.ok) {
    api.notification.drop(`the gateway refused the message (${response.status})`);
  }
};
