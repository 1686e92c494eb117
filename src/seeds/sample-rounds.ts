import fs from 'node:fs';
import type { AppDatabase } from '../../db/client.js';
import { readMeta, writeMeta } from '../../db/seed.js';
import { systemActor } from '../access/actor.js';
import { projectPath } from '../lib/project-root.js';
import type { Services } from '../services.js';

interface Logger {
  info(message: string): void;
}

interface SampleFile {
  source: string;
  programme: { title: string; basis: string; period: [string, string] };
  what_the_source_says: string;
  rounds_in_source_order: Array<{ n: number; district: string; district_code: string }>;
}

/**
 * Loads the 11 recorded rounds of 2021–2025 as sample history, once. The source gives no dates, so they are
 * spread over March 2021 to May 2025 (before the reform, as the rounds were by district) and marked as sample data.
 */
export function seedSampleRounds(db: AppDatabase, { catalog, rounds, campaigns }: Pick<Services, 'catalog' | 'rounds' | 'campaigns'>, log: Logger): void {
  if (readMeta(db, 'sample_rounds')) return;
  if (catalog.province.code !== '14') return; // the sample history is Sơn La's
  const file = projectPath('db', 'reference', 'rounds-son-la-2021-2025.json');
  const sample = JSON.parse(fs.readFileSync(file, 'utf8')) as SampleFile;
  const count = sample.rounds_in_source_order.length;
  const actor = systemActor('dữ liệu mẫu');
  db.$client.transaction(() => {
    // The programme the rounds belong to (Decision 193/QĐ-TTg), also marked as sample data.
    const programme = campaigns.createCampaign(
      actor,
      {
        title: sample.programme.title,
        planNumber: '193/QĐ-TTg',
        kind: 'inspection_programme',
        startDate: sample.programme.period[0],
        endDate: sample.programme.period[1],
        ownerId: null,
        description: `${sample.programme.basis}. Dữ liệu mẫu: các đợt kiểm tra theo nguồn ${sample.source.replace(/\(article by ([^)]+)\)/, '(bài viết của $1)')}.`,
      },
      { isSample: true, status: 'closed' },
    );
    const campaignId = programme.ok ? programme.value.id : null;
    sample.rounds_in_source_order.forEach((entry, index) => {
      const district = catalog.districts.find((area) => area.code === entry.district_code);
      if (!district) throw new Error(`Sample round ${entry.n}: district ${entry.district_code} is not in the province`);
      const monthsAfterMarch2021 = Math.round((index * 50) / Math.max(1, count - 1));
      const monthIndex = 2 + monthsAfterMarch2021; // 0-based months from January 2021
      const year = 2021 + Math.floor(monthIndex / 12);
      const month = String((monthIndex % 12) + 1).padStart(2, '0');
      const districtName = district.name.charAt(0).toLowerCase() + district.name.slice(1);
      rounds.importSampleRound(
        actor,
        {
          title: `Kiểm tra, giám sát công tác phòng, chống mua bán người tại ${districtName} (đợt ${entry.n})`,
          decisionNumber: '',
          kind: 'planned',
          purpose: 'supervision',
          areaIds: [district.id],
          startDate: `${year}-${month}-10`,
          endDate: `${year}-${month}-12`,
          leadAgency: '',
          objectives: `${sample.programme.title} (${sample.programme.basis}). Nguồn: ${sample.what_the_source_says}`,
          campaignId,
          team: [],
        },
        'completed',
      );
    });
    writeMeta(db, 'sample_rounds', new Date().toISOString());
  })();
  log.info(`Loaded ${count} sample inspection rounds (2021–2025)`);
}
