import { EventEmitter } from 'node:events';
import type { SpecimenRecord } from './specimen.js';

/** Facts other parts react to (the live push channel now; identification and alerts later). */
export interface DomainEvents {
  'specimen.created': [SpecimenRecord];
  'specimen.updated': [SpecimenRecord];
}

export class DomainEventBus extends EventEmitter<DomainEvents> {}
