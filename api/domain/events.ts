import { EventEmitter } from 'node:events';
import type { AlertNoticeRecord } from './alert.js';
import type { RoomRecord } from './room.js';
import type { SpecimenRecord } from './specimen.js';

/** Facts other parts react to (the live push channel, identification, alerts). */
export interface DomainEvents {
  'specimen.created': [SpecimenRecord];
  'specimen.updated': [SpecimenRecord];
  /** The automatic identification of a specimen finished (`done` or `failed`). */
  'identification.completed': [SpecimenRecord];
  /** An alert was opened or changed state. */
  'alert.changed': [AlertNoticeRecord];
  /** An in-app alert channel delivers a notice to the people whose scope root lies in `channelUnitPath`'s subtree. */
  'alert.raised': [AlertNoticeRecord, { channelUnitPath: string }];
  /** A class went live: its enrolled trainees are reminded. */
  'class.started': [RoomRecord, { traineeIds: string[] }];
}

export class DomainEventBus extends EventEmitter<DomainEvents> {}
