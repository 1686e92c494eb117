import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createJsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaRecord } from '../../areas/index.js';
import { todayInVietnam } from '../../lib/dates.js';
import { parseForm } from '../../lib/forms.js';
import { pageWindow } from '../../lib/pagination.js';
import { suppressCell, suppressColumn } from '../../lib/small-cells.js';
import { StateError } from '../../lib/errors.js';
import { campaignListQuerySchema } from '../campaigns/index.js';
import { findingListQuerySchema, followUpListQuerySchema, isOverdue } from '../findings/index.js';
import { checkListQuerySchema, reportInput, startReportInput } from '../inspections/index.js';
import { outreachListQuerySchema } from '../outreach/index.js';
import { monitoringListQuerySchema } from '../monitoring/index.js';
import { roundListQuerySchema } from '../rounds/index.js';
import { recommendationListQuerySchema, recordListQuerySchema } from '../supervision/index.js';
import { summaryFilterSchema, victimFigures } from '../summaries/index.js';
import { venueInputSchema, venueListQuerySchema, type VenueFormValues } from '../venues/index.js';
import { victimListQuerySchema } from '../victims/index.js';
import {
  areaSchema,
  campaignDetailSchema,
  campaignSchema,
  cursorQuery,
  findingSchema,
  followUpDetailSchema,
  followUpProgressBody,
  followUpSchema,
  idParams,
  monitoringRecordSchema,
  outreachSchema,
  pageOf,
  periodicReportDetailSchema,
  periodicReportSchema,
  periodicReportsQuery,
  problemSchema,
  recommendationDetailSchema,
  recommendationSchema,
  reportCreateBody,
  reportDetailSchema,
  reportPatchBody,
  reportSchema,
  roundDetailSchema,
  roundSchema,
  summaryQuery,
  summarySchema,
  supervisionRecordDetailSchema,
  supervisionRecordSchema,
  venueCreateBody,
  venuePatchBody,
  venueSchema,
  victimRecordSchema,
} from './api.schemas.js';
import { apiDocument } from './api.openapi.js';
import { etagOf, ifMatchVersion, listAnswer, once, pageFromCursor, sendFieldErrors, type WriteAnswer } from './api.support.js';

type Area = z.infer<typeof areaSchema>;

/**
 * The JSON API, `/api/v1`: a second face on the same services, schemas, scope and audit as the pages. Every route
 * names the permission its page names; records are found through the person's scope (another area's answers 404).
 */
