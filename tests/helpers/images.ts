import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { mulberry32 } from '../../datasets/split.js';

/** A JPEG photograph-like test image; `seed` changes its content (and so its sha256). */
export async function jpegImage(seed = 1, width = 96, height = 64, options: { orientation?: number } = {}): Promise<Buffer> {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * channels;
      pixels[offset] = (x * 7 + seed * 31) % 256;
      pixels[offset + 1] = (y * 5 + seed * 17) % 256;
      pixels[offset + 2] = ((x + y) * 3 + seed * 13) % 256;
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels } });
  if (options.orientation) image.withMetadata({ orientation: options.orientation });
  return image.jpeg({ quality: 90 }).toBuffer();
}

/** A PNG with smooth gradients (a picture, not a blank: those are refused); `seed` changes its content. */
export async function pngImage(seed = 1, width = 48, height = 36): Promise<Buffer> {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * channels;
      pixels[offset] = seed % 256;
      pixels[offset + 1] = 80 + Math.round((x / width) * 100);
      pixels[offset + 2] = 120 + Math.round((y / height) * 100);
    }
  }
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}

/** A JPEG of random noise: it compresses badly (2400×1800 is about 3 MB), so a few of them make a large upload. */
export async function noisyJpeg(width = 2400, height = 1800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A picture of one colour (`#ffffff`: a blank sheet), as the camera of an empty trap would take it. */
export async function plainImage(width = 200, height = 150, colour = '#ffffff'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** A real JPEG cut short: its header is intact, its scan data is not. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await jpegImage(99, 400, 300);
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

/**
 * A PNG whose header claims `width`×`height` pixels (e.g. 30000×30000) while the file is tiny:
 * a decompression bomb. Built by hand so the test never allocates the pixels itself.
 */
export function pixelBombPng(width = 30_000, height = 30_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  // One row of zeros is enough for a valid-looking stream; the decoder would expand the rest.
  const firstRows = deflateSync(Buffer.alloc((width * 3 + 1) * 4));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', firstRows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A photo-like picture of a specimen on a light card (dark body, head, banded abdomen, legs), sharp and well exposed:
 * it passes the image quality gate. The poor variants of {@link poorPhotos} are made from it.
 */
export async function specimenPhoto(width = 480, height = 360): Promise<Buffer> {
  const legs = Array.from(
    { length: 6 },
    (_, i) => `<line x1="${200 + i * 20}" y1="190" x2="${150 + i * 40}" y2="${300 + (i % 2) * 30}" stroke="#201810" stroke-width="3"/>`,
  );
  const bands = Array.from({ length: 12 }, (_, i) => `<rect x="${180 + i * 12}" y="168" width="5" height="24" fill="#f0f0f0"/>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360" viewBox="0 0 480 360">
    <rect width="100%" height="100%" fill="#d8cfc0"/>
    <ellipse cx="240" cy="180" rx="90" ry="22" fill="#3a2f28"/><ellipse cx="150" cy="175" rx="28" ry="24" fill="#2a211c"/>
    ${legs.join('')}${bands.join('')}</svg>`;
  return sharp(Buffer.from(svg)).resize(width, height, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
}

/** Photographs the quality gate finds poor, each for the reason it is named after (and only that one, but `dark`). */
export const poorPhotos = {
  blurred: async () =>
    sharp(await specimenPhoto())
      .blur(8)
      .jpeg()
      .toBuffer(),
  /** Above the intake's hard minimum side (32), below the gate's (48). */
  tiny: () => specimenPhoto(64, 44),
  /** Underexposed so far that the specimen no longer stands out from the background either. */
  dark: async () =>
    sharp(await specimenPhoto())
      .linear(0.08, 0)
      .jpeg()
      .toBuffer(),
  overExposed: async () =>
    sharp(await specimenPhoto())
      .linear(3, 80)
      .jpeg()
      .toBuffer(),
  /** An empty frame: sensor noise on grey, enough not to be refused as blank, nothing standing out. */
  noSpecimen: () =>
    sharp({ create: { width: 480, height: 360, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 4 } } })
      .jpeg()
      .toBuffer(),
};

/**
 * A photo-like JPEG: a random 8×6 colour grid smoothly enlarged. Unlike `jpegImage`, whose gradients differ
 * little between seeds, different seeds here give perceptual hashes far apart.
 */
export async function gridPhoto(seed: number, width = 160, height = 120): Promise<Buffer> {
  const random = mulberry32(seed);
  const cells = Buffer.from(Array.from({ length: 8 * 6 * 3 }, () => Math.floor(random() * 256)));
  return sharp(cells, { raw: { width: 8, height: 6, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The same photograph under other bytes: smaller and more compressed. */
export async function reencoded(image: Buffer): Promise<Buffer> {
  return sharp(image).resize(100).jpeg({ quality: 70 }).toBuffer();
}
