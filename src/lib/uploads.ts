import fs from 'node:fs';
import path from 'node:path';

/** What an uploaded file really is, read from its first bytes (never from its name or the browser's claim). */
export type SniffedType = 'image/jpeg' | 'image/png' | 'application/pdf';

export function sniffFileType(bytes: Buffer): SniffedType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

export interface MultipartFile {
  filename: string;
  mimetype: string;
  toBuffer(): Promise<Buffer>;
  /** The stream, whose `truncated` says the file passed the size limit (on routes that do not refuse it whole). */
  file?: { truncated?: boolean };
}

/** The file of a multipart form (fields attached to the body), if one was sent. */
export function uploadedFile(body: unknown, field = 'file'): MultipartFile | null {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  const file = Array.isArray(value) ? value[0] : value;
  if (!file || typeof file !== 'object' || typeof (file as MultipartFile).toBuffer !== 'function') return null;
  const candidate = file as MultipartFile;
  return candidate.filename ? candidate : null;
}

/** A plain text field of a multipart (or urlencoded) body. */
export function fieldValue(body: unknown, field: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'value' in first && typeof (first as { value: unknown }).value === 'string') return (first as { value: string }).value;
  return '';
}

/**
 * The text fields of a multipart body as a urlencoded body has them (a string, or a list when repeated), files
 * left out: a form that can be sent either way (the report form with or without a file) is read by one schema.
 */
export function textFields(body: unknown): Record<string, string | string[]> {
  if (!body || typeof body !== 'object') return {};
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string' || Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      fields[name] = value as string | string[];
      continue;
    }
    const texts = (Array.isArray(value) ? value : [value])
      .filter((part): part is { type: string; value: unknown } => Boolean(part) && typeof part === 'object' && (part as { type?: unknown }).type === 'field')
      .map((part) => (typeof part.value === 'string' ? part.value : ''));
    if (texts.length > 0) fields[name] = texts.length === 1 ? texts[0]! : texts;
  }
  return fields;
}

/** Names the app gives stored files: 32 random hex digits, an optional "-thumb", and the type's extension. */
export const STORED_NAME_PATTERN = /^[0-9a-f]{32}(-thumb)?\.(jpg|png|pdf)$/;

/** A new random name for a stored file of this type. */
export function newStoredName(type: SniffedType, random: string): string {
  return `${random}${type === 'application/pdf' ? '.pdf' : type === 'image/png' ? '.png' : '.jpg'}`;
}

/**
 * The path of a stored file inside the uploads folder, or null when the name is not one the app gives (for
 * example a database restored from elsewhere naming `../../etc/passwd`): nothing outside the folder is ever
 * served or deleted.
 */
export function storedFilePath(uploadDir: string, name: string): string | null {
  if (!STORED_NAME_PATTERN.test(name)) return null;
  const root = path.resolve(uploadDir);
  const resolved = path.resolve(root, name);
  return path.dirname(resolved) === root ? resolved : null;
}

/** Writes a new file into the uploads folder, readable by the server's account only; its path. */
export function writeStoredFile(uploadDir: string, name: string, content: Buffer): string {
  const file = storedFilePath(uploadDir, name);
  if (!file) throw new Error(`not a stored file name: ${name}`);
  fs.mkdirSync(uploadDir, { recursive: true, mode: 0o700 });
  // "wx": a new name is never an existing file, nor a link someone left in the folder.
  fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
  return file;
}
