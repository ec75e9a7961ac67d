import { EventEmitter } from 'node:events';
import type { SpecimenRecord } from './specimen.js';

/** Facts other parts react to (the live push channel, identification; alerts later). */
export interface DomainEvents {
  'specimen.created': [SpecimenRecord];
  'specimen.updated': [SpecimenRecord];
  /** The automatic identification of a specimen finished (`done` or `failed`). */
  'identification.completed': [SpecimenRecord];
}

export class DomainEventBus extends EventEmitter<DomainEvents> {}
