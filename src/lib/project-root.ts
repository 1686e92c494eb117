import path from 'node:path';

/**
 * The project's folder, whether this runs from the TypeScript sources (src/lib) or from the build (dist/src/lib).
 * Templates, static files, migrations and reference data are read from the source tree in both cases, so the
 * build copies none of them.
 */
export const projectRoot = path.resolve(import.meta.dirname, import.meta.url.endsWith('.ts') ? '../..' : '../../..');

/** A path inside the project's folder. */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot, ...parts);
}
