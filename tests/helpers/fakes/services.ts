import pino from 'pino';
import { DomainEventBus } from '../../../api/domain/events.js';
import { RoomService, type LiveRooms } from '../../../api/services/room.service.js';
import { SpecimenService } from '../../../api/services/specimen.service.js';
import { DecodeBudget } from '../../../api/storage/decode-budget.js';
import { ImageIntake } from '../../../api/storage/image-inspection.js';
import { FakeOrganisation } from './organisation.js';
import { FakeRoomRepository, FakeRoomTokens } from './rooms.js';
import { FakeIdentificationRepository, FakeImageStore, FakeSpecimenRepository } from './specimens.js';
import { FakeTransaction } from './transaction.js';

/**
 * The services name the repository classes they are given. A fake implements the part of its class the service
 * calls (its `Pick<…>` checks those signatures against the class) and is handed over as the class here, in one place.
 */
function handOver<Dependency>(fake: Partial<Dependency>): Dependency {
  return fake as Dependency;
}

/** The demo organisation and in-memory repositories shared by the services built below. */
function fakeWorld() {
  const organisation = new FakeOrganisation();
  const transaction = new FakeTransaction();
  const specimens = new FakeSpecimenRepository(organisation, transaction);
  const identifications = new FakeIdentificationRepository(specimens, organisation, transaction);
  const events = new DomainEventBus();
  return { organisation, transaction, specimens, identifications, events };
}

type RoomServiceDependencies = ConstructorParameters<typeof RoomService>;

/** A RoomService on fakes; `live` stands for the live rooms open in this process (none by default). */
export function roomServiceOnFakes(live: () => LiveRooms | undefined = () => undefined) {
  const world = fakeWorld();
  const rooms = new FakeRoomRepository(world.organisation, world.transaction);
  const tokens = new FakeRoomTokens();
  const service = new RoomService(
    handOver<RoomServiceDependencies[0]>(rooms),
    handOver<RoomServiceDependencies[1]>(world.specimens),
    handOver<RoomServiceDependencies[2]>(world.identifications),
    world.events,
    tokens,
    live,
  );
  return { ...world, rooms, tokens, service };
}

type SpecimenServiceDependencies = ConstructorParameters<typeof SpecimenService>;

/** A SpecimenService on fakes, with the default image limit (MAX_IMAGE_PIXELS). */
export function specimenServiceOnFakes() {
  const world = fakeWorld();
  const store = new FakeImageStore();
  const service = new SpecimenService(
    handOver<SpecimenServiceDependencies[0]>(world.specimens),
    handOver<SpecimenServiceDependencies[1]>(world.organisation),
    handOver<SpecimenServiceDependencies[2]>(world.identifications),
    handOver<SpecimenServiceDependencies[3]>(store),
    world.events,
    new ImageIntake(
      { maxImagePixels: 100_000_000, minImageSide: 32, minImageStdev: 2, qualityGate: 'warn' },
      new DecodeBudget({ bytes: 1 << 30, maxWaitMs: 1000 }),
    ),
    pino({ level: 'silent' }),
  );
  return { ...world, store, service };
}
