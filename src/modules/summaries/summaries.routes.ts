import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PassThrough } from 'node:stream';
import { inTransaction } from '../../../db/transaction.js';
import { can } from '../../access/permissions.js';
import { formatDate } from '../../lib/dates.js';
import { parseForm } from '../../lib/forms.js';
import { addRecordSheet, recordColumns, recordKinds, recordsCsv, xlsxWriter } from './records.export.js';
import { addSummarySheet, columnValue, rowLabel, suppressedValues, summaryColumns, summaryCsv, summaryLines, summaryPdf, totalLabel, type SummaryContext } from './summary.formats.js';
import type { FigureGroup, Summary, SummaryRow } from './summary.service.js';
import { summaryFigureLink } from './summary.links.js';
import { recordFileParamsSchema, summaryFilterSchema, summaryGroups, summaryPageQuerySchema, summaryQuerySchema as querystring, type SummaryQuery, type TypedSummaryQuery } from './summaries.schemas.js';
import type { FieldErrors, FormResult } from '../../lib/forms.js';

type Format = 'csv' | 'xlsx' | 'pdf';
const contentTypes: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** /reports/districts: the per-area summary of a period, on the page and as CSV, XLSX and PDF; and record exports. */
export default async function summariesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.summaries;
  const filterSchema = summaryFilterSchema((id) => service.campaignExists(id));
  const campaigns = app.services.campaigns;
  const audit = app.services.audit;
  const config = { permission: 'reports.read' as const };

  /** The area a person is tied to, when their figures are limited to it; null for the whole province. */
  function scopeArea(request: FastifyRequest) {
    const areaId = request.user!.areaId;
    return request.actor.scope.all || areaId === null ? null : (app.catalog.byId.get(areaId) ?? null);
  }

  function context(request: FastifyRequest, summary: Summary): SummaryContext {
    return {
      t: request.t,
      lang: request.lang,
      provinceName: app.catalog.province.name,
      generatedAt: app.now(),
      generatedBy: request.user!.name,
      scopeName: scopeArea(request)?.name ?? null,
      campaignTitle: summary.campaignId ? campaigns.getCampaign(summary.campaignId).title : null,
    };
  }

  /** Every export is in the audit trail with its filters. */
  /** A scoped person's files are named for their area (its code), so they are not taken for the province's. */
  function scopeSuffix(request: FastifyRequest): string {
    const area = scopeArea(request);
    return area ? `-dia-ban-${area.code}` : '';
  }

  function recordExport(request: FastifyRequest, details: Record<string, unknown>): void {
    // A scoped person's export is filed under their areas, so they (and whoever oversees those areas) find it.
    const areaIds = request.actor.scope.all ? [] : request.actor.scope.areaIds;
    const area = scopeArea(request);
    inTransaction(app.db, () => audit.record(request.actor, { action: 'export', recordType: 'export', recordId: null, changes: { ...details, ...(area ? { area: area.name } : {}) }, areaIds }));
  }

  function queryString(summary: Summary): string {
    const params = new URLSearchParams({ from: formatDate(summary.from), to: formatDate(summary.to) });
    if (summary.campaignId) params.set('campaign', String(summary.campaignId));
    if (summary.level !== 'district') params.set('level', summary.level);
    if (summary.topic) params.set('topic', summary.topic);
    return params.toString();
  }

  /** The summary page with its filters as typed and each problem beside its field (no table, no file). */
  function renderQueryErrors(reply: FastifyReply, errors: FieldErrors, typed: TypedSummaryQuery, group: FigureGroup = summaryGroups[0]) {
    return reply.code(422).render('reports/districts', { summary: null, errors, typed, group, campaignOptions: campaigns.all(), recordKinds });
  }

  /** The filters as typed → the query they ask for, or their messages. */
  function readQuery(typed: TypedSummaryQuery): FormResult<SummaryQuery> {
    return parseForm(filterSchema, typed);
  }

  async function sendSummary(request: FastifyRequest, reply: FastifyReply, typed: TypedSummaryQuery, format: Format) {
    const read = readQuery(typed);
    if (!read.ok) return renderQueryErrors(reply, read.errors, typed);
    const query = read.value;
    const summary = service.summarise(request.actor, query);
    const ctx = context(request, summary);
    const name = `tong-hop-${summary.level === 'district' ? 'huyen' : 'xa'}${summary.campaignId ? `-ke-hoach-${summary.campaignId}` : ''}${scopeSuffix(request)}-${summary.from}-${summary.to}.${format}`;
    recordExport(request, { kind: 'summary', format, from: summary.from, to: summary.to, level: summary.level, campaign: summary.campaignId, ...(summary.topic ? { topic: summary.topic } : {}) });
    reply.header('Content-Type', contentTypes[format]).header('Content-Disposition', `attachment; filename="${name}"`).header('Cache-Control', 'no-store');
    if (format === 'csv') return reply.send(await summaryCsv(summary, ctx));
    if (format === 'pdf') return reply.send(await summaryPdf(summary, ctx));
    // XLSX: the summary sheet, then the reports (approved, and pending marked by their status), findings and follow-ups behind it, streamed.
    const stream = new PassThrough();
    const workbook = await xlsxWriter(stream);
    workbook.creator = ctx.generatedBy;
    workbook.created = ctx.generatedAt;
    const filter = { from: summary.from, to: summary.to, scope: request.actor.scope, behindSummary: true, ...(summary.campaignId ? { campaignId: summary.campaignId } : {}) };
    (async () => {
      await addSummarySheet(workbook, summary, ctx);
      await addRecordSheet(workbook, request.t('export.sheet.reports'), service.records('reports', filter, request.t, request.lang, true), recordColumns('reports', request.t));
      await addRecordSheet(workbook, request.t('export.sheet.findings'), service.records('findings', filter, request.t, request.lang, true), recordColumns('findings', request.t));
      await addRecordSheet(workbook, request.t('export.sheet.followups'), service.records('followups', filter, request.t, request.lang, true), recordColumns('followups', request.t));
      await workbook.commit();
    })().catch((error: unknown) => {
      request.log.error({ err: error }, 'xlsx export failed');
      stream.destroy(error as Error);
    });
    return reply.send(stream);
  }

  // One group of columns at a time (the files carry them all); htmx swaps just the group's table.
  app.get('/districts', { config, schema: { querystring: summaryPageQuerySchema } }, async (request, reply) => {
    const { group, ...typed } = request.query;
    const read = readQuery(typed);
    if (!read.ok) return renderQueryErrors(reply, read.errors, typed, group);
    const query = read.value;
    const summary = service.summarise(request.actor, query);
    const ctx = context(request, summary);
    const exportQuery = queryString(summary);
    const data = {
      summary,
      errors: {},
      typed: null,
      lines: summaryLines(summary, ctx),
      totalLabel: totalLabel(ctx),
      group,
      groups: summaryGroups.map((name) => ({ name, href: `/reports/districts?${exportQuery}&group=${name}` })),
      columns: summaryColumns(summary, ctx).filter((column) => column.group === group),
      // Victim counts exactly for heads and admins; for everyone else as every export shows them.
      value: request.user && can(request.user.role, 'victims.exact') ? columnValue : suppressedValues(summary),
      link: summaryFigureLink(summary),
      rowLabel: (row: SummaryRow) => rowLabel(row, summary, request.t),
      exportQuery,
      campaignOptions: campaigns.all(),
      query,
      recordKinds,
    };
    if (request.isHtmx && request.htmxTarget === 'summary-view') return reply.render('reports/_summary', data);
    return reply.render('reports/districts', data);
  });

  for (const format of ['csv', 'xlsx', 'pdf'] as const) {
    app.get(`/districts.${format}`, { config: { ...config, export: true }, schema: { querystring } }, async (request, reply) => sendSummary(request, reply, request.query, format));
  }

  /** Record exports: /reports/records/reports.csv, findings.xlsx, outreach.csv, flat.xlsx … (same period filters). */
  app.get('/records/:file', { config: { ...config, export: true }, schema: { params: recordFileParamsSchema, querystring } }, async (request, reply) => {
    const { kind, format } = request.params.file;
    const read = readQuery(request.query);
    if (!read.ok) return renderQueryErrors(reply, read.errors, request.query);
    const query = read.value;
    const { from, to } = service.period(query);
    const filter = { from, to, scope: request.actor.scope, ...(query.campaign ? { campaignId: query.campaign } : {}), ...(query.topic ? { topic: query.topic } : {}) };
    recordExport(request, { kind, format, from, to, campaign: query.campaign ?? null, ...(query.topic ? { topic: query.topic } : {}) });
    const header = recordColumns(kind, request.t);
    const rows = service.records(kind, filter, request.t, request.lang, format === 'xlsx');
    reply
      .header('Content-Type', contentTypes[format])
      .header('Content-Disposition', `attachment; filename="${kind}${scopeSuffix(request)}-${from}-${to}.${format}"`)
      .header('Cache-Control', 'no-store');
    if (format === 'csv') return reply.send(await recordsCsv(rows, header));
    const stream = new PassThrough();
    const workbook = await xlsxWriter(stream);
    (async () => {
      await addRecordSheet(workbook, request.t(`export.sheet.${kind}` as never), rows, header);
      await workbook.commit();
    })().catch((error: unknown) => {
      request.log.error({ err: error }, 'xlsx export failed');
      stream.destroy(error as Error);
    });
    return reply.send(stream);
  });
}
