import type { AppDatabase } from '../db/client.js';
import type { AppConfig } from './config.js';
import { nowIso } from './lib/dates.js';
import { auditService } from './modules/audit/index.js';
import { buildAreaCatalog } from './areas/index.js';
import { authService, secretsRepository } from './modules/auth/index.js';
import { campaignsService } from './modules/campaigns/index.js';
import { checklistsService } from './modules/checklists/index.js';
import { documentsService } from './modules/documents/index.js';
import { findingsService } from './modules/findings/index.js';
import { requestKeysService } from './modules/form-keys/index.js';
import { followUpsService } from './modules/findings/index.js';
import { homeService } from './modules/home/index.js';
import { inspectionsService } from './modules/inspections/index.js';
import { offlineService } from './modules/offline/index.js';
import { outreachService } from './modules/outreach/index.js';
import { periodicReportsService } from './modules/periodic-reports/index.js';
import { roundsService } from './modules/rounds/index.js';
import { summaryService } from './modules/summaries/index.js';
import { tokensService } from './modules/tokens/index.js';
import { supervisionService } from './modules/supervision/index.js';
import { usersService } from './modules/users/index.js';
import { venuesService } from './modules/venues/index.js';
import { victimsService } from './modules/victims/index.js';
import { webhookDispatcher, webhooksService } from './modules/webhooks/index.js';
import { modelsService } from './modules/models/index.js';
import { monitoringService } from './modules/monitoring/index.js';
import { propagandistsService } from './modules/propagandists/index.js';

export interface ServiceContext {
  db: AppDatabase;
  config: AppConfig;
  /** The clock every service reads, replaceable in tests. */
  now: () => Date;
}

/**
 * The composition root: every service is built here once, in dependency order, with the database and the
 * clock, and handed to routes (`app.services`) and plugins. Nothing else constructs a service.
 */
export function buildServices({ db, config, now }: ServiceContext) {
  const catalog = buildAreaCatalog(db, config.PROVINCE_CODE);
  const dataDir = config.DATA_DIR;
  const audit = auditService(db, now);
  const checklists = checklistsService({ db, audit, now });
  const users = usersService({ db, catalog, audit, now });
  const auth = authService({ db, catalog, audit, now, idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS });
  const findings = findingsService({ db, catalog, audit, checklists, now });
  const followUps = followUpsService({ db, catalog, dataDir, audit, findings, now });
  const inspections = inspectionsService({ db, catalog, dataDir, audit, checklists, findings, now });
  const venues = venuesService({ db, catalog, audit, now });
  const rounds = roundsService({ db, catalog, audit, now });
  const campaigns = campaignsService({ db, catalog, audit, now });
  const outreach = outreachService({ db, catalog, audit, now });
  const victims = victimsService({ db, catalog, audit, now });
  const tokens = tokensService({ db, catalog, audit, now });
  const models = modelsService({ db, catalog, audit, now });
  const monitoring = monitoringService({ db, catalog, audit, now });
  const propagandists = propagandistsService({ db, catalog, audit, now });
  const summaries = summaryService({ db, catalog, checklists, now });
  const supervision = supervisionService({ db, catalog, audit, checklists, now });
  const documents = documentsService({ db, catalog, audit, rounds, summaries, supervision, now });
  const periodicReports = periodicReportsService({ db, catalog, audit, summaries, now });
  const home = homeService({ db, audit, findings, followUps, models, supervision });
  const requestKeys = requestKeysService({ db, now });
  const offline = offlineService({ rounds, venues, inspections, checklists, now });
  const webhooks = webhooksService({ db, catalog, audit, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, now });
  const webhookDelivery = webhookDispatcher({ db, catalog, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE });
  const secrets = { csrfKey: secretsRepository(db).getOrCreate('csrf', nowIso(now())) };
  return { catalog, audit, checklists, users, auth, findings, followUps, inspections, venues, rounds, campaigns, outreach, victims, summaries, documents, home, requestKeys, offline, tokens, webhooks, webhookDelivery, models, monitoring, propagandists, supervision, periodicReports, secrets };
}

export type Services = ReturnType<typeof buildServices>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every service, built once by the composition root. */
    services: Services;
    /** The province's administrative units, read once at start. */
    catalog: Services['catalog'];
  }
}
