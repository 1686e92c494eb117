import type { AppDatabase } from '../../../db/client.js';
import { inTransaction } from '../../../db/transaction.js';
import { bodyAbbreviation, type AdminDocument } from '../../lib/admin-document/index.js';
import { formatDate, nowIso, todayInVietnam } from '../../lib/dates.js';
import { ConflictError, StateError } from '../../lib/errors.js';
import { vocabularyLabel } from '../../lib/vocabulary.js';
import type { AreaCatalog } from '../../areas/index.js';
import type { Actor } from '../../access/actor.js';
import { scopeIncludes } from '../../access/scope.js';
import { diff, type AuditService, type Snapshot } from '../audit/index.js';
import type { RoundsService } from '../rounds/index.js';
import type { RoundAreaFigures, SummaryService } from '../summaries/index.js';
import { buildRoundResultDocument, type SupervisionAreaResult, type VenueCheckFigures } from './documents.builder.js';
import { documentsRepository, type ResultDocumentRow, type ResultDocumentWrite } from './documents.repository.js';
import type { ResultDetailsInput, ResultFormValues } from './documents.schemas.js';

export interface DocumentsServiceDeps {
  db: AppDatabase;
  catalog: AreaCatalog;
  audit: AuditService;
  rounds: RoundsService;
  summaries: SummaryService;
  /** The round's approved supervision records, per area (the service checks no person: scope is applied here). */
  supervision: { resultForRound(roundId: number, locale: 'vi'): SupervisionAreaResult[] };
  now?: () => Date;
}

type Round = ReturnType<RoundsService['getRound']>;

/** The result document's details: saved, or the defaults a head starts from; `version` 0 when never saved. */
export interface ResultDetails extends ResultDetailsInput {
  version: number;
  saved: boolean;
}

function toWrite(input: ResultDetailsInput): ResultDocumentWrite {
  return {
    parentBody: input.parentBody,
    issuingBody: input.issuingBody,
    number: input.number,
    symbol: input.symbol,
    place: input.place,
    documentDate: input.documentDate,
    summary: input.summary,
    addressees: input.addressees.join('\n'),
    authority: input.authority.join('\n'),
    signerPosition: input.signerPosition,
    signerName: input.signerName,
    recipients: input.recipients.join('\n'),
    archive: input.archive,
  };
}

function fromRow(row: ResultDocumentRow): ResultDetails {
  const lines = (text: string) => text.split('\n').filter(Boolean);
  return {
    parentBody: row.parentBody,
    issuingBody: row.issuingBody,
    number: row.number,
    symbol: row.symbol,
    place: row.place,
    documentDate: row.documentDate,
    summary: row.summary,
    addressees: lines(row.addressees),
    authority: lines(row.authority),
    signerPosition: row.signerPosition,
    signerName: row.signerName,
    recipients: lines(row.recipients),
    archive: row.archive,
    version: row.version,
    saved: true,
  };
}

function snapshot(details: ResultDetailsInput): Snapshot {
  const write = toWrite(details);
  return { ...write, number: write.number };
}

/**
 * The result document of a completed round ("Báo cáo kết quả kiểm tra, giám sát"): its details, kept per round
 * with a version and audited, and its content built from the round's records in the reader's scope.
 */
