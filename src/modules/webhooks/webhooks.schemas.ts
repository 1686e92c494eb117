import { z } from 'zod';
import { formFlag, formList, formText } from '../../lib/forms.js';
import { idField } from '../../lib/params.js';
import { webhookEventTypes, type WebhookEventType } from './webhooks.events.js';

/** The endpoint form exactly as typed (shown again when it is refused). */
export const endpointFormSchema = z.object({
  url: formText,
  events: formList,
  areaId: formText,
  enabled: formFlag,
  version: formText,
  submissionKey: formText,
});
export type EndpointFormValues = z.infer<typeof endpointFormSchema>;

const urlField = z
  .string()
  .trim()
  .min(1, 'errors.webhook.urlRequired')
  .max(2000, 'errors.webhook.urlInvalid')
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'errors.webhook.urlInvalid' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') context.addIssue({ code: 'custom', message: 'errors.webhook.urlScheme' });
    else if (url.username || url.password) context.addIssue({ code: 'custom', message: 'errors.webhook.urlCredentials' });
  });

/** '' = the whole province; otherwise an area id, checked against the province's units by the service. */
const areaField = z
  .string()
  .trim()
  .refine((value) => value === '' || /^\d{1,9}$/.test(value), 'errors.userArea.invalid')
  .transform((value) => (value === '' ? null : Number(value)));

const eventsField = z
  .array(z.string())
  .transform((values) => [...new Set(values)])
  .pipe(z.array(z.enum(webhookEventTypes, 'errors.webhook.eventUnknown')).min(1, 'errors.webhook.eventsRequired'))
  .transform((values) => webhookEventTypes.filter((type) => values.includes(type)) as WebhookEventType[]);

export const endpointInputSchema = z.object({ url: urlField, events: eventsField, areaId: areaField, enabled: z.boolean() });
export type EndpointInput = z.infer<typeof endpointInputSchema>;

/** An edit also carries the version the form was loaded with (a version that does not read is a stale one). */
export const endpointUpdateSchema = endpointInputSchema.extend({ version: z.string().transform(Number) });
export type EndpointUpdateInput = z.infer<typeof endpointUpdateSchema>;

/** The delete form: confirm=yes once the person has confirmed (without JavaScript, on the confirmation page). */
export const deleteFormSchema = z.object({ confirm: formText });

export const deliveryParamsSchema = z.object({ id: idField, deliveryId: idField });

export const deliveriesQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
