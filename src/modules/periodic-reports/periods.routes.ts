import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { formatDate } from '../../lib/dates.js';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import type { Message } from '../../i18n/index.js';
import type { ReportingPeriodRow } from './periodic-reports.repository.js';
import { periodFormSchema, periodInputSchema, type PeriodFormValues } from './periodic-reports.schemas.js';

const blank: PeriodFormValues = { kind: 'quarterly', title: '', campaignId: '', periodStart: '', periodEnd: '', dueCommune: '', dueDistrict: '', dueProvince: '', version: '' };

function valuesOf(period: ReportingPeriodRow): PeriodFormValues {
  return {
    kind: period.kind,
    title: period.title,
    campaignId: period.campaignId === null ? '' : String(period.campaignId),
    periodStart: formatDate(period.periodStart),
    periodEnd: formatDate(period.periodEnd),
    dueCommune: formatDate(period.dueCommune),
    dueDistrict: formatDate(period.dueDistrict),
    dueProvince: formatDate(period.dueProvince),
    version: String(period.version),
  };
}

/** /admin/reporting-periods: the reporting schedule (admins), and the log of reminder emails sent. */
export default async function periodsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.periodicReports;
  const config = { permission: 'reportingPeriods.manage' as const };

  function renderForm(reply: FastifyReply, values: PeriodFormValues, errors: FieldErrors, period?: ReportingPeriodRow, conflict?: Message) {
    return reply.render('periodic-reports/period-form', { values, errors, period: period ?? null, conflict: conflict ?? null, campaigns: service.campaignOptions() });
  }

  app.get('/', { config }, async (_request, reply) => {
    const periods = service.listPeriods().map((period) => ({ period, levels: service.levelsOf(period), reform: service.reformSide(period), campaignTitle: service.campaignTitle(period.campaignId) }));
    return reply.render('periodic-reports/periods', { periods, smtp: Boolean(app.config.SMTP_URL) });
  });

  app.get('/new', { config }, async (_request, reply) => renderForm(reply, blank, {}));

  app.post('/', { config }, async (request, reply) => {
    const values = periodFormSchema.parse(request.body ?? {});
    const parsed = parseForm(periodInputSchema, values);
    const result = parsed.ok ? service.createPeriod(request.actor, parsed.value) : parsed;
    if (!result.ok) return renderForm(reply.code(422), values, result.errors);
    return reply.flash('periodic.periodSaved').seeOther('/admin/reporting-periods');
  });

  app.get('/reminders', { config }, async (_request, reply) => {
    const periods = new Map(service.listPeriods().map((period) => [period.id, period]));
    const reminders = service.repository.listReminders().map((reminder) => ({ ...reminder, areaName: app.catalog.byId.get(reminder.areaId)?.name ?? String(reminder.areaId) }));
    return reply.render('periodic-reports/reminders', { reminders, periods, smtp: Boolean(app.config.SMTP_URL) });
  });

  app.get('/:id/edit', { config, schema: { params } }, async (request, reply) => {
    const period = service.getPeriod(request.params.id);
    return renderForm(reply, valuesOf(period), {}, period);
  });

  app.post('/:id', { config, schema: { params } }, async (request, reply) => {
    const period = service.getPeriod(request.params.id);
    const values = periodFormSchema.parse(request.body ?? {});
    const parsed = parseForm(periodInputSchema, values);
    try {
      const result = parsed.ok ? service.updatePeriod(request.actor, period.id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) return renderForm(reply.code(422), values, result.errors, period);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const current = service.getPeriod(period.id);
      return renderForm(reply.code(409), { ...values, version: String(current.version) }, {}, current, error.userMessage);
    }
    return reply.flash('periodic.periodSaved').seeOther('/admin/reporting-periods');
  });
}