export function documentsService({ db, catalog, audit, rounds, summaries, supervision, now = () => new Date() }: DocumentsServiceDeps) {
  const repository = documentsRepository(db);

  /** The round as this person may see it (404 otherwise), refused with its reason unless completed. */
  function completedRound(actor: Actor, roundId: number): Round {
    const round = rounds.getRound(actor, roundId);
    if (round.status !== 'completed') throw new StateError({ key: 'documents.notCompleted' });
    return round;
  }

  /** The province's name as a place is written: "Sơn La", not "Tỉnh Sơn La". */
  function provincePlace(): string {
    return catalog.province.name.replace(/^(tỉnh|thành phố)\s+/i, '');
  }

  function defaults(round: Round): ResultDetails {
    const issuingBody = `ỦY BAN NHÂN DÂN ${catalog.province.name.toLocaleUpperCase('vi')}`;
    const abbreviation = bodyAbbreviation(issuingBody);
    return {
      parentBody: '',
      issuingBody,
      number: null,
      symbol: `BC-${abbreviation}`,
      place: provincePlace(),
      documentDate: todayInVietnam(now()),
      summary: `Kết quả kiểm tra, giám sát công tác phòng, chống mua bán người năm ${round.endDate.slice(0, 4)}`,
      addressees: [],
      authority: ['TM. ỦY BAN NHÂN DÂN'],
      signerPosition: 'CHỦ TỊCH',
      signerName: '',
      recipients: round.areas.map((area) => `UBND ${area.name.charAt(0).toLocaleLowerCase('vi')}${area.name.slice(1)}`),
      archive: `VT, ${abbreviation}`,
      version: 0,
      saved: false,
    };
  }

  function detailsOf(round: Round): ResultDetails {
    const row = repository.findByRound(round.id);
    return row ? fromRow(row) : defaults(round);
  }

  /** The round's areas this person sees, each with the venue checks recorded in it or in the units formed from it. */
  function areaChecks(actor: Actor, round: Round, recorded: RoundAreaFigures[]): Array<{ areaId: number; areaName: string; checks: VenueCheckFigures }> {
    const visible = round.areas.filter((area) => scopeIncludes(actor.scope, area.id));
    const empty = (): VenueCheckFigures => ({ venuesChecked: 0, reportsApproved: 0, violations: 0, byCategory: {}, critical: 0, criticalReferred: 0 });
    const byArea = new Map(visible.map((area) => [area.id, empty()]));
    const add = (target: VenueCheckFigures, figures: RoundAreaFigures) => {
      target.venuesChecked += figures.venuesChecked;
      target.reportsApproved += figures.reportsApproved;
      target.violations += figures.violations;
      target.critical += figures.critical;
      target.criticalReferred += figures.criticalReferred;
      for (const [code, count] of Object.entries(figures.byCategory)) target.byCategory[code] = (target.byCategory[code] ?? 0) + count;
    };
    for (const figures of recorded) {
      // A venue's area is the round's area or a unit that overlaps it on the ground (a commune of a district).
      const owner = visible.find((area) => area.id === figures.areaId) ?? visible.find((area) => catalog.relatedAreas(area.id).includes(figures.areaId));
      if (owner) add(byArea.get(owner.id)!, figures);
    }
    return visible.map((area) => ({ areaId: area.id, areaName: area.name, checks: byArea.get(area.id)! }));
  }

  return {
    /** The round and its document's details, for the result page (409 unless the round is completed). */
    resultPage(actor: Actor, roundId: number): { round: Round; details: ResultDetails } {
      const round = completedRound(actor, roundId);
      return { round, details: detailsOf(round) };
    },

    /** The details as the form shows them. */
    formValuesOf(details: ResultDetails): ResultFormValues {
      return {
        parentBody: details.parentBody,
        issuingBody: details.issuingBody,
        number: details.number === null ? '' : String(details.number),
        symbol: details.symbol,
        place: details.place,
        documentDate: formatDate(details.documentDate),
        summary: details.summary,
        addressees: details.addressees.join('\n'),
        authority: details.authority.join('\n'),
        signerPosition: details.signerPosition,
        signerName: details.signerName,
        recipients: details.recipients.join('\n'),
        archive: details.archive,
        version: String(details.version),
      };
    },

    /**
     * Saves the details over the version the form was loaded with (0 for a first save); a stale form is refused
     * with a ConflictError and writes nothing. Audited in the same transaction.
     */
    saveDetails(actor: Actor, roundId: number, input: ResultDetailsInput, expectedVersion: number): void {
      const round = completedRound(actor, roundId);
      inTransaction(db, () => {
        const before = repository.findByRound(roundId);
        const at = nowIso(now());
        if (!before) {
          if (expectedVersion !== 0) throw new ConflictError();
          repository.insert(roundId, toWrite(input), at);
        } else if (before.version !== expectedVersion || !repository.update(roundId, expectedVersion, toWrite(input), at)) {
          throw new ConflictError();
        }
        audit.record(actor, {
          action: before ? 'update' : 'create',
          recordType: 'round_result',
          recordId: roundId,
          changes: diff(before ? snapshot(fromRow(before)) : null, snapshot(input)),
          areaIds: round.areas.map((area) => area.id),
        });
      });
    },

    /** The document, built from the round's records and approved supervision records in this person's scope. */
    resultDocument(actor: Actor, roundId: number): { round: Round; document: AdminDocument } {
      const round = completedRound(actor, roundId);
      const { categories, areas } = summaries.roundFigures(actor, round.id);
      const document = buildRoundResultDocument({
        round: {
          title: round.title,
          decisionNumber: round.decisionNumber,
          startDate: round.startDate,
          endDate: round.endDate,
          leadAgency: round.leadAgency ? vocabularyLabel('agencies', round.leadAgency, 'vi') : '',
          objectives: round.objectives,
          team: round.team.map((member) => ({ fullName: member.fullName, agency: vocabularyLabel('agencies', member.agency, 'vi'), role: vocabularyLabel('team_roles', member.teamRole, 'vi') })),
        },
        areas: areaChecks(actor, round, areas),
        categories,
        // The document is in Vietnamese whatever the reader's language.
        supervision: supervision.resultForRound(round.id, 'vi').filter((result) => scopeIncludes(actor.scope, result.areaId)),
        details: detailsOf(round),
      });
      return { round, document };
    },

    /** A download of the document, in the audit trail as every export is. */
    recordDownload(actor: Actor, round: Round, format: 'pdf' | 'docx'): void {
      inTransaction(db, () =>
        audit.record(actor, { action: 'export', recordType: 'export', recordId: null, changes: { kind: 'roundResult', round: round.id, format }, areaIds: round.areas.map((area) => area.id) }),
      );
    },
  };
}

export type DocumentsService = ReturnType<typeof documentsService>;
