import { z } from 'zod';
import {
  campaignStatuses,
  checkAnswers,
  checkStatuses,
  findingStatuses,
  followUpStatuses,
  monitoringPeriodKinds,
  periodicReportStatuses,
  recommendationStatuses,
  reportingPeriodKinds,
  responsibleKinds,
  roundKinds,
  roundStatuses,
  severities,
  supervisionAnswers,
  supervisionStatuses,
  teamRoles,
  venueStatuses,
} from '../../../db/schema/index.js';

/*
 * The JSON API's schemas: what each route validates (params, query, body) and answers. The OpenAPI document at
 * /api/v1/openapi.json is generated from these very schemas. Descriptions are in English with the Vietnamese
 * term where it helps people who know the pages.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('YYYY-MM-DD');
const moment = z.string().describe('UTC moment, ISO 8601');
const id = z.number().int().positive();

export const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31).describe('Record id') });

export const areaSchema = z.object({
  id,
  code: z.string().describe('Official code of the unit (mã đơn vị hành chính)'),
  name: z.string(),
  level: z.enum(['province', 'district', 'commune']).describe('tỉnh / huyện / xã'),
});

export const cursorQuery = z.object({
  cursor: z.string().max(200).optional().describe('Opaque cursor from `nextCursor` of the previous page; send the same filters with it'),
});

/** A page of a list: at most 25 records, and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable().describe('Cursor of the next page, or null on the last page') });
}

export const problemSchema = z.object({
  type: z.string().describe('Always about:blank: the status says what kind of problem it is'),
  title: z.string().describe('The HTTP status phrase'),
  status: z.number().int(),
  detail: z.string().optional().describe('What went wrong, in the language asked for by Accept-Language (vi by default)'),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ pointer: z.string().describe('JSON pointer into the body (or /query/… for the query string)'), code: z.string().describe('Stable message code'), detail: z.string() }))
    .optional()
    .describe('422: one entry per refused field'),
});

// ——— rounds (đợt kiểm tra) ———

export const roundSchema = z.object({
  id,
  title: z.string(),
  decisionNumber: z.string().describe('Số quyết định'),
  kind: z.enum(roundKinds),
  status: z.enum(roundStatuses),
  startDate: isoDate,
  endDate: isoDate,
  leadAgency: z.string().describe('Cơ quan chủ trì (vocabulary code)'),
  objectives: z.string(),
  campaignId: id.nullable(),
  isSample: z.boolean().describe('Sample history (dữ liệu mẫu)'),
  areas: z.array(areaSchema),
  version: z.number().int(),
  createdAt: moment,
  updatedAt: moment,
});
export const roundDetailSchema = roundSchema.extend({
  team: z.array(z.object({ fullName: z.string(), agency: z.string(), teamRole: z.enum(teamRoles) })).describe('Thành phần đoàn'),
});

// ——— venues (cơ sở kinh doanh) ———

export const venueSchema = z.object({
  id,
  kind: z.string().describe('Loại cơ sở: vocabulary code (karaoke, restaurant, …)'),
  name: z.string(),
  areaId: id,
  area: areaSchema.nullable(),
  address: z.string(),
  ownerName: z.string().describe('Chủ cơ sở'),
  phone: z.string(),
  businessRegistrationNumber: z.string().describe('Số đăng ký kinh doanh'),
  licenceNumber: z.string().describe('Số giấy phép'),
  licenceExpiry: isoDate.nullable(),
  licenceExpired: z.boolean(),
  staffCount: z.number().int().nullable(),
  status: z.enum(venueStatuses),
  notes: z.string(),
  version: z.number().int().describe('Record version; also the ETag'),
  createdAt: moment,
  updatedAt: moment,
});

const venueFields = {
  kind: z.string().max(40).describe('Loại cơ sở: a code of the venue_kinds vocabulary'),
  name: z.string().max(400).describe('Tên cơ sở'),
  areaId: z.number().int().positive().describe('District (before 2025-07-01) or commune the venue is in, within your area'),
  address: z.string().max(600).describe('Địa chỉ'),
  ownerName: z.string().max(240),
  phone: z.string().max(40),
  businessRegistrationNumber: z.string().max(100),
  licenceNumber: z.string().max(100),
  licenceExpiry: isoDate.nullable(),
  staffCount: z.number().int().min(0).max(99999).nullable(),
  status: z.enum(venueStatuses),
  notes: z.string().max(4000),
};
export const venueCreateBody = z.object({
  ...venueFields,
  address: venueFields.address.default(''),
  ownerName: venueFields.ownerName.default(''),
  phone: venueFields.phone.default(''),
  businessRegistrationNumber: venueFields.businessRegistrationNumber.default(''),
  licenceNumber: venueFields.licenceNumber.default(''),
  licenceExpiry: venueFields.licenceExpiry.default(null),
  staffCount: venueFields.staffCount.default(null),
  status: venueFields.status.default('operating'),
  notes: venueFields.notes.default(''),
  confirmDuplicate: z.boolean().default(false).describe('Save even though a venue with the same name and address exists in the area'),
});
export const venuePatchBody = z.object({ ...venueFields, confirmDuplicate: z.boolean().optional() }).partial();

// ——— visit reports (biên bản kiểm tra) ———

export const reportSchema = z.object({
  id,
  roundId: id,
  venueId: id,
  venueName: z.string(),
  areaId: id,
  inspectorId: id,
  inspectorName: z.string(),
  visitDate: isoDate,
  visitTime: z.string().describe('HH:mm or empty'),
  status: z.enum(checkStatuses).describe('draft → submitted → approved (or returned)'),
  violationCount: z.number().int(),
  submittedAt: moment.nullable(),
  reviewedAt: moment.nullable(),
  amendsId: id.nullable().describe('The approved report this one amends'),
  supersededById: id.nullable().describe('The amendment that replaced this report'),
  version: z.number().int(),
});
export const reportDetailSchema = reportSchema.extend({
  checklist: z.object({ id, code: z.string(), version: z.number().int() }).describe('The checklist version the report answers'),
  teamPresent: z.array(z.string()),
  representativeName: z.string().describe('Người đại diện cơ sở'),
  representativePosition: z.string(),
  ownersPresent: z.number().int().nullable(),
  staffPresent: z.number().int().nullable(),
  staffCounselled: z.number().int().nullable().describe('Số người được tư vấn'),
  materialsGiven: z.string(),
  venueComments: z.string(),
  conclusion: z.string().describe('Kết luận'),
  reviewComment: z.string(),
  answers: z.array(z.object({ itemCode: z.string(), answer: z.enum(checkAnswers).nullable(), note: z.string() })).describe('Checklist answers (never any detail about a possible victim)'),
  findings: z.array(z.object({ id, title: z.string(), severity: z.enum(severities), status: z.enum(findingStatuses) })),
});

export const reportCreateBody = z.object({
  roundId: z.number().int().positive().describe('Đợt kiểm tra: a round whose team you are on'),
  venueId: z.number().int().positive().describe('A venue in the round\'s areas'),
  visitDate: isoDate.describe('Ngày kiểm tra, within the round\'s dates and not in the future'),
  visitTime: z.string().max(10).default('').describe('HH:mm'),
  reinspection: z.boolean().default(false).describe('Tái kiểm tra: list the venue\'s open findings to confirm fixed or not'),
});

const countField = z.number().int().min(0).max(100000).nullable();
export const reportPatchBody = z
  .object({
    visitDate: isoDate,
    visitTime: z.string().max(10),
    teamPresent: z.array(z.string().max(200)).max(50).describe('Names of the round\'s team present (others are ignored)'),
    representativeName: z.string().max(500),
    representativePosition: z.string().max(500),
    ownersPresent: countField,
    staffPresent: countField,
    staffCounselled: countField,
    materialsGiven: z.string().max(4000),
    venueComments: z.string().max(10000),
    conclusion: z.string().max(10000),
    answers: z
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,20}$/), z.object({ answer: z.enum(checkAnswers).nullable(), note: z.string().max(2000).default('') }))
      .describe('Answers by item code; items left out keep their answer'),
  })
  .partial()
  .describe('Fields left out keep what is saved');

// ——— findings and follow-ups (vi phạm, biện pháp khắc phục) ———

export const findingSchema = z.object({
  id,
  checkId: id,
  venueId: id,
  roundId: id,
  areaId: id,
  visitDate: isoDate,
  itemCode: z.string().nullable(),
  category: z.string(),
  title: z.string(),
  legalBasis: z.string().describe('Căn cứ pháp lý'),
  description: z.string(),
  severity: z.enum(severities).describe('critical = sign of trafficking, needs a referral'),
  status: z.enum(findingStatuses),
  closedAt: moment.nullable(),
  referralAgency: z.string().nullable().describe('Cơ quan được chuyển (police, border guard)'),
  referredOn: isoDate.nullable(),
  referralReference: z.string(),
  version: z.number().int(),
});

export const followUpSchema = z.object({
  id,
  findingId: id,
  venueId: id,
  areaId: id,
  measure: z.string().describe('Biện pháp (vocabulary code)'),
  fineAmount: z.number().int().nullable().describe('Whole VND'),
  responsibleKind: z.enum(responsibleKinds),
  responsibleAgency: z.string().nullable(),
  responsibleUserId: id.nullable(),
  dueDate: isoDate,
  status: z.enum(followUpStatuses).describe('open → in_progress → done → verified'),
  overdue: z.boolean().describe('Computed from today in Vietnam'),
  doneAt: moment.nullable(),
  verifiedAt: moment.nullable(),
  description: z.string(),
  version: z.number().int(),
});
export const followUpDetailSchema = followUpSchema.extend({
  comments: z.array(z.object({ id, userId: id.nullable(), body: z.string(), createdAt: moment })),
});
export const followUpProgressBody = z
  .object({
    status: z.enum(['in_progress', 'done']).optional().describe('Move the follow-up on (it must be assigned to you, or you lead)'),
    comment: z.string().trim().min(1).max(2000).optional().describe('Ghi chú tiến độ'),
  })
  .refine((body) => body.status !== undefined || body.comment !== undefined, { message: 'Send a status, a comment or both' });

// ——— campaigns and outreach (kế hoạch, tuyên truyền) ———

const metricsSchema = z.object({ rounds: z.number(), venues: z.number(), sessions: z.number(), participants: z.number() });
export const campaignSchema = z.object({
  id,
  title: z.string(),
  planNumber: z.string().describe('Số kế hoạch'),
  kind: z.string(),
  startDate: isoDate,
  endDate: isoDate,
  status: z.enum(campaignStatuses),
  description: z.string(),
  isSample: z.boolean(),
  version: z.number().int(),
  progress: z.object({ target: metricsSchema, actual: metricsSchema, overall: z.number().nullable().describe('Mean share of targets reached, 0…1') }).describe('Within your area'),
});
export const campaignDetailSchema = campaignSchema.extend({
  targets: z.array(z.object({ area: areaSchema, target: metricsSchema, actual: metricsSchema })).describe('Chỉ tiêu theo địa bàn, with what was done'),
});

export const outreachSchema = z.object({
  id,
  campaignId: id.nullable(),
  activityDate: isoDate,
  areaId: id,
  village: z.string(),
  channels: z
    .array(z.object({ channel: z.string().describe('Kênh, hình thức (vocabulary code)'), measures: z.record(z.string(), z.number().int()).describe('Số liệu của kênh: buổi, tin bài, phút, lượt phát, bản, bài đăng, …') }))
    .describe('One entry per channel, each with its own measures; only in-person channels count sessions'),
  topics: z.array(z.string()).describe('Chủ đề (vocabulary codes)'),
  topicOther: z.string(),
  sessions: z.number().int().describe('Buổi tuyên truyền trực tiếp'),
  organisingAgency: z.string(),
  participantsTotal: z.number().int(),
  participantsWomen: z.number().int(),
  targetGroups: z.array(z.string()),
  groupSplit: z.record(z.string(), z.number().int().nullable()).describe('Participants per target group where split; null or absent: not split'),
  notes: z.string(),
  version: z.number().int(),
});

// ——— summary and victim support ———

const shownCount = z.union([z.number().int(), z.string()]).describe('A count; victim counts of 1–4 are "<5" and a total over hidden cells "≥N"');
const figuresSchema = z.object({
  rounds: z.number(),
  venuesChecked: z.number(),
  reportsApproved: z.number(),
  reportsPending: z.number(),
  violations: z.number(),
  byCategory: z.record(z.string(), z.number()),
  critical: z.number(),
  criticalReferred: z.number(),
  followUpsOpen: z.number(),
  followUpsOverdue: z.number(),
  followUpsDone: z.number(),
  followUpsVerified: z.number(),
  fines: z.number(),
  fineTotal: z.number().describe('Whole VND'),
  staffCounselled: z.number(),
  outreachSessions: z.number(),
  participants: z.number(),
  women: z.number(),
  victimsReturned: shownCount,
  victimsSupported: shownCount,
  victimsHandedToFamily: shownCount,
});
export const summarySchema = z.object({
  from: isoDate,
  to: isoDate,
  level: z.enum(['district', 'commune']),
  campaignId: id.nullable(),
  rows: z.array(z.object({ area: areaSchema, figures: figuresSchema })),
  total: figuresSchema,
});
export const summaryQuery = z.object({
  from: z.string().max(20).optional().describe('YYYY-MM-DD or dd/mm/yyyy; default 1 January of this year'),
  to: z.string().max(20).optional().describe('Default today'),
  campaign: z.string().max(20).optional().describe('Campaign id'),
  level: z.string().max(20).optional().describe('district (default) or commune'),
});

export const victimRecordSchema = z.object({
  id,
  area: areaSchema.nullable(),
  year: z.number().int().nullable(),
  quarter: z.number().int().nullable(),
  periodStart: isoDate,
  periodEnd: isoDate,
  isSample: z.boolean(),
  cells: z.record(z.string(), shownCount).describe('measure-sex-age → count (e.g. returned-female-child), small cells as "<5"'),
  totals: z.object({ returned: shownCount, supported: shownCount, handedToFamily: shownCount }),
  version: z.number().int(),
});

// ——— supervision and recommendations (giám sát, kiến nghị) ———

export const supervisionRecordSchema = z.object({
  id,
  roundId: id,
  area: areaSchema.nullable().describe('Địa bàn được giám sát'),
  authority: z.string().describe('Cơ quan được giám sát, e.g. "UBND huyện Sông Mã"'),
  visitDate: isoDate.describe('Ngày giám sát'),
  status: z.enum(supervisionStatuses).describe('draft → submitted → approved (or returned)'),
  notMetCount: z.number().int().describe('Số tiêu chí chưa đạt'),
  figuresFrom: isoDate,
  figuresTo: isoDate,
  amendsId: id.nullable().describe('The approved record this one amends'),
  supersededById: id.nullable(),
  submittedAt: moment.nullable(),
  reviewedAt: moment.nullable(),
  version: z.number().int(),
  createdAt: moment,
  updatedAt: moment,
});
export const supervisionRecordDetailSchema = supervisionRecordSchema.extend({
  round: z.object({ id, title: z.string(), startDate: isoDate, endDate: isoDate }),
  place: z.string().describe('Địa điểm'),
  authorityPresent: z.string().describe('Thành phần cơ quan được giám sát'),
  teamPresent: z.array(z.string()).describe('Thành phần đoàn giám sát có mặt'),
  checklist: z.object({ id, code: z.string(), version: z.number().int() }),
  answers: z
    .array(z.object({ itemCode: z.string(), text: z.string(), answer: z.enum(supervisionAnswers).nullable().describe('đạt / chưa đạt / không áp dụng'), note: z.string(), figure: z.number().int().nullable().describe('Số liệu của tiêu chí') }))
    .describe('One entry per checklist item that applies to the area\'s level'),
  strengths: z.string().describe('Kết luận: ưu điểm'),
  difficulties: z.string().describe('Kết luận: tồn tại, khó khăn'),
  reviewComment: z.string(),
  recommendationIds: z.array(id).describe('Kiến nghị của biên bản: see /api/v1/recommendations/{id}'),
});

export const recommendationSchema = z.object({
  id,
  recordId: id.describe('The supervision record that made it'),
  roundId: id,
  area: areaSchema.nullable().describe('Địa bàn được giám sát'),
  body: z.string().describe('Nội dung kiến nghị'),
  addressee: z.string().describe('Cơ quan được kiến nghị (as written)'),
  addresseeAreaId: id.nullable(),
  dueDate: isoDate.describe('Thời hạn'),
  status: z.enum(recommendationStatuses).describe('open → in_progress → done → verified'),
  overdue: z.boolean().describe('Open or in progress past its due date (today in Vietnam)'),
  doneAt: moment.nullable(),
  verifiedAt: moment.nullable(),
  verificationNote: z.string(),
  version: z.number().int(),
});
export const recommendationDetailSchema = recommendationSchema.extend({
  comments: z.array(z.object({ id, userId: id.nullable(), body: z.string(), createdAt: moment })).describe('Ghi chú tiến độ'),
});

// ——— periodic reports (báo cáo định kỳ) ———

const narrativeSchema = z.object({
  assessment: z.string().describe('Đánh giá chung'),
  difficulties: z.string().describe('Khó khăn, vướng mắc'),
  proposals: z.string().describe('Đề xuất, kiến nghị'),
  nextTasks: z.string().describe('Nhiệm vụ thời gian tới'),
});
export const periodicReportSchema = z.object({
  id,
  period: z.object({ id, kind: z.enum(reportingPeriodKinds), title: z.string(), periodStart: isoDate, periodEnd: isoDate, campaignId: id.nullable() }).nullable(),
  area: areaSchema.nullable(),
  edition: z.number().int().describe('1 is the report; 2, 3 … corrected editions'),
  status: z.enum(periodicReportStatuses).describe('draft → submitted → accepted (or returned)'),
  submittedAt: moment.nullable(),
  reviewedAt: moment.nullable(),
  replacedById: id.nullable().describe('The corrected edition that replaced this one'),
  version: z.number().int(),
  updatedAt: moment,
});
export const periodicReportDetailSchema = periodicReportSchema.extend({
  narrative: narrativeSchema.describe('As saved now (a draft may still change)'),
  correctionReason: z.string(),
  returnComment: z.string(),
  snapshot: z
    .object({
      frozenAt: moment,
      edition: z.number().int(),
      submittedBy: z.string(),
      sections: z.array(
        z.object({
          key: z.string(),
          figures: z.array(z.object({ key: z.string(), label: z.string().describe('Message code of the label, or its own words'), value: shownCount, unit: z.enum(['count', 'vnd']), victim: z.boolean() })),
        }),
      ),
      narrative: narrativeSchema,
    })
    .nullable()
    .describe('Everything the report said when it was last submitted, frozen and never recomputed; null while never submitted. Victim figures follow the small-cell rule.'),
});
export const periodicReportsQuery = z.object({
  period: z.coerce.number().int().positive().optional().describe('Reporting period id'),
  area: z.coerce.number().int().positive().optional().describe('Area id: the area and the areas within it'),
  status: z.enum(periodicReportStatuses).optional(),
  cursor: cursorQuery.shape.cursor,
});

// ——— situations watched (theo dõi tình hình) ———

export const monitoringRecordSchema = z.object({
  id,
  area: areaSchema.nullable(),
  periodKind: z.enum(monitoringPeriodKinds),
  year: z.number().int(),
  periodNumber: z.number().int().describe('Month 1–12 or quarter 1–4'),
  periodStart: isoDate,
  periodEnd: isoDate,
  counts: z.record(z.string(), shownCount).describe('Category → count, small cells as "<5"'),
  version: z.number().int(),
});
