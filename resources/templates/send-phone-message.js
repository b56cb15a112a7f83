/**
 * send-phone-message: delivers MFA and enrollment codes through your own SMS/voice provider.
 *
 * `event.message_options` holds the recipient, the text and whether it is an SMS or a voice call.
 */

/**
 * @param {import("actions-types/send-phone-message").SendPhoneMessageEvent} event
 * @param {import("actions-types/send-phone-message").SendPhoneMessageApi} api
 */
exports.onExecuteSendPhoneMessage = async (event, api) => {
  const options = event.message_options;
  // A real action would call the provider's API here (keep its key in a secret, e.g.
  // event.secrets.SMS_API_KEY); this one only logs what it would send.
  console.log(`would send a ${options.message_type} (${options.action}) to ${options.recipient}`);
};
