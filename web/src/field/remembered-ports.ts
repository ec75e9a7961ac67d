// The ports of the signed-in person's scope as last loaded on this device: the submit page offers them while the
// server cannot be asked (a phone offline in the field), until the server's answer replaces them.
import type { Port } from '@contract';
import { getSession } from '../api/session';
import { isRecord, readForUser, writeForUser } from './device-storage';

const NAME = 'ports';

export function rememberPorts(ports: readonly Port[]): void {
  const userId = getSession()?.user.id;
  if (userId) writeForUser(NAME, userId, ports);
}

export function rememberedPorts(): Port[] | undefined {
  const userId = getSession()?.user.id;
  const stored = userId ? readForUser(NAME, userId) : undefined;
  if (!Array.isArray(stored) || !stored.every(isPort)) return undefined;
  return stored;
}

function isPort(value: unknown): value is Port {
  return isRecord(value) && ['id', 'code', 'nameZh', 'nameEn', 'type', 'unitId'].every((key) => typeof value[key] === 'string');
}
