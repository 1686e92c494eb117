import type { FastifyInstance } from 'fastify';

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  format?: string;
  pattern?: string;
  default?: unknown;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema; description?: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

interface Document {
  info: { title: string; description?: string; version: string };
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
}

/** A schema's type in a few words: "string (YYYY-MM-DD)", "one of: a, b", "array of integer". */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.enum) return `one of: ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  if (type === 'array') return `array of ${typeOf(schema.items)}`;
  return schema.format ? `${type} (${schema.format})` : type;
}

/** The fields of an object schema (one level, nested objects named by their type), for a table. */
function fieldsOf(schema: Schema | undefined): Array<{ name: string; type: string; required: boolean; description: string }> {
  const object = schema?.anyOf?.find((option) => option.properties) ?? schema;
  return Object.entries(object?.properties ?? {}).map(([name, field]) => ({
    name,
    type: typeOf(field),
    required: (object?.required ?? []).includes(name) && field.default === undefined,
    description: field.description ?? field.anyOf?.find((option) => option.description)?.description ?? '',
  }));
}

/**
 * /api/docs: the API's reference, rendered on the server from the same OpenAPI document clients read (no script,
 * no CDN, so it works under the app's Content-Security-Policy and without JavaScript).
 */
export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  let operations: ReturnType<typeof describe> | null = null;

  function describe(document: Document) {
    const groups = (document.tags ?? []).map((tag) => ({ ...tag, operations: [] as Array<Record<string, unknown>> }));
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const tag = operation.tags?.[0] ?? '';
        let group = groups.find((candidate) => candidate.name === tag);
        if (!group) groups.push((group = { name: tag, description: '', operations: [] }));
        const body = operation.requestBody?.content?.['application/json']?.schema;
        const ok = Object.entries(operation.responses ?? {}).find(([status]) => status.startsWith('2'));
        group.operations.push({
          anchor: `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-'),
          method: method.toUpperCase(),
          path,
          summary: operation.summary ?? '',
          description: operation.description ?? '',
          parameters: (operation.parameters ?? []).map((parameter) => ({ ...parameter, type: typeOf(parameter.schema), description: parameter.description ?? parameter.schema?.description ?? '' })),
          body: body ? fieldsOf(body) : null,
          success: ok ? { status: ok[0], fields: fieldsOf(ok[1].content?.['application/json']?.schema) } : null,
          problems: Object.entries(operation.responses ?? {}).filter(([status]) => !status.startsWith('2')).map(([status, response]) => ({ status, description: response.description ?? '' })),
        });
      }
    }
    return { info: document.info, groups: groups.filter((group) => group.operations.length > 0) };
  }

  app.get('/', { config: { public: true } }, async (_request, reply) => {
    if (!operations) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      operations = describe(JSON.parse(response.body) as Document);
    }
    return reply.render('api/docs', operations);
  });
}
