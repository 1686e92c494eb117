import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** An OpenAPI document as far as the contract checks read it. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
}

/**
 * Checks answers against the document the app serves: the operation is found from the method and the URL, the
 * schema from the status and the content type, and the body must validate (JSON Schema 2020-12, as OpenAPI 3.1 says).
 * Each operation answered with a success is remembered, so a test can ask that every operation was exercised.
 */
export function contractChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const compiled = new Map<object, ReturnType<typeof ajv.compile>>();
  const operations = Object.keys(document.paths).map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  const exercised = new Set<string>();

  return {
    exercised,
    check(method: string, url: string, response: LightMyRequestResponse): void {
      const path = url.split('?')[0]!;
      const operation = operations.find((candidate) => candidate.pattern.test(path));
      expect(operation, `no operation in the document for ${method} ${path}`).toBeDefined();
      const responses = document.paths[operation!.template]![method.toLowerCase()]?.responses;
      expect(responses, `no ${method} ${operation!.template} in the document`).toBeDefined();
      const declared = responses![String(response.statusCode)];
      expect(declared, `${method} ${path} answered ${response.statusCode}, which the document does not declare`).toBeDefined();
      const type = String(response.headers['content-type'] ?? '').split(';')[0]!;
      const content = declared!.content?.[type];
      expect(content, `${method} ${path} ${response.statusCode} answered ${type}, not declared`).toBeDefined();
      let validate = compiled.get(content!.schema);
      if (!validate) compiled.set(content!.schema, (validate = ajv.compile(content!.schema)));
      const body: unknown = JSON.parse(response.body);
      expect(validate(body), `${method} ${path} ${response.statusCode}: ${JSON.stringify(validate.errors)}`).toBe(true);
      if (response.statusCode < 300) exercised.add(`${method.toUpperCase()} ${operation!.template}`);
    },
  };
}
