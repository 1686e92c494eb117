import { z } from 'zod';
import { roundKinds, roundPurposes, roundStatuses, teamRoles, type RoundKind, type RoundPurpose, type RoundStatus, type TeamRole } from '../../../db/schema/index.js';
import { parseDateInput } from '../../lib/dates.js';
import { formList, formText } from '../../lib/forms.js';
import { cleanText } from '../../lib/text.js';
import { vocabularyCodes } from '../../lib/vocabulary.js';

export const MAX_TEAM_SIZE = 50;
/**
 * Team rows read from a form, blank ones included (the form adds blank rows, so this is above the team size).
 * A form with more is refused as too large a team before any row is looked at, and only this many are kept to
 * show it again.
 */
export const MAX_TEAM_ROWS = 100;

/** What the round form holds, exactly as typed: re-rendered on an error so nothing is lost. */
export interface RoundFormValues {
  title: string;
  decisionNumber: string;
  kind: string;
  /** supervision, venue_check or both ('' from a form without the field: venue checks, as rounds were before). */
  purpose: string;
  areaIds: string[];
  startDate: string;
  endDate: string;
  leadAgency: string;
  objectives: string;
  team: Array<{ fullName: string; agency: string; teamRole: string; userId: string }>;
  version: string;
  campaignId: string;
  /** One-time key of a new-round form, so a double click creates one round. */
  submissionKey: string;
}

/** The round form's fields as posted (team fields come once per row). */
const roundFormFields = z.object({
  title: formText,
  decisionNumber: formText,
  kind: formText,
  purpose: formText,
  areaIds: formList,
  startDate: formText,
  endDate: formText,
  leadAgency: formText,
  objectives: formText,
  teamName: formList,
  teamAgency: formList,
  teamRole: formList,
  teamUser: formList,
  version: formText,
  campaignId: formText,
  submissionKey: formText,
});

function toRoundFormValues(form: z.infer<typeof roundFormFields>): RoundFormValues {
  // One row more than allowed is kept so that the rules see the team is too large.
  const rowCount = Math.min(Math.max(form.teamName.length, form.teamAgency.length, form.teamRole.length, form.teamUser.length), MAX_TEAM_ROWS + 1);
  const team = Array.from({ length: rowCount }, (_, index) => ({
    fullName: form.teamName[index] ?? '',
    agency: form.teamAgency[index] ?? '',
    teamRole: form.teamRole[index] ?? '',
    userId: form.teamUser[index] ?? '',
  }));
  return {
    title: form.title,
    decisionNumber: form.decisionNumber,
    kind: form.kind,
    purpose: form.purpose,
    areaIds: form.areaIds,
    startDate: form.startDate,
    endDate: form.endDate,
    leadAgency: form.leadAgency,
    objectives: form.objectives,
    team,
    version: form.version,
    campaignId: form.campaignId,
    submissionKey: form.submissionKey,
  };
}

/** Reads a posted round form into its values; any shape of body gives the values, never an error. */
export const roundFormSchema = roundFormFields.transform(toRoundFormValues);

/**
 * The form's other buttons without JavaScript: `intent=check` ("check for overlaps") brings the form back with its
 * warnings, `intent=addMember` with one more team row; nothing is saved.
 */
export const roundIntentSchema = z.object({ intent: formText });
export type RoundIntent = z.infer<typeof roundIntentSchema>;

/** /rounds/overlaps: the form being filled in, as a query, and the round being edited (left out of its own clashes). */
export const roundOverlapsQuerySchema = roundFormFields.extend({ roundId: formText }).transform((form) => ({
  values: toRoundFormValues(form),
  excludeId: /^\d{1,9}$/.test(form.roundId) ? Number(form.roundId) : null,
}));
export type RoundOverlapsQuery = z.infer<typeof roundOverlapsQuerySchema>;

/** /rounds/team-row?index=: one more blank team row, numbered after the others. */
export const teamRowQuerySchema = z.object({ index: z.coerce.number().int().min(0).max(100).catch(0) });
export type TeamRowQuery = z.infer<typeof teamRowQuerySchema>;

/**
 * The areas and dates of a form whose fields were refused, as far as they read: the area rules are checked on
 * them too, so every mistake shows on the first submit.
 */
export const roundAreasDraftSchema = z
  .object({ areaIds: z.array(z.string()), startDate: z.string(), endDate: z.string() })
  .transform((values) => ({
    areaIds: [...new Set(values.areaIds.filter((id) => /^\d{1,9}$/.test(id)).map(Number))],
    startDate: parseDateInput(values.startDate),
    endDate: parseDateInput(values.endDate),
  }));
export type RoundAreasDraft = z.infer<typeof roundAreasDraftSchema>;

const dateField = z
  .string()
  .trim()
  .min(1, 'errors.date.required')
  .transform((value, ctx) => {
    const parsed = parseDateInput(value);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: 'errors.date.invalid' });
      return z.NEVER;
    }
    if (parsed < '2000-01-01' || parsed > '2100-12-31') {
      ctx.addIssue({ code: 'custom', message: 'errors.date.outOfRange' });
      return z.NEVER;
    }
    return parsed;
  });

