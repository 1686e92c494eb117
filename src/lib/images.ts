/**
 * Image dimensions read from the header alone, before anything is decoded: a small file can declare a picture
 * whose pixels fill gigabytes, and only the header tells so cheaply.
 */

export interface ImageSize {
  width: number;
  height: number;
}

/** The most pixels an uploaded image may have (a 40-megapixel photo decodes to 160 MB of RGBA). */
export const MAX_IMAGE_PIXELS = 40_000_000;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG's size from its IHDR chunk, which the format requires to come first. */
export function pngSize(bytes: Buffer): ImageSize | null {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

/** SOF0–SOF15 start a frame; C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding) share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * A JPEG's size from its frame header (SOFn), walking the marker segments up to the first scan. An EXIF preview
 * sits inside its APP1 segment and is skipped with it. With several frames the largest counts; a frame whose
 * height is left to a later DNL marker (0) is not accepted.
 */
export function jpegSize(bytes: Buffer): ImageSize | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let size: ImageSize | null = null;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte before a marker
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2; // markers without a segment
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // the scan (or the end): every frame header comes before it
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) return null;
    if (isStartOfFrame(marker)) {
      if (length < 7) return null;
      const height = bytes.readUInt16BE(offset + 5);
      const width = bytes.readUInt16BE(offset + 7);
      if (width === 0 || height === 0) return null;
      if (!size || width * height > size.width * size.height) size = { width, height };
    }
    offset += 2 + length;
  }
  return size;
}

/** The size an image of this (sniffed) type declares, or null when its header cannot be read. */
export function imageSize(type: 'image/jpeg' | 'image/png', bytes: Buffer): ImageSize | null {
  return type === 'image/png' ? pngSize(bytes) : jpegSize(bytes);
}
