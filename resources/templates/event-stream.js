/**
 * event-stream: runs, asynchronously, for each event of the event stream this action is the
 * destination of (user.created, user.updated, organization.member.added, ...).
 *
 * `event.message` is the CloudEvent: type, id, time and data. Forward it where you need it, e.g. a
 * CRM. Throwing an error fails the delivery, and Auth0 delivers the event again later.
 */

/**
 * @param {import("actions-types/event-stream").EventStreamEvent} event
 * @param {import("actions-types/event-stream").EventStreamApi} api
 */
exports.onExecuteEventStream = async (event, api) => {
  const message = event.message;
  if (message.type === "user.created") {
    const user = message.data.object;
    console.log(`new user ${user.user_id} (${user.email})`);
  } else {
    console.log(`${message.type} event ${message.id}`);
  }
};
