import type { FastifyInstance } from 'fastify';
import { systemActor } from '../../src/modules/auth/actor.js';
import { roundsService } from '../../src/modules/rounds/rounds.service.js';
import type { RoundFormValues } from '../../src/modules/rounds/rounds.schemas.js';

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
export function createRound(app: FastifyInstance, values: Partial<RoundFormValues> = {}): number {
  const service = roundsService({ db: app.db, catalog: app.catalog, now: app.now });
  const result = service.createRound(systemActor('test'), {
    title: 'Đợt kiểm tra',
    decisionNumber: '',
    kind: 'planned',
    areaIds: [String(district(app, 'Bắc Yên').id)],
    startDate: '2025-03-10',
    endDate: '2025-03-12',
    leadAgency: 'police',
    objectives: '',
    team: [],
    version: '',
    submissionKey: '',
    ...values,
  });
  if (!result.ok) throw new Error(`invalid factory round: ${JSON.stringify(result.errors)}`);
  return result.value.id;
}