/** The rules a round's own fields follow; the area rules need the province's units and live in the service. */
export const roundInputSchema = z
  .object({
    title: z.string().transform(cleanText).pipe(z.string().min(1, 'errors.title.required').max(200, 'errors.title.tooLong')),
    decisionNumber: z.string().transform(cleanText).pipe(z.string().max(100, 'errors.decisionNumber.tooLong')),
    kind: z.enum(roundKinds, 'errors.kind.invalid'),
    purpose: z
      .string()
      .transform((value) => value || 'venue_check')
      .pipe(z.enum(roundPurposes, 'errors.round.purpose')),
    areaIds: z
      .array(z.string())
      .transform((ids) => [...new Set(ids.filter((id) => /^\d{1,9}$/.test(id)).map(Number))])
      .pipe(z.array(z.number()).min(1, 'errors.areas.required')),
    startDate: dateField,
    endDate: dateField,
    leadAgency: z.string().refine((code) => vocabularyCodes('agencies').includes(code), 'errors.leadAgency.invalid'),
    objectives: z.string().trim().max(5000, 'errors.objectives.tooLong'),
    campaignId: z
      .string()
      .trim()
      .refine((value) => value === '' || /^\d{1,9}$/.test(value), 'errors.outreach.campaign')
      .transform((value) => (value === '' ? null : Number(value))),
    team: z.array(z.object({ fullName: z.string(), agency: z.string(), teamRole: z.string(), userId: z.string() })).transform((rows, ctx) => {
      // Too large a team is refused before any row is read, so a huge form costs nothing more than its size.
      if (rows.length > MAX_TEAM_ROWS) {
        ctx.addIssue({ code: 'custom', message: 'errors.team.tooMany' });
        return z.NEVER;
      }
      const filled = rows
        .map((row) => ({
          fullName: cleanText(row.fullName),
          agency: row.agency.trim(),
          teamRole: row.teamRole.trim(),
          userId: /^\d{1,9}$/.test(row.userId.trim()) ? Number(row.userId.trim()) : null,
        }))
        .filter((row) => row.fullName !== '' || row.agency !== '' || row.userId !== null);
      if (filled.length > MAX_TEAM_SIZE) {
        ctx.addIssue({ code: 'custom', message: 'errors.team.tooMany' });
        return z.NEVER;
      }
      const agencies = vocabularyCodes('agencies');
      filled.forEach((row, index) => {
        const params = { row: index + 1 };
        if (row.fullName === '' && row.userId === null) ctx.addIssue({ code: 'custom', message: 'errors.team.nameRequired', params });
        if (row.fullName.length > 120) ctx.addIssue({ code: 'custom', message: 'errors.team.nameTooLong', params });
        if (!agencies.includes(row.agency)) ctx.addIssue({ code: 'custom', message: 'errors.team.agencyInvalid', params });
        if (!(teamRoles as readonly string[]).includes(row.teamRole)) {
          ctx.addIssue({ code: 'custom', message: 'errors.team.roleInvalid', params });
        }
      });
      return filled as Array<{ fullName: string; agency: string; teamRole: TeamRole; userId: number | null }>;
    }),
  })
  .superRefine((round, ctx) => {
    if (round.startDate && round.endDate && round.endDate < round.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'errors.endBeforeStart' });
    }
  });

export type RoundInput = z.infer<typeof roundInputSchema>;

/** Filters of the rounds list; a value that makes no sense is dropped rather than refused, so old links still open. */
export const roundListQuerySchema = z.object({
  q: z.string().catch('').default('').transform((value) => value.slice(0, 200)),
  area: z.coerce.number().int().positive().optional().catch(undefined),
  year: z.coerce.number().int().min(1900).max(2199).optional().catch(undefined),
  status: z.enum(roundStatuses).optional().catch(undefined),
  kind: z.enum(roundKinds).optional().catch(undefined),
  purpose: z.enum(roundPurposes).optional().catch(undefined),
  /** Start date within a period (dd/mm/yyyy), as the summaries count rounds. */
  from: z.string().max(20).optional().catch(undefined),
  to: z.string().max(20).optional().catch(undefined),
  /** Only rounds held (in progress or completed). */
  held: z.enum(['1']).optional().catch(undefined),
  campaign: z.coerce.number().int().positive().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type RoundListQuery = z.infer<typeof roundListQuerySchema>;

/** The status form as typed; a version left out (an older page) is not checked. */
export const statusFormSchema = z.object({
  to: formText,
  note: formText,
  /** "yes" once the person has confirmed an irreversible change (the confirmation step, or the dialog with JavaScript). */
  confirm: formText,
  version: z
    .unknown()
    .optional()
    .transform((value) => (value === undefined ? undefined : formText.parse(value))),
});
export type StatusFormValues = z.infer<typeof statusFormSchema>;

/** A status change asked for; anything that does not read answers 400 (the page sends only valid values). */
export const statusChangeSchema = z.object({
  to: z.enum(roundStatuses),
  note: z.string().trim().max(1000, 'errors.note.tooLong'),
  version: z.coerce.number().int().positive().optional(),
});
export type StatusChangeInput = z.infer<typeof statusChangeSchema>;

/** Changes that cannot be undone: asked for confirmation before they are made. */
export const irreversibleStatuses: RoundStatus[] = ['completed', 'cancelled'];

/** The transitions a round's status may take; anything else is refused. */
export const statusTransitions: Record<RoundStatus, RoundStatus[]> = {
  planned: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export type { RoundKind, RoundPurpose, RoundStatus, TeamRole };
