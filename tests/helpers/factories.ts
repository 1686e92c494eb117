import { usersRepository } from '../../src/modules/users/index.js';
import { reportInput, startReportInput } from '../../src/modules/inspections/index.js';
import type { FastifyInstance } from 'fastify';
import { systemActor } from '../../src/access/actor.js';
import { roundInputSchema, type RoundFormValues } from '../../src/modules/rounds/index.js';
import { venueFormSchema, venueInputSchema } from '../../src/modules/venues/index.js';

/** A district of the configured province by (part of) its name. */
export function district(app: FastifyInstance, name: string) {
  const found = app.catalog.districts.find((area) => area.name.includes(name));
  if (!found) throw new Error(`no district ${name}`);
  return found;
}

export function commune(app: FastifyInstance, name: string) {
  const found = app.catalog.communes.find((area) => area.name.includes(name));
  if (!found) throw new Error(`no commune ${name}`);
  return found;
}

/** Form fields of a valid round before the reform, in Bắc Yên; override any field. */
export function roundFields(app: FastifyInstance, overrides: Record<string, string | string[] | number | number[]> = {}) {
  return {
    title: 'Kiểm tra liên ngành cơ sở karaoke',
    decisionNumber: '125/QĐ-BCĐ',
    kind: 'planned',
    areaIds: [district(app, 'Bắc Yên').id],
    startDate: '10/03/2025',
    endDate: '12/03/2025',
    leadAgency: 'police',
    objectives: 'Kiểm tra giấy phép, hợp đồng lao động',
    teamName: ['Nguyễn Văn An', 'Lò Thị Bình'],
    teamAgency: ['police', 'culture'],
    teamRole: ['head', 'member'],
    ...overrides,
  };
}

/** Creates a round through the service (the same rules as the form) and returns its id. */
export function createRound(app: FastifyInstance, overrides: Partial<RoundFormValues> = {}): number {
  const service = app.services.rounds;
  const values: RoundFormValues = {
    title: 'Đợt kiểm tra',
    decisionNumber: '',
    kind: 'planned',
    purpose: '',
    areaIds: [String(district(app, 'Bắc Yên').id)],
    startDate: '2025-03-10',
    endDate: '2025-03-12',
    leadAgency: 'police',
    objectives: '',
    team: [],
    version: '',
    campaignId: '',
    submissionKey: '',
    ...overrides,
  };
  const input = roundInputSchema.safeParse(values);
  if (!input.success) throw new Error(`invalid factory round: ${JSON.stringify(input.error.issues)}`);
  const result = service.createRound(systemActor('test'), input.data, values.submissionKey);
  if (!result.ok) throw new Error(`invalid factory round: ${JSON.stringify(result.errors)}`);
  return result.value.id;
}

// ——— venues and visit reports ———

import type { Actor } from '../../src/access/actor.js';

/** The service-level actor of an existing account. */
export function actorOf(app: FastifyInstance, userId: number): Actor {
  return app.services.auth.actorFor(usersRepository(app.db).findById(userId)!, '127.0.0.1');
}

let venueCounter = 0;
export function createVenue(app: FastifyInstance, overrides: Record<string, string> = {}): number {
  venueCounter += 1;
  const service = app.services.venues;
  const values = venueFormSchema.parse({
    kind: 'karaoke',
    name: `Karaoke Thử ${venueCounter}`,
    areaId: String(district(app, 'Bắc Yên').id),
    address: `Số ${venueCounter}, tiểu khu 2`,
    ownerName: '',
    phone: '',
    businessRegistrationNumber: '',
    licenceNumber: '',
    licenceExpiry: '',
    staffCount: '',
    status: 'operating',
    notes: '',
    version: '',
    submissionKey: '',
    confirmDuplicate: '1',
    ...overrides,
  });
  const input = venueInputSchema.safeParse(values);
  if (!input.success) throw new Error(`invalid factory venue: ${JSON.stringify(input.error.issues)}`);
  const result = service.createVenue(systemActor('test'), input.data, { submissionKey: values.submissionKey, confirmDuplicate: values.confirmDuplicate === '1' });
  if (!result.ok) throw new Error(`invalid factory venue: ${JSON.stringify(result.errors)}`);
  return result.id;
}

/** A round in Bắc Yên (March 2025) whose team lists these accounts. */
export function createRoundWithTeam(app: FastifyInstance, userIds: number[], values: Partial<RoundFormValues> = {}): number {
  return createRound(app, {
    team: userIds.map((userId) => ({ fullName: '', agency: 'police', teamRole: 'member', userId: String(userId) })),
    ...values,
  });
}

/** Answers for every item of a report: all compliant unless listed. */
export function answersFor(app: FastifyInstance, checkId: number, overrides: Record<string, { answer: string; note?: string }> = {}) {
  const codes = app.db.$client.prepare('select item_code from check_answers where check_id = ?').all(checkId) as Array<{ item_code: string }>;
  const fields: Record<string, string> = {};
  for (const { item_code: code } of codes) {
    fields[`answer_${code}`] = overrides[code]?.answer ?? 'compliant';
    fields[`note_${code}`] = overrides[code]?.note ?? '';
  }
  return fields;
}

