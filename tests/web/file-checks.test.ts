// The photo checks of the submit page: what they find in chosen files, against the limits the server tells
// (`GET /api/v1/upload-limits`; the formats here are the contract's own, the numbers small to read).
import { describe, expect, it } from 'vitest';
import { IMAGE_FORMAT_FILES, IMAGE_FORMATS, type UploadLimits } from '@contract';
import {
  acceptAttribute,
  isAcceptedType,
  keysWithProblems,
  needsPixelSize,
  photoProblems,
  type CheckedPhoto,
} from '../../web/src/submit/file-checks';

const limits: UploadLimits = {
  maxFileBytes: 1000,
  maxFiles: 4,
  maxTotalBytes: 2500,
  maxImagePixels: 10_000,
  minImageSide: 32,
  formats: IMAGE_FORMATS.map((format) => ({
    format,
    mediaTypes: [...IMAGE_FORMAT_FILES[format].mediaTypes],
    extensions: [...IMAGE_FORMAT_FILES[format].extensions],
  })),
};

function photo(key: string, name: string, size: number, type = 'image/jpeg', pixels?: CheckedPhoto['pixels']): CheckedPhoto {
  return { key, file: { name, type, size }, pixels };
}

describe('accepted file types', () => {
  it('takes a file by its media type, whatever its name', () => {
    expect(isAcceptedType({ name: 'dorsal.jpg', type: 'image/jpeg' }, limits.formats)).toBe(true);
    expect(isAcceptedType({ name: 'IMG_0001', type: 'image/heic' }, limits.formats)).toBe(true);
    expect(isAcceptedType({ name: 'scan.tif', type: 'image/tiff' }, limits.formats)).toBe(true);
    expect(isAcceptedType({ name: 'photo.jpg', type: 'image/gif' }, limits.formats)).toBe(false);
    expect(isAcceptedType({ name: 'notes.jpg', type: 'application/pdf' }, limits.formats)).toBe(false);
  });

  it('judges a file that comes without a media type by the ending of its name', () => {
    expect(isAcceptedType({ name: 'IMG_0001.HEIC', type: '' }, limits.formats)).toBe(true);
    expect(isAcceptedType({ name: 'lateral.jpeg', type: 'application/octet-stream' }, limits.formats)).toBe(true);
    expect(isAcceptedType({ name: 'trap.bmp', type: '' }, limits.formats)).toBe(false);
    expect(isAcceptedType({ name: 'README', type: '' }, limits.formats)).toBe(false);
  });

  it('offers the picker every accepted media type and name ending', () => {
    const accept = acceptAttribute(limits.formats).split(',');
    expect(accept).toEqual(expect.arrayContaining(['image/jpeg', '.jpg', 'image/png', '.png', 'image/webp', 'image/heic', '.heic']));
    expect(accept).not.toContain('image/gif');
  });
});

describe('the problems of chosen photos', () => {
  it('finds none in photos within every limit, and none yet where the pixel size is unknown or unreadable', () => {
    expect(
      photoProblems(
        [
          photo('a', 'a.jpg', 900, 'image/jpeg', { width: 100, height: 80 }),
          photo('b', 'b.png', 900, 'image/png'),
          photo('c', 'c.tif', 500, 'image/tiff', null),
        ],
        limits,
      ),
    ).toEqual([]);
  });

  it('lists every problem at once, file by file in order, each naming the file and the limit, then those of the photos together', () => {
    const photos = [
      photo('1', 'empty.jpg', 0),
      photo('2', 'drawing.gif', 300, 'image/gif'),
      photo('3', 'huge.jpg', 1200),
      photo('4', 'fine.jpg', 600, 'image/jpeg', { width: 90, height: 90 }),
      photo('5', 'panorama.png', 400, 'image/png', { width: 400, height: 40 }),
      photo('6', 'sliver.webp', 200, 'image/webp', { width: 640, height: 12 }),
    ];
    const problems = photoProblems(photos, limits);
    expect(problems).toEqual([
      { kind: 'empty', key: '1', name: 'empty.jpg' },
      { kind: 'type', key: '2', name: 'drawing.gif', accepted: ['JPEG', 'PNG', 'WEBP', 'TIFF', 'HEIF'] },
      { kind: 'size', key: '3', name: 'huge.jpg', bytes: 1200, maxBytes: 1000 },
      { kind: 'pixels', key: '5', name: 'panorama.png', width: 400, height: 40, maxPixels: 10_000 },
      { kind: 'side', key: '6', name: 'sliver.webp', width: 640, height: 12, minSide: 32 },
      { kind: 'count', count: 6, maxFiles: 4 },
      { kind: 'total', bytes: 2700, maxBytes: 2500 },
    ]);
    expect([...keysWithProblems(problems)]).toEqual(['1', '2', '3', '5', '6']);
  });

  it('counts an empty file as a problem even with the photos together within their limits', () => {
    expect(photoProblems([photo('a', 'a.jpg', 800), photo('b', 'empty.jpg', 0)], limits)).toEqual([
      { kind: 'empty', key: 'b', name: 'empty.jpg' },
    ]);
  });

  it('reads the pixel size only of files that may be sent otherwise', () => {
    expect(needsPixelSize({ name: 'a.jpg', type: 'image/jpeg', size: 500 }, limits)).toBe(true);
    expect(needsPixelSize({ name: 'empty.jpg', type: 'image/jpeg', size: 0 }, limits)).toBe(false);
    expect(needsPixelSize({ name: 'huge.jpg', type: 'image/jpeg', size: 1001 }, limits)).toBe(false);
    expect(needsPixelSize({ name: 'a.gif', type: 'image/gif', size: 500 }, limits)).toBe(false);
  });
});
