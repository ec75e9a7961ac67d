import { badRequest } from './errors.js';

// Finding these characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where in `value` (a JSON pointer) the first text is that cannot be stored: a NUL character (PostgreSQL text cannot
 * hold it) or an unpaired UTF-16 surrogate (no UTF-8 exists for it, so jsonb and the audit log refuse it).
 * Object keys count as text. `undefined` when every string is storable.
 */
export function unstorableTextIn(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '/' : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableTextIn(item, `${path}/${index}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = unstorableTextIn(key, `${path}/${key}`) ?? unstorableTextIn(item, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Refuses `value` (a request's `part`: its body, query, params or a multipart field) when it holds unstorable text. */
export function refuseUnstorableText(value: unknown, part: string): void {
  const path = unstorableTextIn(value);
  if (path === undefined) return;
  throw badRequest(
    'invalid_text',
    `Text at ${part}${path === '/' ? '' : path} contains a NUL character or an unpaired surrogate, which cannot be stored`,
    { part, path },
  );
}