/**
 * A report on a venue in a round, filed by `inspectorId`, taken to `status` through the service
 * (submitted and approved ones have every item answered, `violations` as violations).
 */
export function createReport(
  app: FastifyInstance,
  options: { roundId: number; venueId: number; inspectorId: number; reviewerId?: number; status?: 'draft' | 'submitted' | 'approved' | 'returned'; violations?: string[]; visitDate?: string },
): number {
  const service = app.services.inspections;
  const actor = actorOf(app, options.inspectorId);
  const started = service.startReport(actor, options.roundId, startReportInput({ venueId: String(options.venueId), visitDate: options.visitDate ?? '11/03/2025', visitTime: '20:30', submissionKey: '', requestKey: '', reinspection: '' }));
  if (!started.ok) throw new Error(`could not start report: ${JSON.stringify(started.errors)}`);
  const id = started.value.id;
  const status = options.status ?? 'draft';
  if (status === 'draft') return id;
  const detail = service.getReport(actor, id);
  const answers = Object.fromEntries(
    detail.items.map((item) => [item.code, options.violations?.includes(item.code) ? { answer: 'violation', note: 'Vi phạm ghi nhận' } : { answer: 'compliant', note: '' }]),
  );
  const saved = service.saveReport(actor, id, reportInput({ ...service.formValuesOf(detail), answers, staffPresent: '5', staffCounselled: '5', ownersPresent: '1', conclusion: 'Kết luận' }, 'submit'));
  if (!saved.ok) throw new Error(`could not submit report: ${JSON.stringify(saved.errors)}`);
  if (status === 'submitted') return id;
  const reviewer = actorOf(app, options.reviewerId ?? options.inspectorId);
  const reviewed = service.review(reviewer, id, status === 'approved' ? 'approve' : 'return', status === 'returned' ? 'Bổ sung số liệu' : '');
  if (!reviewed.ok) throw new Error('could not review report');
  return id;
}

// ——— supervision records ———

import { recordFormSchema, recordInput } from '../../src/modules/supervision/index.js';

/**
 * A supervision record of Bắc Yên's authority in a supervision round (March 2025) whose team lists `ownerId` (and
 * `teamUserIds`), taken to `status` through the service, with `recommendations` recommendations (due 30/06/2025).
 */
export function createSupervisionRecord(
  app: FastifyInstance,
  options: { ownerId: number; reviewerId?: number; status?: 'draft' | 'submitted' | 'approved'; recommendations?: number; teamUserIds?: number[] },
): { id: number; roundId: number; recommendationIds: number[] } {
  const team = [options.ownerId, ...(options.teamUserIds ?? [])].map((userId) => ({ fullName: '', agency: 'police', teamRole: 'member', userId: String(userId) }));
  const roundId = createRound(app, { purpose: 'supervision', team });
  const service = app.services.supervision;
  const owner = actorOf(app, options.ownerId);
  const started = service.startRecord(owner, roundId, { areaId: String(district(app, 'Bắc Yên').id), visitDate: '11/03/2025' });
  if (!started.ok) throw new Error(`could not start supervision record: ${JSON.stringify(started.errors)}`);
  const id = started.value.id;
  const recommendationIds: number[] = [];
  for (let index = 0; index < (options.recommendations ?? 0); index += 1) {
    const added = service.addRecommendation(owner, id, { body: `Kiến nghị ${index + 1}`, addressee: 'Công an', addresseeAreaId: '', dueDate: '30/06/2025' });
    if (!added.ok) throw new Error('could not add recommendation');
    recommendationIds.push(added.value.id);
  }
  const status = options.status ?? 'draft';
  if (status === 'draft') return { id, roundId, recommendationIds };
  const detail = service.getRecord(owner, id);
  const form = recordFormSchema(detail.items.map((item) => item.code)).parse({
    ...Object.fromEntries(detail.items.map((item) => [`answer_${item.code}`, 'met'])),
    visitDate: '11/03/2025',
    version: String(detail.record.version),
    intent: 'submit',
  });
  const saved = service.saveRecord(owner, id, recordInput(form.values, 'submit'));
  if (!saved.ok) throw new Error(`could not submit supervision record: ${JSON.stringify(saved.errors)}`);
  if (status === 'submitted') return { id, roundId, recommendationIds };
  const reviewed = service.review(actorOf(app, options.reviewerId ?? options.ownerId), id, 'approve', '');
  if (!reviewed.ok) throw new Error('could not approve supervision record');
  return { id, roundId, recommendationIds };
}

/**
 * Form fields of a valid outreach activity: one village meeting (1 session) on the anti-trafficking law for
 * pupils, 10 participants of whom 5 women. Overrides may still name the older single `format` (an in-person
 * channel with one session), which becomes the activity's channel.
 */
export function outreachForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { format, channel: _channel, leaflets: _leaflets, posters: _posters, broadcastMinutes: _minutes, ...rest } = overrides;
  const channel = typeof format === 'string' && format ? format : 'village_meeting';
  return {
    activityDate: '15/03/2025',
    village: '',
    channels: [channel],
    [`m-${channel}-sessions`]: '1',
    topics: ['trafficking_law'],
    targetGroups: ['students'],
    organisingAgency: 'womens_union',
    participantsTotal: '10',
    participantsWomen: '5',
    ...rest,
  };
}
