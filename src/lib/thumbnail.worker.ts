/**
 * Runs in a worker thread (see thumbnails.ts): makes JPEG thumbnails one at a time, so decoding never holds the
 * server's event loop. The image library loads here, when the first image comes, never at start-up.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';

export interface ThumbnailJob {
  image: Uint8Array;
  width: number;
  maxPixels: number;
  timeoutSeconds: number;
}

export type ThumbnailAnswer = { ok: true; thumbnail: Uint8Array } | { ok: false; message: string };

// Nothing is kept between images, and each image takes one thread: the pool sizes the parallelism.
sharp.cache(false);
sharp.concurrency(1);

async function thumbnail(job: ThumbnailJob): Promise<ThumbnailAnswer> {
  try {
    // The decoder checks the pixel count itself too, whatever the header said upstream; a damaged file is refused.
    const output = await sharp(job.image, { limitInputPixels: job.maxPixels, failOn: 'warning' })
      .timeout({ seconds: job.timeoutSeconds })
      .rotate() // upright, as the camera's orientation tag says
      .resize({ width: job.width, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
    return { ok: true, thumbnail: output };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort!.on('message', (job: ThumbnailJob) => {
  void thumbnail(job).then((answer) => parentPort!.postMessage(answer));
});