export async function apiRoutes(fastify: FastifyInstance): Promise<void> {
  // Inside this plugin, so the document lists the API's routes only.
  await fastify.register(swagger, { openapi: apiDocument, transform: documentTransform(createJsonSchemaTransform({})) });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { services } = app;
  const today = () => todayInVietnam(app.now());

  const area = (record: AreaRecord | undefined): Area | null => (record ? { id: record.id, code: record.code, name: record.name, level: record.level as Area['level'] } : null);

  /** Runs a list: the cursor's page, the service's page, the API's items. */
  function list<Q extends Record<string, unknown> & { cursor?: string }, T, U>(request: FastifyRequest, reply: FastifyReply, query: Q, fetch: (page: number) => import('../../lib/pagination.js').Page<T>, map: (item: T) => U) {
    const page = pageFromCursor(request, reply, query);
    if (page === null) return reply;
    return reply.send(listAnswer(fetch(page), page, query, map));
  }

  // ——— openapi ———

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } as never }, async (_request, reply) => {
    return reply.header('Cache-Control', 'no-cache').type('application/json; charset=utf-8').send(JSON.stringify(app.swagger()));
  });

  // ——— rounds ———

  const roundOf = (round: ReturnType<typeof services.rounds.listRounds>['items'][number]) => ({
    id: round.id,
    title: round.title,
    decisionNumber: round.decisionNumber,
    kind: round.kind,
    status: round.status,
    startDate: round.startDate,
    endDate: round.endDate,
    leadAgency: round.leadAgency,
    objectives: round.objectives,
    campaignId: round.campaignId,
    isSample: round.isSample,
    areas: round.areas.map((record) => area(record)!).filter(Boolean),
    version: round.version,
    createdAt: round.createdAt,
    updatedAt: round.updatedAt,
  });

  const roundsQuery = roundListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/rounds', { config: { permission: 'rounds.read' }, schema: { summary: 'List inspection rounds (đợt kiểm tra)', tags: ['rounds'], querystring: roundsQuery, response: { 200: pageOf(roundSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.rounds.listRounds(request.actor, { ...request.query, page }), roundOf),
  );

  app.get('/rounds/:id', { config: { permission: 'rounds.read' }, schema: { summary: 'One round with its team', tags: ['rounds'], params: idParams, response: { 200: roundDetailSchema } } }, async (request, reply) => {
    const round = services.rounds.getRound(request.actor, request.params.id);
    return reply.header('ETag', etagOf(round.version)).send({ ...roundOf(round), team: round.team.map((member) => ({ fullName: member.fullName, agency: member.agency, teamRole: member.teamRole })) });
  });

  // ——— venues ———

  const venueOf = (venue: ReturnType<typeof services.venues.getVenue>) => ({
    id: venue.id,
    kind: venue.kind,
    name: venue.name,
    areaId: venue.areaId,
    area: area(venue.area),
    address: venue.address,
    ownerName: venue.ownerName,
    phone: venue.phone,
    businessRegistrationNumber: venue.businessRegistrationNumber,
    licenceNumber: venue.licenceNumber,
    licenceExpiry: venue.licenceExpiry,
    licenceExpired: venue.licenceExpired,
    staffCount: venue.staffCount,
    status: venue.status,
    notes: venue.notes,
    version: venue.version,
    createdAt: venue.createdAt,
    updatedAt: venue.updatedAt,
  });

  /** A venue as the pages' form would send it, so the pages' own schema (venueInputSchema) checks it. */
  const venueForm = (fields: Omit<z.infer<typeof venueCreateBody>, 'confirmDuplicate'>): VenueFormValues => ({
    kind: fields.kind,
    name: fields.name,
    areaId: String(fields.areaId),
    address: fields.address,
    ownerName: fields.ownerName,
    phone: fields.phone,
    businessRegistrationNumber: fields.businessRegistrationNumber,
    licenceNumber: fields.licenceNumber,
    licenceExpiry: fields.licenceExpiry ?? '',
    staffCount: fields.staffCount === null ? '' : String(fields.staffCount),
    status: fields.status,
    notes: fields.notes,
    version: '',
    submissionKey: '',
    confirmDuplicate: '',
  });

  const venuesQuery = venueListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/venues', { config: { permission: 'venues.read' }, schema: { summary: 'List venues (cơ sở kinh doanh)', description: 'Filters as on /venues: q searches name, address and owner ignoring diacritics.', tags: ['venues'], querystring: venuesQuery, response: { 200: pageOf(venueSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.venues.listVenues(request.actor, { ...request.query, page }), venueOf),
  );

  app.get('/venues/:id', { config: { permission: 'venues.read' }, schema: { summary: 'One venue', tags: ['venues'], params: idParams, response: { 200: venueSchema } } }, async (request, reply) => {
    const venue = services.venues.getVenue(request.actor, request.params.id);
    return reply.header('ETag', etagOf(venue.version)).send(venueOf(venue));
  });

  app.post('/venues', { config: { permission: 'venues.write' }, schema: { summary: 'Create a venue', description: 'Needs `Idempotency-Key`. A likely duplicate in the same area is refused (422) unless `confirmDuplicate` is true.', tags: ['venues'], body: venueCreateBody, response: { 201: venueSchema } } }, async (request, reply) =>
    once(request, reply, services.requestKeys, { kind: 'venue.create', recordType: 'venue', recordId: 0, required: true }, () => {
      const { confirmDuplicate, ...fields } = request.body;
      const parsed = parseForm(venueInputSchema, venueForm(fields));
      const result = parsed.ok ? services.venues.createVenue(request.actor, parsed.value, { submissionKey: '', confirmDuplicate }) : parsed;
      if (!result.ok) return sendFieldErrors(request, reply, result.errors, duplicateOf(result));
      const venue = venueOf(services.venues.getVenue(request.actor, result.id));
      return { status: 201, body: venue, location: `/api/v1/venues/${venue.id}` } satisfies WriteAnswer;
    }),
  );

  app.patch('/venues/:id', { config: { permission: 'venues.write' }, schema: { summary: 'Update a venue', description: 'Needs `If-Match` with the ETag read last (409 when someone changed it since; 428 without). Fields left out keep their value.', tags: ['venues'], params: idParams, body: venuePatchBody, response: { 200: venueSchema } } }, async (request, reply) => {
    const version = ifMatchVersion(request, reply);
    if (version === null) return reply;
    const { id } = request.params;
    return once(request, reply, services.requestKeys, { kind: 'venue.update', recordType: 'venue', recordId: id, required: false }, () => {
      const current = venueOf(services.venues.getVenue(request.actor, id));
      const { confirmDuplicate, ...changes } = request.body;
      const parsed = parseForm(venueInputSchema, venueForm({ ...current, ...changes }));
      const result = parsed.ok ? services.venues.updateVenue(request.actor, id, parsed.value, { expectedVersion: version, confirmDuplicate: confirmDuplicate === true }) : parsed;
      if (!result.ok) return sendFieldErrors(request, reply, result.errors, duplicateOf(result));
      return { status: 200, body: venueOf(services.venues.getVenue(request.actor, id)) } satisfies WriteAnswer;
    });
  });

  // ——— visit reports ———

  const reportOf = (report: ReturnType<typeof services.inspections.listReports>['items'][number]) => ({
    id: report.id,
    roundId: report.roundId,
    venueId: report.venueId,
    venueName: report.venueName,
    areaId: report.areaId,
    inspectorId: report.inspectorId,
    inspectorName: report.inspectorName,
    visitDate: report.visitDate,
    visitTime: report.visitTime,
    status: report.status,
    violationCount: report.violationCount,
    submittedAt: report.submittedAt,
    reviewedAt: report.reviewedAt,
    amendsId: report.amendsId,
    supersededById: report.supersededById,
    version: report.version,
  });

  /** A report with its answers; never a finding's note about a possible victim. */
  function reportDetail(request: FastifyRequest, id: number) {
    const detail = services.inspections.getReport(request.actor, id);
    const { check } = detail;
    return {
      detail,
      body: {
        ...reportOf({ ...check, venueName: detail.venue.name, venueKind: detail.venue.kind, inspectorName: detail.inspectorName }),
        checklist: { id: detail.checklist.id, code: detail.checklist.code, version: detail.checklist.version },
        teamPresent: detail.teamPresent,
        representativeName: check.representativeName,
        representativePosition: check.representativePosition,
        ownersPresent: check.ownersPresent,
        staffPresent: check.staffPresent,
        staffCounselled: check.staffCounselled,
        materialsGiven: check.materialsGiven,
        venueComments: check.venueComments,
        conclusion: check.conclusion,
        reviewComment: check.reviewComment,
        answers: detail.items.map((item) => ({ itemCode: item.code, answer: detail.answers[item.code]?.answer ?? null, note: detail.answers[item.code]?.note ?? '' })),
        findings: detail.findings.map((finding) => ({ id: finding.id, title: finding.title, severity: finding.severity, status: finding.status })),
      },
    };
  }

  const reportsQuery = checkListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/reports', { config: { permission: 'checks.read' }, schema: { summary: 'List visit reports (biên bản kiểm tra)', tags: ['reports'], querystring: reportsQuery, response: { 200: pageOf(reportSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.inspections.listReports(request.actor, { ...request.query, page }), reportOf),
  );

  app.get('/reports/:id', { config: { permission: 'checks.read' }, schema: { summary: 'One visit report with its checklist answers', tags: ['reports'], params: idParams, response: { 200: reportDetailSchema } } }, async (request, reply) => {
    const { body } = reportDetail(request, request.params.id);
    return reply.header('ETag', etagOf(body.version)).send(body);
  });

  app.post('/reports', { config: { permission: 'checks.file' }, schema: { summary: 'Start a draft report for a venue in a round', description: 'Needs `Idempotency-Key`. You must be on the round\'s team (or lead).', tags: ['reports'], body: reportCreateBody, response: { 201: reportDetailSchema } } }, async (request, reply) =>
    once(request, reply, services.requestKeys, { kind: 'report.create', recordType: 'check', recordId: 0, required: true }, () => {
      const { roundId, venueId, visitDate, visitTime, reinspection } = request.body;
      const input = startReportInput({ venueId: String(venueId), visitDate, visitTime, submissionKey: '', requestKey: '', reinspection: reinspection ? '1' : '' });
      const result = services.inspections.startReport(request.actor, roundId, input);
      if (!result.ok) return sendFieldErrors(request, reply, result.errors);
      const { body } = reportDetail(request, result.value.id);
      return { status: 201, body, location: `/api/v1/reports/${body.id}` } satisfies WriteAnswer;
    }),
  );

  app.patch('/reports/:id', { config: { permission: 'checks.file' }, schema: { summary: 'Save a draft report', description: 'Needs `If-Match`. Fields left out keep their value. A value that does not read is refused (422) and nothing is saved; a draft may be incomplete. When the service keeps a field as it was (e.g. a visit date outside the round), the rest is saved and the answer is 422 with `savedInPart` and the new ETag.', tags: ['reports'], params: idParams, body: reportPatchBody, response: { 200: reportDetailSchema } } }, async (request, reply) => {
    const version = ifMatchVersion(request, reply);
    if (version === null) return reply;
    const { id } = request.params;
    return once(request, reply, services.requestKeys, { kind: 'report.save', recordType: 'check', recordId: id, required: false }, () => saveReport(request, reply, id, version, 'save'));
  });

  app.post('/reports/:id/submission', { config: { permission: 'checks.file' }, schema: { summary: 'Submit a report for review', description: 'Needs `If-Match` and `Idempotency-Key`. Every applicable item must be answered (422 lists what is missing).', tags: ['reports'], params: idParams, response: { 200: reportDetailSchema } } }, async (request, reply) => {
    const version = ifMatchVersion(request, reply);
    if (version === null) return reply;
    const { id } = request.params;
    return once(request, reply, services.requestKeys, { kind: 'report.submit', recordType: 'check', recordId: id, required: true }, () => saveReport(request, reply, id, version, 'submit'));
  });

  /** A save or a submission through the report form's own rules: the saved values with the changes sent, as typed. */
  function saveReport(request: FastifyRequest, reply: FastifyReply, id: number, version: number, intent: 'save' | 'submit'): WriteAnswer | null {
    const { detail } = reportDetail(request, id);
    const changes = (intent === 'save' ? request.body : {}) as z.infer<typeof reportPatchBody>;
    const saved = services.inspections.formValuesOf(detail);
    const text = (value: number | null | undefined, fallback: string) => (value === undefined ? fallback : value === null ? '' : String(value));
    const values = {
      ...saved,
      ...(changes.visitDate !== undefined ? { visitDate: changes.visitDate } : {}),
      ...(changes.visitTime !== undefined ? { visitTime: changes.visitTime } : {}),
      ...(changes.teamPresent !== undefined ? { teamPresent: changes.teamPresent } : {}),
      ...(changes.representativeName !== undefined ? { representativeName: changes.representativeName } : {}),
      ...(changes.representativePosition !== undefined ? { representativePosition: changes.representativePosition } : {}),
      ...(changes.materialsGiven !== undefined ? { materialsGiven: changes.materialsGiven } : {}),
      ...(changes.venueComments !== undefined ? { venueComments: changes.venueComments } : {}),
      ...(changes.conclusion !== undefined ? { conclusion: changes.conclusion } : {}),
      ownersPresent: text(changes.ownersPresent, saved.ownersPresent),
      staffPresent: text(changes.staffPresent, saved.staffPresent),
      staffCounselled: text(changes.staffCounselled, saved.staffCounselled),
      answers: { ...saved.answers, ...Object.fromEntries(Object.entries(changes.answers ?? {}).filter(([code]) => code in saved.answers).map(([code, typed]) => [code, { answer: typed.answer ?? '', note: typed.note }])) },
      version: String(version),
    };
    const input = reportInput(values, intent);
    if (Object.keys(input.unreadable).length > 0) return sendFieldErrors(request, reply, input.unreadable);
    const result = services.inspections.saveReport(request.actor, id, input, detail);
    if (!result.ok) {
      if ('savedInPart' in result) return sendFieldErrors(request, reply.header('ETag', etagOf(result.version)), result.errors, { savedInPart: true, version: result.version });
      return sendFieldErrors(request, reply, result.errors);
    }
    return { status: 200, body: reportDetail(request, id).body };
  }

  // ——— findings and follow-ups ———

  const findingOf = (finding: ReturnType<typeof services.findings.listFindings>['items'][number] | ReturnType<typeof services.findings.getFinding>['finding']) => ({
    id: finding.id,
    checkId: finding.checkId,
    venueId: finding.venueId,
    roundId: finding.roundId,
    areaId: finding.areaId,
    visitDate: finding.visitDate,
    itemCode: finding.itemCode,
    category: finding.category,
    title: finding.title,
    legalBasis: finding.legalBasis,
    description: finding.description,
    severity: finding.severity,
    status: finding.status,
    closedAt: finding.closedAt,
    referralAgency: finding.referralAgency,
    referredOn: finding.referredOn,
    referralReference: finding.referralReference,
    version: finding.version,
  });

  const findingsQuery = findingListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/findings', { config: { permission: 'findings.read' }, schema: { summary: 'List findings (vi phạm)', description: 'Never carries the note about a possible victim.', tags: ['findings'], querystring: findingsQuery, response: { 200: pageOf(findingSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.findings.listFindings(request.actor, { ...request.query, page }), findingOf),
  );

  app.get('/findings/:id', { config: { permission: 'findings.read' }, schema: { summary: 'One finding', tags: ['findings'], params: idParams, response: { 200: findingSchema } } }, async (request, reply) => {
    const { finding } = services.findings.getFinding(request.actor, request.params.id);
    return reply.header('ETag', etagOf(finding.version)).send(findingOf(finding));
  });

  const followUpOf = (followUp: ReturnType<typeof services.followUps.listFollowUps>['items'][number] | ReturnType<typeof services.followUps.getFollowUp>['followUp']) => ({
    id: followUp.id,
    findingId: followUp.findingId,
    venueId: followUp.venueId,
    areaId: followUp.areaId,
    measure: followUp.measure,
    fineAmount: followUp.fineAmount,
    responsibleKind: followUp.responsibleKind,
    responsibleAgency: followUp.responsibleAgency,
    responsibleUserId: followUp.responsibleUserId,
    dueDate: followUp.dueDate,
    status: followUp.status,
    overdue: isOverdue(followUp, today()),
    doneAt: followUp.doneAt,
    verifiedAt: followUp.verifiedAt,
    description: followUp.description,
    version: followUp.version,
  });

  function followUpDetail(request: FastifyRequest, id: number) {
    const detail = services.followUps.getFollowUp(request.actor, id);
    return { ...followUpOf(detail.followUp), comments: detail.comments.map((comment) => ({ id: comment.id, userId: comment.userId, body: comment.body, createdAt: comment.createdAt })) };
  }

  const followUpsQuery = followUpListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/follow-ups', { config: { permission: 'followups.read' }, schema: { summary: 'List follow-ups (biện pháp khắc phục)', tags: ['follow-ups'], querystring: followUpsQuery, response: { 200: pageOf(followUpSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.followUps.listFollowUps(request.actor, { ...request.query, page }), followUpOf),
  );

  app.get('/follow-ups/:id', { config: { permission: 'followups.read' }, schema: { summary: 'One follow-up with its progress notes', tags: ['follow-ups'], params: idParams, response: { 200: followUpDetailSchema } } }, async (request, reply) => {
    const body = followUpDetail(request, request.params.id);
    return reply.header('ETag', etagOf(body.version)).send(body);
  });

  app.post('/follow-ups/:id/progress', { config: { permission: 'followups.comment' }, schema: { summary: 'Add progress to a follow-up', description: 'Needs `If-Match` and `Idempotency-Key`. A status move is allowed as on the page (assigned to you, or you lead); a note may be added by anyone who may comment.', tags: ['follow-ups'], params: idParams, body: followUpProgressBody, response: { 200: followUpDetailSchema } } }, async (request, reply) => {
    const version = ifMatchVersion(request, reply);
    if (version === null) return reply;
    const { id } = request.params;
    return once(request, reply, services.requestKeys, { kind: 'followUp.progress', recordType: 'follow_up', recordId: id, required: true }, async () => {
      const current = services.followUps.getFollowUp(request.actor, id).followUp;
      if (current.version !== version) throw new StateError({ key: 'error.409.body' });
      if (request.body.status) services.followUps.changeStatus(request.actor, id, request.body.status);
      if (request.body.comment) {
        const result = await services.followUps.addComment(request.actor, id, request.body.comment, null);
        if (!result.ok) return sendFieldErrors(request, reply, result.errors);
      }
      const body = followUpDetail(request, id);
      return { status: 200, body } satisfies WriteAnswer;
    });
  });

  // ——— campaigns and outreach ———

  const campaignsQuery = campaignListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  const progressOf = (progress: ReturnType<typeof services.campaigns.progress>) => ({ target: progress.totals.target, actual: progress.totals.actual, overall: progress.overall });
  const campaignOf = (campaign: ReturnType<typeof services.campaigns.listCampaigns>['items'][number]) => ({
    id: campaign.id,
    title: campaign.title,
    planNumber: campaign.planNumber,
    kind: campaign.kind,
    startDate: campaign.startDate,
    endDate: campaign.endDate,
    status: campaign.status,
    description: campaign.description,
    isSample: campaign.isSample,
    version: campaign.version,
    progress: progressOf(campaign.progress),
  });

  app.get('/campaigns', { config: { permission: 'campaigns.read' }, schema: { summary: 'List campaigns (kế hoạch) with progress in your area', tags: ['campaigns'], querystring: campaignsQuery, response: { 200: pageOf(campaignSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.campaigns.listCampaigns({ ...request.query, page }, request.actor.scope), campaignOf),
  );

  app.get('/campaigns/:id', { config: { permission: 'campaigns.read' }, schema: { summary: 'One campaign with its targets and progress per area', tags: ['campaigns'], params: idParams, response: { 200: campaignDetailSchema } } }, async (request, reply) => {
    const campaign = services.campaigns.getCampaign(request.params.id);
    const progress = services.campaigns.progress(campaign.id, request.actor.scope);
    const body = { ...campaignOf({ ...campaign, progress }), targets: progress.rows.map((row) => ({ area: area(row.area)!, target: row.target, actual: row.actual })) };
    return reply.header('ETag', etagOf(campaign.version)).send(body);
  });

  const outreachQuery = outreachListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  const activityOf = (activity: Omit<ReturnType<typeof services.outreach.getActivity>, 'speakers'>) => ({
    id: activity.id,
    campaignId: activity.campaignId,
    activityDate: activity.activityDate,
    areaId: activity.areaId,
    village: activity.village,
    channels: activity.channels,
    topics: activity.topics,
    topicOther: activity.topicOther,
    sessions: activity.sessions,
    organisingAgency: activity.organisingAgency,
    participantsTotal: activity.participantsTotal,
    participantsWomen: activity.participantsWomen,
    targetGroups: activity.groups,
    groupSplit: activity.split,
    notes: activity.notes,
    version: activity.version,
  });

  app.get('/outreach-activities', { config: { permission: 'outreach.read' }, schema: { summary: 'List outreach activities (hoạt động tuyên truyền)', tags: ['outreach'], querystring: outreachQuery, response: { 200: pageOf(outreachSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.outreach.listActivities(request.actor, { ...request.query, page }), activityOf),
  );

  app.get('/outreach-activities/:id', { config: { permission: 'outreach.read' }, schema: { summary: 'One outreach activity', tags: ['outreach'], params: idParams, response: { 200: outreachSchema } } }, async (request, reply) => {
    const activity = services.outreach.getActivity(request.actor, request.params.id);
    return reply.header('ETag', etagOf(activity.version)).send(activityOf(activity));
  });

  // ——— district summary and victim support ———

  const summaryFilter = summaryFilterSchema((id) => services.summaries.campaignExists(id));
  app.get('/summaries/districts', { config: { permission: 'reports.read' }, schema: { summary: 'Summary per district (or commune) for a period', description: 'The figures of /reports/districts. Victim counts follow the small-cell rule for every caller: 1–4 as "<5", a total over hidden cells as "≥N".', tags: ['summaries'], querystring: summaryQuery, response: { 200: summarySchema } } }, async (request, reply) => {
    const typed = { from: request.query.from ?? '', to: request.query.to ?? '', campaign: request.query.campaign ?? '', level: request.query.level ?? '' };
    const parsed = parseForm(summaryFilter, typed);
    if (!parsed.ok) {
      sendFieldErrors(request, reply, Object.fromEntries(Object.entries(parsed.errors).map(([field, messages]) => [`query/${field}`, messages])));
      return reply;
    }
    const summary = services.summaries.summarise(request.actor, parsed.value);
    const rows = summary.rows.map((row) => ({ area: area(row.area)!, figures: { ...row.figures } as Record<string, unknown> }));
    const total: Record<string, unknown> = { ...summary.total };
    for (const figure of victimFigures) {
      const column = suppressColumn(summary.rows.map((row) => row.figures[figure]), summary.total[figure]);
      rows.forEach((row, index) => (row.figures[figure] = column.cells[index]));
      total[figure] = column.total;
    }
    return reply.send({ from: summary.from, to: summary.to, level: summary.level, campaignId: summary.campaignId, rows, total } as never);
  });

  const victimsQuery = victimListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  const victimRecordOf = (record: ReturnType<typeof services.victims.getRecord>) => {
    const measureCells = (measure: string) => Object.entries(record.cells).filter(([field]) => field.startsWith(`${measure}-`)).map(([, value]) => value);
    const shown = (measure: string, total: number) => suppressColumn(measureCells(measure), total).total;
    return {
      id: record.id,
      area: area(record.area),
      year: record.year,
      quarter: record.quarter,
      periodStart: record.periodStart,
      periodEnd: record.periodEnd,
      isSample: record.isSample,
      cells: Object.fromEntries(Object.entries(record.cells).map(([field, value]) => [field, suppressColumn([value], value).total])),
      totals: { returned: shown('returned', record.headline.returned), supported: shown('supported', record.headline.supported), handedToFamily: shown('handed_to_family', record.headline.handedToFamily) },
      version: record.version,
    };
  };
  app.get('/victim-support', { config: { permission: 'victims.read' }, schema: { summary: 'Victim-support counts per area and quarter', description: 'Counts only, never names. Small cells are suppressed for every caller, as in every export: 1–4 as "<5", a total over hidden cells as "≥N".', tags: ['victim support'], querystring: victimsQuery, response: { 200: pageOf(victimRecordSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.victims.listRecords(request.actor, { ...request.query, page }), victimRecordOf),
  );

  // ——— supervision records and recommendations ———

  const supervisionRecordOf = (record: ReturnType<typeof services.supervision.listRecords>['items'][number]) => ({
    id: record.id,
    roundId: record.roundId,
    area: area(app.catalog.byId.get(record.areaId)),
    authority: record.authority,
    visitDate: record.visitDate,
    status: record.status,
    notMetCount: record.notMetCount,
    figuresFrom: record.figuresFrom,
    figuresTo: record.figuresTo,
    amendsId: record.amendsId,
    supersededById: record.supersededById,
    submittedAt: record.submittedAt,
    reviewedAt: record.reviewedAt,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  });

  const supervisionQuery = recordListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/supervision-records', { config: { permission: 'supervision.read' }, schema: { summary: 'List supervision records (biên bản giám sát)', description: 'Records of the area authorities supervised in a round. `area` also covers the areas within it.', tags: ['supervision'], querystring: supervisionQuery, response: { 200: pageOf(supervisionRecordSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.supervision.listRecords(request.actor, { ...request.query, page }), supervisionRecordOf),
  );

  app.get('/supervision-records/:id', { config: { permission: 'supervision.read' }, schema: { summary: 'One supervision record with its answers, conclusions and recommendations', tags: ['supervision'], params: idParams, response: { 200: supervisionRecordDetailSchema } } }, async (request, reply) => {
    const detail = services.supervision.getRecord(request.actor, request.params.id);
    const { record } = detail;
    const text = (item: (typeof detail.items)[number]) => (request.lang === 'en' && item.en ? item.en : item.vi);
    return reply.header('ETag', etagOf(record.version)).send({
      ...supervisionRecordOf(record),
      round: { id: detail.round.id, title: detail.round.title, startDate: detail.round.startDate, endDate: detail.round.endDate },
      place: record.place,
      authorityPresent: record.authorityPresent,
      teamPresent: detail.teamPresent,
      checklist: { id: detail.checklist.id, code: detail.checklist.code, version: detail.checklist.version },
      answers: detail.items.map((item) => ({ itemCode: item.code, text: text(item), answer: detail.answers[item.code]?.answer ?? null, note: detail.answers[item.code]?.note ?? '', figure: detail.answers[item.code]?.figure ?? null })),
      strengths: record.strengths,
      difficulties: record.difficulties,
      reviewComment: record.reviewComment,
      recommendationIds: detail.recommendations.map((recommendation) => recommendation.id),
    });
  });

  const recommendationOf = (recommendation: ReturnType<typeof services.supervision.getRecommendation>['recommendation']) => ({
    id: recommendation.id,
    recordId: recommendation.recordId,
    roundId: recommendation.roundId,
    area: area(app.catalog.byId.get(recommendation.areaId)),
    body: recommendation.body,
    addressee: recommendation.addressee,
    addresseeAreaId: recommendation.addresseeAreaId,
    dueDate: recommendation.dueDate,
    status: recommendation.status,
    overdue: services.supervision.isRecommendationOverdue(recommendation, today()),
    doneAt: recommendation.doneAt,
    verifiedAt: recommendation.verifiedAt,
    verificationNote: recommendation.verificationNote,
    version: recommendation.version,
  });

  const recommendationsQuery = recommendationListQuerySchema.omit({ page: true }).extend(cursorQuery.shape);
  app.get('/recommendations', { config: { permission: 'supervision.read' }, schema: { summary: 'List recommendations (kiến nghị) of approved supervision records', description: 'Filters as on /recommendations: `overdue=1` for those open or in progress past their due date.', tags: ['supervision'], querystring: recommendationsQuery, response: { 200: pageOf(recommendationSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.supervision.listRecommendations(request.actor, { ...request.query, page }), recommendationOf),
  );

  app.get('/recommendations/:id', { config: { permission: 'supervision.read' }, schema: { summary: 'One recommendation with its progress notes', tags: ['supervision'], params: idParams, response: { 200: recommendationDetailSchema } } }, async (request, reply) => {
    const detail = services.supervision.getRecommendation(request.actor, request.params.id);
    return reply.header('ETag', etagOf(detail.recommendation.version)).send({ ...recommendationOf(detail.recommendation), comments: detail.comments.map((comment) => ({ id: comment.id, userId: comment.userId, body: comment.body, createdAt: comment.createdAt })) });
  });

  // ——— periodic reports ———

  type PeriodicItem = ReturnType<typeof services.periodicReports.listReports>[number];
  const periodicReportOf = ({ report, area: reportArea, period }: PeriodicItem) => ({
    id: report.id,
    period: period ? { id: period.id, kind: period.kind, title: period.title, periodStart: period.periodStart, periodEnd: period.periodEnd, campaignId: period.campaignId } : null,
    area: area(reportArea),
    edition: report.edition,
    status: report.status,
    submittedAt: report.submittedAt,
    reviewedAt: report.reviewedAt,
    replacedById: report.replacedById,
    version: report.version,
    updatedAt: report.updatedAt,
  });

  app.get('/periodic-reports', { config: { permission: 'periodicReports.read' }, schema: { summary: 'List periodic reports (báo cáo định kỳ)', description: 'The reports you may read, latest changed first, as on /periodic-reports. `area` also covers the areas within it.', tags: ['periodic reports'], querystring: periodicReportsQuery, response: { 200: pageOf(periodicReportSchema) } } }, async (request, reply) => {
    const { period, area: areaId, status } = request.query;
    const areaIds = areaId ? new Set(app.catalog.filterIds(areaId)) : null;
    const items = services.periodicReports.listReports(request.actor).filter(({ report }) => (!period || report.periodId === period) && (!areaIds || areaIds.has(report.areaId)) && (!status || report.status === status));
    return list(request, reply, request.query, (page) => {
      const window = pageWindow(page, items.length);
      return { items: items.slice(window.offset, window.offset + window.pageSize), total: items.length, page: window.page, pageCount: window.pageCount, pageSize: window.pageSize, capped: window.capped };
    }, periodicReportOf);
  });

  app.get('/periodic-reports/:id', { config: { permission: 'periodicReports.read' }, schema: { summary: 'One periodic report with the snapshot frozen when it was last submitted', description: 'Figures and narrative as submitted, never recomputed. Victim figures follow the small-cell rule for every caller: 1–4 as "<5".', tags: ['periodic reports'], params: idParams, response: { 200: periodicReportDetailSchema } } }, async (request, reply) => {
    const { report, snapshot, area: reportArea, period } = services.periodicReports.snapshotOf(request.actor, request.params.id);
    const narrativeOf = (from: { assessment: string; difficulties: string; proposals: string; nextTasks: string }) => ({ assessment: from.assessment, difficulties: from.difficulties, proposals: from.proposals, nextTasks: from.nextTasks });
    return reply.header('ETag', etagOf(report.version)).send({
      ...periodicReportOf({ report, area: reportArea, period }),
      narrative: narrativeOf(report),
      correctionReason: report.correctionReason,
      returnComment: report.returnComment,
      snapshot: snapshot
        ? {
            frozenAt: snapshot.frozenAt,
            edition: snapshot.edition,
            submittedBy: snapshot.submittedBy,
            sections: snapshot.sections.map((section) => ({
              key: section.key,
              figures: section.figures.map((figure) => ({ key: figure.key, label: figure.labelText ?? request.t(figure.label), value: figure.victim ? suppressCell(figure.value) : figure.value, unit: figure.unit, victim: figure.victim === true })),
            })),
            narrative: narrativeOf(snapshot.narrative),
          }
        : null,
    });
  });

  // ——— situations watched ———

  const monitoringQuery = monitoringListQuerySchema.omit({ page: true, category: true }).extend(cursorQuery.shape);
  const monitoringRecordOf = (record: ReturnType<typeof services.monitoring.getRecord>) => ({
    id: record.id,
    area: area(record.area),
    periodKind: record.periodKind,
    year: record.year,
    periodNumber: record.periodNumber,
    periodStart: record.periodStart,
    periodEnd: record.periodEnd,
    counts: Object.fromEntries(Object.entries(record.cells).map(([category, value]) => [category, suppressCell(value)])),
    version: record.version,
  });
  app.get('/monitoring-records', { config: { permission: 'monitoring.read' }, schema: { summary: 'Situations watched: counts per area and month or quarter (theo dõi tình hình)', description: 'Counts only. Small cells are suppressed for every caller, as for victim support: 1–4 as "<5".', tags: ['monitoring'], querystring: monitoringQuery, response: { 200: pageOf(monitoringRecordSchema) } } }, async (request, reply) =>
    list(request, reply, request.query, (page) => services.monitoring.listRecords(request.actor, { ...request.query, page }), monitoringRecordOf),
  );

}

/** The likely duplicate a venue save was refused for, named in the problem so a client can decide. */
function duplicateOf(result: object): { duplicateId?: number } {
  const duplicate = (result as { duplicate?: { id: number } }).duplicate;
  return duplicate ? { duplicateId: duplicate.id } : {};
}

/** Only the API's own routes go in the document, each with the problems it may answer. */
function documentTransform(zodTransform: ReturnType<typeof createJsonSchemaTransform>): ReturnType<typeof createJsonSchemaTransform> {
  return (input) => {
    if (!input.url.startsWith('/api/v1/') || input.url === '/api/v1/openapi.json') return { schema: { hide: true } as never, url: input.url };
    const transformed = zodTransform(input) as { schema: Record<string, unknown>; url: string };
    const method = String((input.route as { method?: string | string[] }).method ?? 'GET');
    const codes = [401, 403, ...(input.url.includes(':id') ? [404] : []), 422, 429, ...(method === 'GET' ? [] : [409, 428])];
    const problems = Object.fromEntries(codes.map((code) => [code, { description: problemDescriptions[code], content: { 'application/problem+json': { schema: problemJsonSchema } } }]));
    transformed.schema.response = { ...(transformed.schema.response as object), ...problems };
    return transformed as never;
  };
}

const problemDescriptions: Record<number, string> = {
  401: 'No token, or a token that is wrong, expired, revoked, or whose account is disabled',
  403: 'The account\'s role may not do this, or the token is read-only',
  404: 'No such record in your area',
  409: 'The record changed since your ETag (or its state forbids this)',
  422: 'Refused input, with `errors` per field; or an Idempotency-Key reused for another request',
  428: 'If-Match (updates) or Idempotency-Key (creates and other POSTs) missing',
  429: 'Past the per-token rate limit: wait `Retry-After` seconds',
};

const problemJsonSchema = z.toJSONSchema(problemSchema, { target: 'draft-2020-12' });
delete (problemJsonSchema as { $schema?: string }).$schema;
