import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ALERT_WEBHOOK_HEADERS } from '../contract/index.js';
import type { DeliveryAttempt } from '../domain/alert-channel.js';

/** How much of an endpoint's answer is kept with the attempt. */
const EXCERPT_CHARACTERS = 500;
/** Read at most this much of an answer: a receiver that streams megabytes back must not cost more. */
const EXCERPT_BYTES = 4 * EXCERPT_CHARACTERS;

/**
 * The signature headers of one webhook attempt (ADR 0014): `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` over
 * the exact body sent, with the Unix time in seconds, so a receiver can check both the sender and the freshness.
 */
export function webhookSignatureHeaders(secret: string, deliveryId: string, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    [ALERT_WEBHOOK_HEADERS.delivery]: deliveryId,
    [ALERT_WEBHOOK_HEADERS.timestamp]: timestamp,
    [ALERT_WEBHOOK_HEADERS.signature]: `sha256=${signature}`,
  };
}

/**
 * One JSON `POST` to an alert endpoint, never throwing: any 2xx is success; anything else, a redirect included (a
 * signed alert is not re-sent to wherever a receiver points), a refused connection or no answer within `timeoutMs`
 * is a failed attempt with what is known of it.
 */
export async function postAlert(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<DeliveryAttempt> {
  const startedAt = performance.now();
  const elapsed = () => performance.now() - startedAt;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'VectorDesk-Alerts/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, statusCode: null, error: fetchErrorMessage(error, timeoutMs), durationMs: elapsed(), responseExcerpt: null };
  }
  const excerpt = await readExcerpt(response);
  const ok = response.status >= 200 && response.status < 300;
  return {
    ok,
    statusCode: response.status,
    error: ok ? null : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    durationMs: elapsed(),
    responseExcerpt: excerpt,
  };
}

async function readExcerpt(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The answer broke off (or the timeout hit while reading): the status code is what counts.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks)).slice(0, EXCERPT_CHARACTERS);
  return text === '' ? null : text;
}

/** undici reports every network failure as `fetch failed`; the cause says which (`connect ECONNREFUSED 127.0.0.1:9`). */
function fetchErrorMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
