import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';

/** The OpenAPI document's frame; its paths come from the routes' own zod schemas. */
export const apiDocument: FastifyDynamicSwaggerOptions['openapi'] = {
  openapi: '3.1.0',
  info: {
    title: 'Phòng, chống mua bán người — API',
    version: '1.0.0',
    description: [
      'The tracker\'s data for other systems: rounds, venues, visit reports, findings, follow-ups, campaigns, outreach, the district summary, victim-support counts, supervision records and recommendations, periodic reports with their frozen snapshots and the counts of situations watched, scoped exactly as the pages are (another area\'s record answers 404).',
      '',
      'Authenticate with `Authorization: Bearer pcmbn_…`: a personal token made on /profile, or a service token an admin made for a system\'s account. A token acts as its account and never grants more; a read-only token may only GET.',
      '',
      'Lists answer 25 records and `nextCursor`; send it back as `cursor` with the same filters. Writes: `Idempotency-Key` (required on POST) replays the first answer; updates need `If-Match` with the ETag (the record version) and answer 409 when it is stale, 428 without it.',
      '',
      'Errors are `application/problem+json` (RFC 9457). `detail` is in Vietnamese, or English with `Accept-Language: en`.',
    ].join('\n'),
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token (pcmbn_…)' } } },
  security: [{ bearer: [] }],
  tags: [
    { name: 'rounds', description: 'Đợt kiểm tra' },
    { name: 'venues', description: 'Cơ sở kinh doanh' },
    { name: 'reports', description: 'Biên bản kiểm tra' },
    { name: 'findings', description: 'Vi phạm / dấu hiệu' },
    { name: 'follow-ups', description: 'Biện pháp khắc phục' },
    { name: 'campaigns', description: 'Kế hoạch, chỉ tiêu' },
    { name: 'outreach', description: 'Hoạt động tuyên truyền' },
    { name: 'summaries', description: 'Tổng hợp theo địa bàn' },
    { name: 'victim support', description: 'Hỗ trợ nạn nhân (số liệu)' },
    { name: 'supervision', description: 'Giám sát, kiến nghị' },
    { name: 'periodic reports', description: 'Báo cáo định kỳ' },
    { name: 'monitoring', description: 'Theo dõi tình hình (số liệu)' },
  ],
};
