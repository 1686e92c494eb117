import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inTransaction } from '../../../db/transaction.js';
import { ConflictError } from '../../lib/errors.js';
import { parseForm, type FieldErrors } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import { suppressCell } from '../../lib/small-cells.js';
import type { Message } from '../../i18n/index.js';
import { renderAdminDocumentDocx, renderAdminDocumentPdf } from '../../lib/admin-document/index.js';
import { translator } from '../../i18n/index.js';
import { figureLabel, figuresWorkbook, shownTotal, snapshotToDocument } from './periodic-reports.document.js';
import {
  buildFormSchema,
  buildInputSchema,
  correctionFormSchema,
  correctionInputSchema,
  narrativeFormSchema,
  narrativeInputSchema,
  reviewFormSchema,
  reviewInputSchema,
  submitInputSchema,
  type BuildFormValues,
  type NarrativeFormValues,
  type ReviewFormValues,
} from './periodic-reports.schemas.js';

/** /periodic-reports: building, submitting and reviewing the periodic reports of each area. */
export default async function periodicReportsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.periodicReports;
  const audit = app.services.audit;
  const read = { permission: 'periodicReports.read' as const };
  const write = { permission: 'periodicReports.write' as const };
  const review = { permission: 'periodicReports.review' as const };

  function renderIndex(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}, values: BuildFormValues = { periodId: '', areaId: '' }) {
    const periods = service.listPeriods().map((period) => ({ period, buildable: service.buildableAreas(request.actor, period), levels: service.levelsOf(period), reform: service.reformSide(period) }));
    return reply.render('periodic-reports/index', {
      periods,
      reports: service.listReports(request.actor).slice(0, 100),
      inboxCount: service.inbox(request.actor).length,
      errors,
      values,
    });
  }

  /** What the report page needs: the report, the forms as typed, and how to show each figure to this person. */
  function renderShow(request: FastifyRequest, reply: FastifyReply, id: number, extra: { values?: NarrativeFormValues; errors?: FieldErrors; conflict?: Message; reviewValues?: ReviewFormValues; reviewErrors?: FieldErrors; correctionErrors?: FieldErrors; correctionReason?: string } = {}) {
    const view = service.view(request.actor, id);
    const r = view.report;
    const values: NarrativeFormValues = extra.values ?? { assessment: r.assessment, difficulties: r.difficulties, proposals: r.proposals, nextTasks: r.nextTasks, version: String(r.version) };
    // Victim counts exactly for heads and admins; for everyone else as every file shows them.
    const shown = (figure: { value: number; unit: string; victim?: boolean }) => {
      const value = figure.victim && !view.can.exact ? suppressCell(figure.value) : figure.value;
      if (typeof value === 'string') return value;
      return figure.unit === 'vnd' ? `${new Intl.NumberFormat(request.lang === 'vi' ? 'vi-VN' : 'en-US').format(value)} ${request.lang === 'vi' ? 'đ' : 'VND'}` : new Intl.NumberFormat(request.lang === 'vi' ? 'vi-VN' : 'en-US').format(value);
    };
    return reply.render('periodic-reports/show', {
      view,
      values,
      errors: extra.errors ?? {},
      conflict: extra.conflict ?? null,
      reviewValues: extra.reviewValues ?? { decision: '', comment: '' },
      reviewErrors: extra.reviewErrors ?? {},
      correctionErrors: extra.correctionErrors ?? {},
      correctionReason: extra.correctionReason ?? '',
      shown,
      label: (figure: { label: Parameters<typeof request.t>[0]; labelText?: string }) => figureLabel(figure, request.t),
      shownTotal: (total: Parameters<typeof shownTotal>[0]) => (view.can.exact ? shown(total) : shownTotal(total, request.lang)),
    });
  }

  app.get('/', { config: read }, async (request, reply) => renderIndex(request, reply));

  /** "Lập báo cáo": the area's draft for the period (made now, or the one it already has). */
  app.post('/', { config: write }, async (request, reply) => {
    const values = buildFormSchema.parse(request.body ?? {});
    const parsed = parseForm(buildInputSchema, values);
    const result = parsed.ok ? service.build(request.actor, parsed.value.periodId, parsed.value.areaId) : parsed;
    if (!result.ok) return renderIndex(request, reply.code(422), result.errors, values);
    return reply.seeOther(`/periodic-reports/${result.value.id}`);
  });

  app.get('/inbox', { config: review }, async (request, reply) => reply.render('periodic-reports/inbox', { items: service.inbox(request.actor) }));

  app.get('/:id', { config: read, schema: { params } }, async (request, reply) => renderShow(request, reply, request.params.id));

  /** Saving the narrative, or submitting it (the same form; submitting freezes the figures). */
  async function saveOrSubmit(request: FastifyRequest, reply: FastifyReply, id: number, submit: boolean) {
    const values = narrativeFormSchema.parse(request.body ?? {});
    const parsed = parseForm(submit ? submitInputSchema : narrativeInputSchema, values);
    if (!parsed.ok) return renderShow(request, reply.code(422), id, { values, errors: parsed.errors });
    try {
      if (submit) service.submit(request.actor, id, parsed.value, Number(values.version));
      else service.saveNarrative(request.actor, id, parsed.value, Number(values.version));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // What was typed stays in the form; the version moves on so saving again keeps it (after reading the other's).
      const current = service.view(request.actor, id).report;
      return renderShow(request, reply.code(409), id, { values: { ...values, version: String(current.version) }, conflict: error.userMessage });
    }
    return reply.flash(submit ? 'periodic.submitted' : 'periodic.saved').seeOther(`/periodic-reports/${id}`);
  }

  app.post('/:id', { config: write, schema: { params } }, async (request, reply) => saveOrSubmit(request, reply, request.params.id, false));
  app.post('/:id/submission', { config: write, schema: { params } }, async (request, reply) => saveOrSubmit(request, reply, request.params.id, true));

  app.post('/:id/review', { config: review, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = reviewFormSchema.parse(request.body ?? {});
    const parsed = parseForm(reviewInputSchema, values);
    if (!parsed.ok) return renderShow(request, reply.code(422), id, { reviewValues: values, reviewErrors: parsed.errors });
    service.review(request.actor, id, parsed.value.decision, parsed.value.comment);
    return reply.flash(parsed.value.decision === 'accept' ? 'periodic.accepted' : 'periodic.returned').seeOther(`/periodic-reports/${id}`);
  });

  app.post('/:id/correction', { config: write, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = correctionFormSchema.parse(request.body ?? {});
    const parsed = parseForm(correctionInputSchema, values);
    if (!parsed.ok) return renderShow(request, reply.code(422), id, { correctionErrors: parsed.errors, correctionReason: values.reason });
    const corrected = service.correct(request.actor, id, parsed.value.reason);
    return reply.flash('periodic.corrected').seeOther(`/periodic-reports/${corrected.id}`);
  });

  /** The figures tables of a version (a draft's as they stand now; a frozen one's from its snapshot). */
  app.get('/:id/figures.xlsx', { config: { ...read, export: true }, schema: { params } }, async (request, reply) => {
    const { report, snapshot, sections, area, period } = service.snapshotOf(request.actor, request.params.id);
    const title = `${request.t('periodic.doc.title')} · ${area.name} · ${period.title}${report.edition > 1 ? ` · ${request.t('periodic.edition', { edition: report.edition })}` : ''}`;
    const file = await figuresWorkbook({ sections, rollup: snapshot?.rollup ?? null, title, t: request.t, lang: request.lang, author: request.user!.name, created: app.now() });
    inTransaction(app.db, () =>
      audit.record(request.actor, { action: 'export', recordType: 'periodic_report', recordId: report.id, changes: { format: 'xlsx', edition: report.edition }, areaIds: [area.id] }),
    );
    return reply
      .header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="bao-cao-dinh-ky-${report.id}-lan-${report.edition}.xlsx"`)
      .header('Cache-Control', 'no-store')
      .header('X-Offline', 'never')
      .send(file);
  });

  /**
   * A version as a document in the administrative layout: PDF to print and sign, DOCX to edit before signing.
   * A frozen version from its snapshot; a draft from its figures as they stand now, marked "Dự thảo" and unsigned.
   * Always in Vietnamese, whatever the reader's language.
   */
  for (const format of ['pdf', 'docx'] as const) {
    app.get(`/:id/report.${format}`, { config: { ...read, export: true }, schema: { params } }, async (request, reply) => {
      const { report, area, snapshot, draft, parentName } = service.documentOf(request.actor, request.params.id);
      const document = snapshotToDocument(snapshot, { t: translator('vi'), lang: 'vi', provinceName: app.catalog.province.name, parentName, draft });
      inTransaction(app.db, () =>
        audit.record(request.actor, { action: 'export', recordType: 'periodic_report', recordId: report.id, changes: { format, edition: report.edition, ...(draft ? { draft: true } : {}) }, areaIds: [area.id] }),
      );
      reply
        .header('Content-Type', format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('Content-Disposition', `attachment; filename="bao-cao-dinh-ky-${report.id}-lan-${report.edition}${draft ? '-du-thao' : ''}.${format}"`)
        .header('Cache-Control', 'no-store')
        .header('X-Offline', 'never');
      return reply.send(format === 'pdf' ? await renderAdminDocumentPdf(document) : await renderAdminDocumentDocx(document));
    });
  }
}
