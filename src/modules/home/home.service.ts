import type { AppDatabase } from '../../../db/client.js';
import type { Actor } from '../../access/actor.js';
import { can } from '../../access/permissions.js';
import { inspectionsRepository } from '../inspections/index.js';
import { roundsRepository } from '../rounds/index.js';
import type { AuditService } from '../audit/index.js';
import type { FindingsService } from '../findings/index.js';
import type { FollowUpsService } from '../findings/index.js';
import type { ModelsService } from '../models/index.js';
import type { SupervisionService } from '../supervision/index.js';

/** What each role's home page shows: the work waiting for that person, each count linking to its list. */
export function homeService({ db, audit, findings, followUps, models, supervision }: { db: AppDatabase; audit: AuditService; findings: FindingsService; followUps: FollowUpsService; models: ModelsService; supervision: SupervisionService }) {
  const rounds = roundsRepository(db);
  const checks = inspectionsRepository(db);

  return {
    forActor(actor: Actor) {
      const counts = rounds.countByStatus(actor.scope);
      const base = { roundCounts: counts, roundTotal: Object.values(counts).reduce((sum, count) => sum + count, 0) };
      const myRounds = actor.userId !== null && can(actor.role, 'checks.file') ? rounds.openForUser(actor.userId, actor.scope) : [];
      const inspector =
        actor.userId !== null && can(actor.role, 'checks.file')
          ? {
              drafts: checks.count({ scope: actor.scope, inspectorId: actor.userId, status: 'draft' }),
              returned: checks.count({ scope: actor.scope, inspectorId: actor.userId, status: 'returned' }),
              // The rounds under way, and apart from them those still to come (soonest first).
              roundsInProgress: myRounds.filter((round) => round.status === 'in_progress'),
              roundsPlanned: myRounds.filter((round) => round.status === 'planned').reverse(),
              followUps: followUps.countMineDue(actor),
            }
          : null;
      const head = can(actor.role, 'checks.review')
        ? {
            awaitingReview: checks.count({ scope: actor.scope, status: 'submitted' }),
            unreferred: findings.listFindings(actor, { referral: 'pending', page: 1 }),
            overdueByArea: followUps.overdueByArea(actor),
            idleModels: models.idleCount(actor),
          }
        : null;
      const auditor = can(actor.role, 'audit.read') ? { latestExports: audit.list(actor, { recordType: 'export' }, 1).items.slice(0, 5) } : null;
      // Recommendations of supervision records: a head's area, or the rounds whose team lists this person.
      const recommendations = supervision.homeRecommendations(actor);
      return { ...base, inspector, head, auditor, recommendations };
    },
  };
}
