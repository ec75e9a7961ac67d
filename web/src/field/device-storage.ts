// What this device keeps for one person between visits (localStorage, by user id): it stays after signing out, so
// the next time they submit — online or not — their last choices are there, and another person's are not.

const PREFIX = 'vectordesk.field';

function keyOf(name: string, userId: string): string {
  return `${PREFIX}.${name}.${userId}`;
}

/** What was kept under `name` for this user, parsed; undefined when nothing (readable) was. */
export function readForUser(name: string, userId: string): unknown {
  try {
    const text = localStorage.getItem(keyOf(name, userId));
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

export function writeForUser(name: string, userId: string, value: unknown): void {
  try {
    localStorage.setItem(keyOf(name, userId), JSON.stringify(value));
  } catch {
    // Storage full or switched off: the form starts without the remembered values next time, nothing worse.
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
