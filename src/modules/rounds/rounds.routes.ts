import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { roundKinds, roundPurposes, roundStatuses } from '../../../db/schema/index.js';
import { ConflictError, StateError } from '../../lib/errors.js';
import { parseForm, type FieldErrors, type FormResult } from '../../lib/forms.js';
import { idParamsSchema as params } from '../../lib/params.js';
import type { Message } from '../../i18n/index.js';
import type { Actor } from '../../access/actor.js';
import {
  roundAreasDraftSchema,
  roundFormSchema,
  roundInputSchema,
  roundIntentSchema,
  roundListQuerySchema,
  roundOverlapsQuerySchema,
  statusChangeSchema,
  irreversibleStatuses,
  statusFormSchema,
  teamRowQuerySchema,
  MAX_TEAM_ROWS,
  type RoundFormValues,
  type RoundInput,
  type RoundListQuery,
} from './rounds.schemas.js';
import { type RoundDetail, type RoundsService } from './rounds.service.js';

/** The round page lists this many of its reports; the rest are a link to the filtered list away. */
const REPORTS_SHOWN = 50;

const emptyForm: RoundFormValues = {
  title: '',
  decisionNumber: '',
  kind: '',
  purpose: '',
  areaIds: [],
  startDate: '',
  endDate: '',
  leadAgency: '',
  objectives: '',
  team: [],
  version: '',
  campaignId: '',
  submissionKey: '',
};

/** The query string of a list filter, without empty values, for links that keep the filter. */
function listQueryString(query: RoundListQuery, overrides: Partial<Record<keyof RoundListQuery, string | number | undefined>> = {}): string {
  const merged: Record<string, string | number | undefined> = { ...query, ...overrides };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === '' || (key === 'page' && Number(value) === 1)) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The round form's values as typed input. A refused form is also checked against the area rules, so every
 * mistake shows on the first submit.
 */
function parseRound(service: RoundsService, actor: Actor, values: RoundFormValues): FormResult<RoundInput> {
  const parsed = parseForm(roundInputSchema, values);
  if (parsed.ok) return parsed;
  return { ok: false, errors: service.addAreaErrors(actor, roundAreasDraftSchema.parse(values), parsed.errors) };
}

