/** The webhooks feature's public face: other folders import it through this file only. */
export { webhookDispatcher, type WebhookDispatcher } from './webhooks.dispatcher.js';
export { webhookEventTypes, type WebhookEventBody, type WebhookEventType } from './webhooks.events.js';
export { webhooksRoutes } from './webhooks.routes.js';
export { default as webhooksSchedule } from './webhooks.schedule.js';
export { webhookSignature } from './webhooks.sender.js';
export { webhooksService, type WebhooksService } from './webhooks.service.js';
