// The server's last answers to questions that hardly change (the ports of one's scope, what an upload may hold), kept
// on this device for the signed-in person: the submit page offers them while the server cannot be asked (a phone
// offline in the field), until its next answer replaces them. Read back only where they still fit the contract.
import { endpoints, type Port, type UploadLimits } from '@contract';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { getSession } from '../api/session';
import { readForUser, writeForUser } from './device-storage';

export interface KeptAnswer<T> {
  remember(answer: T): void;
  /** The answer last kept for whoever is signed in, if it still fits the contract's schema. */
  remembered(): T | undefined;
}

function keptAnswer<T>(name: string, schema: TSchema): KeptAnswer<T> {
  const signedIn = () => getSession()?.user.id;
  return {
    remember(answer) {
      const userId = signedIn();
      if (userId) writeForUser(name, userId, answer);
    },
    remembered() {
      const userId = signedIn();
      const stored = userId ? readForUser(name, userId) : undefined;
      return stored !== undefined && Value.Check(schema, stored) ? (stored as T) : undefined;
    },
  };
}

export const keptPorts = keptAnswer<{ items: Port[] }>('ports', endpoints.listPorts.schema.response[200]);
export const keptUploadLimits = keptAnswer<UploadLimits>('upload-limits', endpoints.getUploadLimits.schema.response[200]);
