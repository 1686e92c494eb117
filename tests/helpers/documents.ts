import type { Readable } from 'node:stream';

/** A text item of a PDF page with where it sits (y from the bottom of the page, in points). */
export interface PdfItem {
  text: string;
  x: number;
  y: number;
}

/** Every page's text items, read back with pdfjs as a PDF reader would. */
export async function pdfPages(bytes: Buffer): Promise<{ pages: PdfItem[][]; height: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: PdfItem[][] = [];
  let height = 0;
  for (let number = 1; number <= document.numPages; number += 1) {
    const page = await document.getPage(number);
    height = page.view[3]!;
    const content = await page.getTextContent();
    pages.push(content.items.flatMap((item) => ('str' in item && item.str.trim() ? [{ text: item.str, x: item.transform[4] as number, y: item.transform[5] as number }] : [])));
  }
  return { pages, height };
}

/** A page's text as one line of words (whitespace collapsed), for `toContain`. */
export function pageText(items: PdfItem[]): string {
  return items
    .map((item) => item.text)
    .join(' ')
    .replace(/\s+/g, ' ');
}

export async function streamBytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A DOCX's parts as Word reads them: the body's paragraphs as text lines, and the raw XML of each part. */
export async function docxParts(bytes: Buffer): Promise<{ paragraphs: string[]; text: string; xml: Record<string, string> }> {
  const { default: JSZip } = await import('jszip');
  const zip = await JSZip.loadAsync(bytes);
  const xml: Record<string, string> = {};
  for (const name of Object.keys(zip.files).filter((file) => file.endsWith('.xml'))) xml[name] = await zip.file(name)!.async('string');
  const body = xml['word/document.xml'] ?? '';
  const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const paragraphs = body
    .split('</w:p>')
    .map((part) => decode([...part.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join('')))
    .filter((line) => line.trim() !== '');
  return { paragraphs, text: paragraphs.join('\n'), xml };
}
