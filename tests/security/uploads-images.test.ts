import { describe, expect, it } from 'vitest';
import { Jimp } from 'jimp';
import { imageSize, jpegSize, MAX_IMAGE_PIXELS, pngSize } from '../../src/lib/images.js';
import { makeThumbnail } from '../../src/lib/thumbnails.js';

const segment = (marker: number, body: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
const frame = (marker: number, width: number, height: number) => segment(marker, Buffer.from([0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]));
const soi = Buffer.from([0xff, 0xd8]);
const scan = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0x34]);

describe('image sizes read from the header', () => {
  it('reads PNG and JPEG files made by an encoder', async () => {
    const picture = new Jimp({ width: 123, height: 45, color: 0x336699ff });
    expect(pngSize(await picture.getBuffer('image/png'))).toEqual({ width: 123, height: 45 });
    expect(jpegSize(await picture.getBuffer('image/jpeg'))).toEqual({ width: 123, height: 45 });
    expect(imageSize('image/jpeg', await picture.getBuffer('image/jpeg'))).toEqual({ width: 123, height: 45 });
  });

  it('skips a camera’s EXIF preview and fill bytes, and reads a progressive frame', () => {
    const preview = Buffer.concat([soi, frame(0xc0, 160, 120), Buffer.from([0xff, 0xd9])]);
    const exif = segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), preview]));
    const file = Buffer.concat([soi, exif, Buffer.from([0xff, 0xff]), frame(0xc2, 8000, 6000), scan]);
    expect(jpegSize(file)).toEqual({ width: 8000, height: 6000 });
  });

  it('takes the largest of several frames, and ignores what follows the scan', () => {
    const file = Buffer.concat([soi, frame(0xc0, 100, 100), frame(0xc5, 9000, 9000), scan, frame(0xc0, 20000, 20000)]);
    expect(jpegSize(file)).toEqual({ width: 9000, height: 9000 });
  });

  it('answers nothing for a header it cannot trust', () => {
    expect(jpegSize(Buffer.concat([soi, frame(0xc0, 640, 0), scan]))).toBeNull(); // height left to a DNL marker
    expect(jpegSize(Buffer.concat([soi, segment(0xe0, Buffer.alloc(10)).subarray(0, 8)]))).toBeNull(); // cut short
    expect(jpegSize(Buffer.concat([soi, Buffer.from([0x00, 0x11]), frame(0xc0, 10, 10)]))).toBeNull(); // not a marker
    expect(jpegSize(Buffer.concat([soi, scan]))).toBeNull(); // no frame before the scan
    expect(pngSize(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'))).toBeNull();
    const png = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
    png.write('IHDR', 12, 'latin1');
    expect(pngSize(png)).toBeNull(); // 0 × 0
    png.writeUInt32BE(8000, 16);
    png.writeUInt32BE(8000, 20);
    expect(pngSize(png)).toEqual({ width: 8000, height: 8000 });
    expect(8000 * 8000).toBeGreaterThan(MAX_IMAGE_PIXELS);
  });
});

describe('thumbnails made off the event loop', () => {
  it('makes a thumbnail at most 320 wide, and refuses what is damaged or over the pixel limit', async () => {
    const photo = await new Jimp({ width: 800, height: 600, color: 0x3366ccff }).getBuffer('image/jpeg');
    const made = await makeThumbnail(photo, { width: 320, maxPixels: MAX_IMAGE_PIXELS });
    expect(made.ok).toBe(true);
    if (made.ok) expect((await Jimp.read(made.thumbnail)).width).toBe(320);
    expect(await makeThumbnail(photo.subarray(0, 600), { width: 320, maxPixels: MAX_IMAGE_PIXELS })).toEqual({ ok: false, reason: 'unreadable' });
    expect(await makeThumbnail(photo, { width: 320, maxPixels: 100_000 })).toEqual({ ok: false, reason: 'unreadable' });
  });

  it('stops a worker past its time limit, and the next image still gets its thumbnail', async () => {
    const photo = await new Jimp({ width: 800, height: 600, color: 0x3366ccff }).getBuffer('image/png');
    const started = performance.now();
    expect(await makeThumbnail(photo, { width: 320, maxPixels: MAX_IMAGE_PIXELS, timeoutMs: 1 })).toEqual({ ok: false, reason: 'timeout' });
    // Far below a runaway decode (many seconds) even on a loaded machine.
    expect(performance.now() - started).toBeLessThan(3000);
    expect((await makeThumbnail(photo, { width: 320, maxPixels: MAX_IMAGE_PIXELS })).ok).toBe(true);
  });
});
