import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Jimp } from 'jimp';
import { buildTestApp, htmxHeaders, type TestApp } from '../helpers/app.js';
import { loginAs, type SignedInClient } from '../helpers/auth.js';
import { createReport, createRoundWithTeam, createVenue } from '../helpers/factories.js';
import { html, textOf } from '../helpers/html.js';

// In a file of its own: the first photos a fresh server handles are the ones that raced past the limit.
let test: TestApp;
let inspector: SignedInClient;
let checkId: number;

beforeAll(async () => {
  test = await buildTestApp({ now: () => new Date('2025-03-12T03:00:00Z') });
  inspector = await loginAs(test.app, 'inspector');
  const roundId = createRoundWithTeam(test.app, [inspector.user.id]);
  const venueId = createVenue(test.app, { name: 'Nhà nghỉ Bình Minh', kind: 'lodging' });
  checkId = createReport(test.app, { roundId, venueId, inspectorId: inspector.user.id });
});
afterAll(async () => {
  await test.close();
});

const uploadDir = () => path.join(test.config.DATA_DIR, 'uploads');

describe('the attachment limit', () => {
  it('stores exactly 20 of 30 photos sent at once, and leaves no stray files', async () => {
    const image = await new Jimp({ width: 64, height: 48, color: 0x2e7d32ff }).getBuffer('image/png');
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) => inspector.upload(`/checks/${checkId}/attachments`, { filename: `anh-${index}.png`, content: image, contentType: 'image/png' }, {}, htmxHeaders('attachments-section'))),
    );
    const rows = test.app.db.all<{ stored_name: string; thumbnail_name: string }>(sql`select stored_name, thumbnail_name from check_attachments where check_id = ${checkId}`);
    expect(rows).toHaveLength(20);
    expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(20);
    const refused = responses.filter((response) => response.statusCode === 422);
    expect(refused).toHaveLength(10);
    for (const response of refused) expect(textOf(html(response.body), '#attachments-heading')).toContain('(20/20)');
    const files = fs.readdirSync(uploadDir()).sort();
    expect(files).toEqual(rows.flatMap((row) => [row.stored_name, row.thumbnail_name]).sort());
  });
});