export default async function roundsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = app.services.rounds;
  const checks = app.services.inspections;
  const venues = app.services.venues;
  const campaigns = app.services.campaigns;

  /** The round page: its record, its reports and how far it has got (venues reported of venues in its areas). */
  function showData(request: FastifyRequest, id: number) {
    const round = service.getRound(request.actor, id);
    // Venues registered after the round's last day were not there to check.
    const reported = checks.venueIdsReported(request.actor, id);
    return {
      round,
      reports: checks.reportsFor(request.actor, { roundId: id }, REPORTS_SHOWN + 1),
      progress: { reported: reported.length, total: venues.countForRound(request.actor, round.areas.map((area) => area.id), round.endDate, reported) },
      canFile: checks.canFileInRound(request.actor, id),
      warnings: service.overlapWarnings(request.actor, service.formValuesOf(round), id),
      campaign: round.campaignId ? campaigns.getCampaign(round.campaignId) : null,
      can: service.abilities(request.actor, round),
      supervision: round.purpose === 'venue_check' ? null : app.services.supervision.forRound(request.actor, round),
    };
  }

  function formData(request: FastifyRequest, values: RoundFormValues, errors: FieldErrors, extra: Record<string, unknown>) {
    const filled = values.team.filter((row) => row.fullName.trim() !== '' || row.agency !== '' || row.userId !== '');
    // "Add a member" without htmx: the rows that were on the form, and one more.
    const blankRows = extra.addMember === true ? Math.max(1, Math.min(values.team.length, MAX_TEAM_ROWS) + 1 - filled.length) : Math.max(1, 3 - filled.length);
    const round = typeof extra.round === 'object' && extra.round ? (extra.round as RoundDetail) : null;
    const warnings = service.overlapWarnings(request.actor, values, round ? round.id : null);
    // People already on the round stay pickable when it is edited, whoever edits it.
    const keptUserIds = round ? round.team.flatMap((member) => (member.userId === null ? [] : [member.userId])) : [];
    return {
      values,
      errors,
      teamAccounts: service.teamAccounts(request.actor, keptUserIds),
      campaignOptions: campaigns.options(values.campaignId),
      warnings,
      inForm: true,
      teamRows: [...filled, ...Array.from({ length: blankRows }, () => ({ fullName: '', agency: '', teamRole: 'member', userId: '' }))],
      ...service.areaOptions(request.actor),
      kinds: roundKinds,
      purposes: roundPurposes,
      ...extra,
    };
  }

  /** Re-renders the form with what was typed: the fragment for htmx, the whole page otherwise. */
  function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    page: 'rounds/new' | 'rounds/edit',
    data: ReturnType<typeof formData>,
  ) {
    if (request.isHtmx && request.htmxTarget === 'round-form') return reply.render('rounds/_form', data);
    return reply.render(page, data);
  }

  app.get('/', { config: { permission: 'rounds.read' }, schema: { querystring: roundListQuerySchema } }, async (request, reply) => {
    const query = request.query;
    const page = service.listRounds(request.actor, query);
    const filtered = Boolean(query.q || query.area || query.year || query.status || query.kind || query.purpose || query.from || query.to || query.held || query.campaign);
    const data = {
      page,
      query,
      filtered,
      pageLink: (number: number) => `/rounds${listQueryString(query, { page: number })}`,
    };
    if (request.isHtmx && request.htmxTarget === 'rounds-results') return reply.render('rounds/_results', data);
    return reply.render('rounds/index', {
      ...data,
      ...service.areaOptions(request.actor),
      years: service.yearOptions(request.actor),
      statuses: roundStatuses,
      kinds: roundKinds,
      purposes: roundPurposes,
    });
  });

  app.get('/new', { config: { permission: 'rounds.write' } }, async (request, reply) => {
    return reply.render('rounds/new', formData(request, { ...emptyForm, submissionKey: randomUUID() }, {}, { action: '/rounds' }));
  });

  app.get('/team-row', { config: { permission: 'rounds.write' }, schema: { querystring: teamRowQuerySchema } }, async (request, reply) => {
    const { index } = request.query;
    return reply.render('rounds/_team_row', { row: { fullName: '', agency: '', teamRole: 'member', userId: '' }, index, teamAccounts: service.teamAccounts(request.actor) });
  });

  /** Live warnings while the form is filled in (overlapping round in the area, head of team busy); never blocking. */
  app.get('/overlaps', { config: { permission: 'rounds.write' }, schema: { querystring: roundOverlapsQuerySchema } }, async (request, reply) => {
    const { values, excludeId } = request.query;
    const warnings = service.overlapWarnings(request.actor, values, excludeId);
    return reply.render('rounds/_warnings', { warnings, inForm: true });
  });

  /**
   * What a button other than "Save" asks of the form without JavaScript: "check for overlaps" brings the form
   * back with its warnings, "add a member" with one more team row; nothing is saved.
   */
  function formIntent(request: FastifyRequest): Record<string, unknown> | null {
    const { intent } = roundIntentSchema.parse(request.body ?? {});
    if (intent === 'check') return { overlapsChecked: true };
    if (intent === 'addMember') return { addMember: true };
    return null;
  }

  app.post('/', { config: { permission: 'rounds.write' } }, async (request, reply) => {
    const values = roundFormSchema.parse(request.body ?? {});
    const intent = formIntent(request);
    if (intent) return renderForm(request, reply, 'rounds/new', formData(request, values, {}, { action: '/rounds', ...intent }));
    const earlier = service.createdWith(request.actor, values.submissionKey);
    if (earlier !== undefined) return reply.flash('rounds.created').seeOther(`/rounds/${earlier}`);
    const parsed = parseRound(service, request.actor, values);
    const result = parsed.ok ? service.createRound(request.actor, parsed.value, values.submissionKey) : parsed;
    if (!result.ok) return renderForm(request, reply.code(422), 'rounds/new', formData(request, values, result.errors, { action: '/rounds' }));
    return reply.flash('rounds.created').seeOther(`/rounds/${result.value.id}`);
  });

  app.get('/:id', { config: { permission: 'rounds.read' }, schema: { params } }, async (request, reply) => {
    return reply.render('rounds/show', showData(request, request.params.id));
  });

  app.get('/:id/edit', { config: { permission: 'rounds.write' }, schema: { params } }, async (request, reply) => {
    const round = service.getRound(request.actor, request.params.id);
    if (!service.abilities(request.actor, round).edit) return reply.renderError(409, { key: 'rounds.readOnly' });
    return reply.render('rounds/edit', formData(request, service.formValuesOf(round), {}, { action: `/rounds/${round.id}`, round }));
  });

  app.post('/:id', { config: { permission: 'rounds.write' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const values = roundFormSchema.parse(request.body ?? {});
    const intent = formIntent(request);
    if (intent) return renderForm(request, reply, 'rounds/edit', formData(request, values, {}, { action: `/rounds/${id}`, round: service.getRound(request.actor, id), ...intent }));
    try {
      service.editableRound(request.actor, id);
      const parsed = parseRound(service, request.actor, values);
      const result = parsed.ok ? service.updateRound(request.actor, id, parsed.value, Number(values.version)) : parsed;
      if (!result.ok) {
        const round = service.getRound(request.actor, id);
        return renderForm(request, reply.code(422), 'rounds/edit', formData(request, values, result.errors, { action: `/rounds/${id}`, round }));
      }
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Keep what this person typed, show that someone else saved first, and let them save over it knowingly.
      const round = service.getRound(request.actor, id);
      const conflict: Message = error.userMessage;
      const conflictDetails = service.conflictDetails(request.actor, id, values);
      return renderForm(
        request,
        reply.code(409),
        'rounds/edit',
        formData(request, { ...values, version: String(round.version) }, {}, { action: `/rounds/${id}`, round, conflict, conflictDetails }),
      );
    }
    return reply.flash('rounds.updated').seeOther(`/rounds/${id}`);
  });

  app.post('/:id/status', { config: { permission: 'rounds.write' }, schema: { params } }, async (request, reply) => {
    const { id } = request.params;
    const form = statusFormSchema.parse(request.body ?? {});
    const parsed = statusChangeSchema.safeParse(form);
    if (!parsed.success) {
      service.getRound(request.actor, id); // 404 before 400 for a round that does not exist
      return reply.renderError(400);
    }
    const change = parsed.data;
    if (irreversibleStatuses.includes(change.to) && form.confirm !== 'yes') {
      const round = service.getRound(request.actor, id);
      // Asked only when the change could happen; anything else goes on to be refused with its reason.
      if (service.abilities(request.actor, round).changeStatus && round.nextStatuses.includes(change.to)) {
        return reply.render('confirm/show', {
          question: request.t(change.to === 'completed' ? 'rounds.completeConfirm' : 'rounds.cancelConfirm'),
          record: round.title,
          action: `/rounds/${id}/status`,
          fields: { to: change.to, note: form.note, version: form.version ?? '' },
          confirmLabel: request.t(change.to === 'completed' ? 'action.completed' : 'rounds.cancelSubmit'),
          back: `/rounds/${id}`,
        });
      }
    }
    try {
      service.changeStatus(request.actor, id, change);
    } catch (error) {
      if (!(error instanceof ConflictError) && !(error instanceof StateError)) throw error;
      // Show the round as it is now, with why the change was refused, instead of a dead-end error page.
      return reply.code(409).render('rounds/show', { ...showData(request, id), alert: error.userMessage });
    }
    return reply.flash('rounds.statusChanged').seeOther(`/rounds/${id}`);
  });
}
