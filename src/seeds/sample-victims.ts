import type { AppDatabase } from '../../db/client.js';
import { readMeta, writeMeta } from '../../db/seed.js';
import { systemActor } from '../access/actor.js';
import type { Services } from '../services.js';

interface Logger {
  info(message: string): void;
}

/**
 * The source of the sample rounds gives one figure about victims: 35 returned in 2021–2025, for the whole province,
 * rescued by the Border Guard with Blue Dragon and other forces and handed to their families. It is kept as it
 * was given, once: a province-level record over 2021–2025 with the total only (no quarter, area, sex or age
 * split, which the source does not give, so none is invented), marked as sample data. Summaries by area leave it
 * out, since it belongs to no area; the list and the record's page show it with its mark.
 */
export function seedSampleVictims(db: AppDatabase, { catalog, victims }: Pick<Services, 'catalog' | 'victims'>, log: Logger): void {
  if (readMeta(db, 'sample_victims')) return;
  if (catalog.province.code !== '14') return; // the sample figure is Sơn La's
  victims.importSampleTotal(systemActor('dữ liệu mẫu'), {
    periodStart: '2021-01-01',
    periodEnd: '2025-12-31',
    note: 'Nguồn: sonla.gov.vn, “Đẩy mạnh tuyên truyền phòng chống mua bán người”. Do Bộ đội Biên phòng tỉnh phối hợp tổ chức Rồng Xanh và các lực lượng giải cứu, đưa về, bàn giao cho gia đình. Nguồn không chia theo năm, địa bàn, giới tính, độ tuổi.',
    cells: { 'returned-unknown-unknown': 35 },
  });
  writeMeta(db, 'sample_victims', new Date().toISOString());
  log.info('Loaded the sample victim-support figure (2021–2025)');
}
