import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { taxonomy } from '../datasets/taxonomy.js';
import type { AppConfig } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import type { Actor } from './domain/access.js';
import { DomainEventBus } from './domain/events.js';
import { alertDeliveryMetrics } from './http/alert-delivery-metrics.js';
import { authentication } from './http/authentication.js';
import { answerFrameworkError, installErrorHandling } from './http/error-handler.js';
import { openApiDocument } from './http/openapi.js';
import { discardRefusedBodies } from './http/refused-body.js';
import { identificationMetrics, inferencePoolMetrics } from './http/inference-metrics.js';
import { metrics } from './http/metrics.js';
import { rtcMetrics } from './http/rtc-metrics.js';
import { passwordHashMetrics } from './http/password-hash-metrics.js';
import { limitConnectionsPerAddress, slowClientTimeouts } from './http/connection-limits.js';
import { decodeBudgetMetrics } from './http/decode-budget-metrics.js';
import { UploadReader } from './http/specimen-upload.js';
import { UploadMemory, uploadMemoryMetrics } from './http/upload-memory.js';
import { orphanSweepMetrics } from './http/storage-metrics.js';
import { installSerialization } from './http/serialization.js';
import { answeringKeepsBackgroundBack } from './http/background-lane-hooks.js';
import { SpecimenJsonCache } from './http/specimen-json-cache.js';
import { installValidation } from './http/validation.js';
import type { JobQueues } from './jobs/index.js';
import { presentUploadLimits } from './presenters/upload-limits.js';
import { LiveRecordings } from './realtime/live-recordings.js';
import type { RoomSignallingDependencies } from './realtime/room-signalling.js';
import { startRtcRuntime, type RtcRuntime } from './realtime/rtc-runtime.js';
import { AlertDeliveryRepository } from './repositories/alert-delivery.repository.js';
import { AlertChannelRepository } from './repositories/alert-channel.repository.js';
import { AppointmentRepository } from './repositories/appointment.repository.js';
import { CourseRepository } from './repositories/course.repository.js';
import { AuditTrailRepository } from './repositories/audit-trail.repository.js';
import { LabDirectoryRepository } from './repositories/lab-directory.repository.js';
import { LabRepository } from './repositories/lab.repository.js';
import { LookAlikeRepository } from './repositories/look-alike.repository.js';
import { QuizRepository } from './repositories/quiz.repository.js';
import { IdentificationRequestRepository } from './repositories/identification-request.repository.js';
import { IdentificationRepository } from './repositories/identification.repository.js';
import { OrganisationRepository } from './repositories/organisation.repository.js';
import { PracticeProgressRepository } from './repositories/practice-progress.repository.js';
import { PracticeRepository } from './repositories/practice.repository.js';
import { RoomHostRepository } from './repositories/room-host.repository.js';
import { RecordingRepository } from './repositories/recording.repository.js';
import { ReviewRepository } from './repositories/review.repository.js';
import { RoomRepository } from './repositories/room.repository.js';
import { SessionRepository } from './repositories/session.repository.js';
import { SettingsRepository } from './repositories/settings.repository.js';
import { SpecimenBankRepository } from './repositories/specimen-bank.repository.js';
import { ShadowComparisonRepository } from './repositories/shadow-comparison.repository.js';
import { SpecimenRepository } from './repositories/specimen.repository.js';
import { StatisticsRepository } from './repositories/statistics.repository.js';
import { TurnaroundRepository } from './repositories/turnaround.repository.js';
import { TaxonRepository } from './repositories/taxon.repository.js';
import { UserAccountRepository } from './repositories/user-account.repository.js';
import { UserRepository } from './repositories/user.repository.js';
import { alertChannelsRoutes } from './routes/alert-channels.routes.js';
import { appointmentsRoutes } from './routes/appointments.routes.js';
import { coursesRoutes } from './routes/courses.routes.js';
import { datasetsRoutes } from './routes/datasets.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { identifyRoutes } from './routes/identify.routes.js';
import { imagesRoutes } from './routes/images.routes.js';
import { modelsRoutes } from './routes/models.routes.js';
import { organisationRoutes } from './routes/organisation.routes.js';
import { practiceRoutes } from './routes/practice.routes.js';
import { quizzesRoutes } from './routes/quizzes.routes.js';
import { recordingsRoutes } from './routes/recordings.routes.js';
import { roomsRoutes } from './routes/rooms.routes.js';
import { specimenBankRoutes } from './routes/specimen-bank.routes.js';
import { specimensRoutes } from './routes/specimens.routes.js';
import { statsRoutes } from './routes/stats.routes.js';
import { alertsRoutes } from './routes/alerts.routes.js';
import { exportsRoutes } from './routes/exports.routes.js';
import { reviewRoutes } from './routes/review.routes.js';
import { usersRoutes } from './routes/users.routes.js';
import { AlertService } from './services/alert.service.js';
import { OrphanSweeper } from './services/orphan-sweep.js';
import { PeriodicSweep } from './services/periodic-sweep.js';
import { BackgroundLane } from './services/background-lane.js';
import { foldSpecimenCountChanges } from './repositories/monthly-rollup.js';
import { taxaRoutes } from './routes/taxa.routes.js';
import { AlertChannelService } from './services/alert-channel.service.js';
import { AppointmentService } from './services/appointment.service.js';
import { CourseService } from './services/course.service.js';
import { LabAdministrationService } from './services/lab-administration.service.js';
import { LabService } from './services/lab.service.js';
import { startAlertDelivery } from './services/alert-delivery-runtime.js';
import type { AlertDeliveryService } from './services/alert-delivery.service.js';
import { AuditTrailService } from './services/audit-trail.service.js';
import { AuthService } from './services/auth.service.js';
import { startExports } from './services/export-runtime.js';
import { startRetraining } from './services/retrain-runtime.js';
import type { RetrainService } from './services/retrain.service.js';
import type { ExportService } from './services/export.service.js';
import { OrganisationService } from './services/organisation.service.js';
import { PeopleService } from './services/people.service.js';
import { PracticeService } from './services/practice.service.js';
import { PasswordHashPool } from './services/password-hash-pool.js';
import { QuizService } from './services/quiz.service.js';
import { UserAdministrationService } from './services/user-administration.service.js';
import { ReadinessService } from './services/readiness.service.js';
import { startIdentificationRuntime, type IdentificationRuntime } from './services/identification-runtime.js';
import { openJobQueues, startJobConsumers } from './services/jobs-runtime.js';
import { RecordingService } from './services/recording.service.js';
import { ReviewService } from './services/review.service.js';
import type { TriageService } from './services/triage.service.js';
import { createTriageParts } from './services/review-runtime.js';
import { Transactions } from './repositories/transactions.js';
import { RoomService } from './services/room.service.js';
import { ShadowComparisonService } from './services/shadow-comparison.service.js';
import { SpecimenBankService } from './services/specimen-bank.service.js';
import { SpecimenService } from './services/specimen.service.js';
import { StatisticsService } from './services/statistics.service.js';
import { SurveillanceFilterResolver } from './services/surveillance-filters.js';
import { TaxonService } from './services/taxon.service.js';
import { DecodeBudget } from './storage/decode-budget.js';
import { ImageIntake } from './storage/image-inspection.js';
import { ImageStore } from './storage/image-store.js';
import { datasetSnapshotService } from './services/dataset-snapshot.service.js';

export interface AppDependencies {
  config: AppConfig;
  database: DatabaseHandle;
  /** A logger to use; by default fastify's pino at `config.logLevel`. */
  logger?: FastifyBaseLogger;
}

export interface VectorDeskApp {
  app: FastifyInstance;
  events: DomainEventBus;
  repositories: {
    organisation: OrganisationRepository;
    users: UserRepository;
    specimens: SpecimenRepository;
    identificationRequests: IdentificationRequestRepository;
    identifications: IdentificationRepository;
    rooms: RoomRepository;
    recordings: RecordingRepository;
    roomHosts: RoomHostRepository;
  };
  services: {
    auth: AuthService;
    specimens: SpecimenService;
    rooms: RoomService;
    recordings: RecordingService;
    review: ReviewService;
    triage: TriageService;
    alerts: AlertService;
    taxa: TaxonService;
    alertChannels: AlertChannelService;
    /** Sends alerts through their channels; `AlertDeliveryRepository.createFor` + `enqueue` hand it an alert's deliveries. */
    alertDelivery: AlertDeliveryService;
    /** Writes exports of surveillance queries (the `export` job). */
    exports: ExportService;
    /** Retrains models from dataset snapshots (the `retrain` job). */
    retraining: RetrainService;
  };
  /** The background jobs' queues; consumed here too unless `IDENTIFY_JOBS_IN_API=false`. */
  jobs: JobQueues;
  identification: IdentificationRuntime;
  /** Live rooms' mediasoup workers and open rooms; undefined when disabled (`RTC_ENABLED=false`). */
  rtc: RtcRuntime | undefined;
  /** What the `/rtc` signalling needs once a socket.io server exists; undefined when live rooms are disabled. */
  signalling: RoomSignallingDependencies | undefined;
  store: ImageStore;
}

const TOKEN_SECRET_SETTING = 'auth.token_secret';

/**
 * Wires repositories → services → route plugins into one fastify app (no socket bound yet:
 * tests drive it with `app.inject`, `server.ts` adds the live gateway and listens).
 */
export async function buildApp({ config, database, logger }: AppDependencies): Promise<VectorDeskApp> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: { level: config.logLevel } }),
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
    trustProxy: config.trustProxy,
    frameworkErrors: answerFrameworkError,
    ...slowClientTimeouts(config.connections),
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandling(app);
  installValidation(app);
  installSerialization(app);
  const backgroundLane = new BackgroundLane(config.jobs.whileAnswering);
  answeringKeepsBackgroundBack(app, backgroundLane);
  discardRefusedBodies(app, config.uploads.maxTotalBytes);

  const identificationRequests = new IdentificationRequestRepository(database.db);
  const identifications = new IdentificationRepository(database.db, identificationRequests);
  const reviews = new ReviewRepository();
  const repositories = {
    organisation: new OrganisationRepository(database.db),
    users: new UserRepository(database.db, database.writeCount),
    specimens: new SpecimenRepository(database.db, identifications, reviews),
    identificationRequests,
    identifications,
    rooms: new RoomRepository(database.db),
    recordings: new RecordingRepository(database.db),
    roomHosts: new RoomHostRepository(database.db),
  };
  const settings = new SettingsRepository(database.db);
  const taxa = new TaxonRepository(database.db);
  await taxa.sync(taxonomy);
  const surveillanceFilters = new SurveillanceFilterResolver(taxa, repositories.organisation);
  const store = new ImageStore(config.storageDir);
  await store.init();
  const decodes = new DecodeBudget(config.uploads.decodeBudget);
  const intake = new ImageIntake(config.uploads, decodes);
  const uploadMemory = new UploadMemory(config.uploads.memoryBytes);
  const uploads = new UploadReader(store, { maxTotalBytes: config.uploads.maxTotalBytes }, uploadMemory);
  const events = new DomainEventBus();
  // Live rooms first: a mediasoup worker that cannot start stops start-up before anything else is running.
  const rtc = await startRtcRuntime({
    config: config.rtc,
    onRoomEnded: (roomId) => services.rooms.endedLive(roomId),
    onClassStarted: (roomId) => services.rooms.startedLive(roomId),
    hosts: repositories.roomHosts,
    log: app.log,
  });
  if (rtc) app.addHook('onClose', () => rtc.close());
  const passwords = new PasswordHashPool(config.auth.passwordHashing);
  const services = {
    auth: new AuthService(repositories.users, new SessionRepository(database.db), passwords),
    taxa: new TaxonService(taxa),
    specimens: new SpecimenService(
      repositories.specimens,
      repositories.organisation,
      identificationRequests,
      store,
      events,
      intake,
      app.log,
    ),
    rooms: new RoomService(
      repositories.rooms,
      repositories.specimens,
      identifications,
      events,
      // Signed with the session secret once the authentication plugin is registered (below).
      { issue: (claims, ttlSeconds) => app.issueRoomToken(claims, ttlSeconds), verify: (token) => app.verifyRoomToken(token) },
      () => rtc?.rooms,
    ),
  };
  // Recorder traffic stays on this machine: FFmpeg listens on loopback, whatever address browsers use.
  const liveRecordings = rtc && new LiveRecordings(rtc.rooms, { listenIp: '127.0.0.1', tools: config.rtc.recorder });
  const lookAlikes = new LookAlikeRepository(database.db);
  const quizzes = new QuizService(services.rooms, new QuizRepository(database.db), repositories.specimens, lookAlikes, { store, decodes });
  const recordings = new RecordingService(services.rooms, repositories.recordings, liveRecordings, config.storageDir, app.log);
  // Shutdown finishes running recordings (their files, their rows) before the database closes.
  app.addHook('onClose', async () => {
    liveRecordings?.stopAll();
    await recordings.drain();
  });

  await app.register(fastifySwagger, openApiDocument());
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(metrics, { events });
  rtcMetrics(app.metrics, rtc);
  passwordHashMetrics(app.metrics, passwords);
  decodeBudgetMetrics(app.metrics, decodes);
  uploadMemoryMetrics(app.metrics, uploadMemory);
  if (!config.trustProxy) limitConnectionsPerAddress(app.server, config.connections.maxPerAddress, app.metrics);
  const orphanSweeper = new OrphanSweeper(store, repositories.specimens, app.log, config.orphanSweep, orphanSweepMetrics(app.metrics));
  orphanSweeper.start();
  app.addHook('onClose', () => orphanSweeper.stop());
  const countFolding = new PeriodicSweep(() => foldSpecimenCountChanges(database.db), app.log, 'specimen count folding');
  countFolding.start(config.specimenCountFoldIntervalMs);
  app.addHook('onClose', () => countFolding.stop());
  const jobs = openJobQueues(config, app.log);
  const alertDelivery = startAlertDelivery({
    config,
    db: database.db,
    jobs,
    // The live gateway sends it to the sockets of the channel's people (server.ts; none in tests without a server).
    pushInApp: (notice, channelUnitPath) => events.emit('alert.raised', notice, { channelUnitPath }),
    log: app.log,
    onAttempt: alertDeliveryMetrics(app.metrics),
  });
  const exports = startExports({ config, db: database.db, jobs, filters: surveillanceFilters, log: app.log });
  const triageParts = createTriageParts(database.db, new AlertDeliveryRepository(database.db));
  const review = new ReviewService(
    new Transactions(database.db),
    repositories.specimens,
    triageParts.workflow,
    identifications,
    triageParts.detections,
    triageParts.alerts,
    triageParts.triage,
    triageParts.recorder,
    alertDelivery,
    events,
  );
  const alerts = new AlertService(triageParts.alerts, events);
  const identification = await startIdentificationRuntime({
    config,
    jobs,
    identificationRequests,
    identifications,
    settings,
    store,
    intake,
    triage: triageParts.triage,
    notify: async (specimenId) => {
      const specimen = await repositories.specimens.findInScope(specimenId, { all: true });
      if (specimen) events.emit('identification.completed', specimen);
    },
    log: app.log,
    poolMetrics: inferencePoolMetrics(app.metrics),
  });
  identificationMetrics(app.metrics, { queue: identification.queue, identificationRequests, pool: () => identification.pool });
  const retraining = startRetraining(config, database.db, jobs, identification.registry, app.log);
  if (config.jobs.consumeInApi && identification.pool) {
    startJobConsumers(
      jobs,
      { identification: identification.service, alertDelivery, exports: exports.service, retraining: retraining.service },
      config,
      backgroundLane,
    );
  }
  events.on('specimen.created', (specimen) => void identification.service.requestCreated(specimen.id));
  app.addHook('onClose', async () => {
    alertDelivery.stopSweeping();
    await exports.stop();
    retraining.stop();
    await identification.close();
    await jobs.close();
  });
  await app.register(fastifyMultipart, {
    // Keep the client's file name as sent, so names that try to be paths are refused rather than silently trimmed.
    preservePath: true,
    limits: { fileSize: config.uploads.maxFileBytes, files: config.uploads.maxFiles, fields: 5, parts: config.uploads.maxFiles + 5 },
  });
  await app.register(authentication, {
    secret: await settings.getOrCreate(TOKEN_SECRET_SETTING, () =>
      Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64url'),
    ),
    tokenTtlSeconds: config.auth.tokenTtlSeconds,
    auth: services.auth,
  });

  await app.register(healthRoutes, {
    readiness: new ReadinessService({ database, storageDir: config.storageDir, identification, rtc, passwords }),
  });
  await app.register(authRoutes, {
    auth: services.auth,
    tokenTtlSeconds: config.auth.tokenTtlSeconds,
    loginRateLimitPerMinute: config.auth.loginRateLimitPerMinute,
    loginRateLimitPerAddressPerMinute: config.auth.loginRateLimitPerAddressPerMinute,
  });
  await app.register(usersRoutes, {
    people: new PeopleService(repositories.users),
    accounts: new UserAdministrationService(new UserAccountRepository(database.db), repositories.organisation, passwords),
  });
  await app.register(specimensRoutes, {
    specimens: services.specimens,
    uploads,
    surveillanceFilters,
    uploadLimits: presentUploadLimits(config.uploads),
    answerCache: config.specimenAnswerCacheBytes > 0 ? new SpecimenJsonCache(config.specimenAnswerCacheBytes) : undefined,
  });
  await app.register(imagesRoutes, { specimens: services.specimens });
  await app.register(identifyRoutes, {
    identification: identification.service,
    uploads,
  });
  await app.register(modelsRoutes, {
    registry: identification.registry,
    retraining: retraining.service,
    comparison: new ShadowComparisonService(new ShadowComparisonRepository(database.db)),
  });
  await app.register(datasetsRoutes, { snapshots: datasetSnapshotService(database.db, config) });
  await app.register(roomsRoutes, { rooms: services.rooms, hosting: rtc?.hosting });
  await app.register(quizzesRoutes, { quizzes });
  await app.register(recordingsRoutes, { recordings, hosting: rtc?.hosting });
  await app.register(taxaRoutes, { taxa: services.taxa });
  await app.register(reviewRoutes, { review, triage: triageParts.triage, surveillanceFilters });
  await app.register(alertsRoutes, { alerts });
  await app.register(statsRoutes, {
    statistics: new StatisticsService(new StatisticsRepository(database.db), new TurnaroundRepository(database.db)),
    surveillanceFilters,
  });
  await app.register(exportsRoutes, { exports: exports.service });
  const alertChannels = new AlertChannelService(new AlertChannelRepository(database.db), repositories.organisation);
  await app.register(alertChannelsRoutes, { channels: alertChannels });
  const transactions = new Transactions(database.db);
  const labRepository = new LabRepository(database.db);
  const appointmentRepository = new AppointmentRepository(database.db);
  await app.register(organisationRoutes, {
    organisation: new OrganisationService(transactions, repositories.organisation),
    labs: new LabAdministrationService(
      transactions,
      new LabDirectoryRepository(database.db),
      labRepository,
      repositories.organisation,
      repositories.users,
    ),
  });
  await app.register(appointmentsRoutes, {
    labs: new LabService(transactions, labRepository, appointmentRepository),
    appointments: new AppointmentService(transactions, appointmentRepository, labRepository),
  });
  await app.register(auditRoutes, { trail: new AuditTrailService(new AuditTrailRepository(database.db)) });
  await app.register(specimenBankRoutes, {
    bank: new SpecimenBankService(transactions, new SpecimenBankRepository(database.db), repositories.specimens, taxa, lookAlikes),
  });
  await app.register(practiceRoutes, {
    practice: new PracticeService(
      transactions,
      new PracticeRepository(database.db),
      new PracticeProgressRepository(database.db),
      taxa,
      lookAlikes,
      store,
      decodes,
    ),
  });
  await app.register(coursesRoutes, {
    courses: new CourseService(transactions, new CourseRepository(database.db), repositories.rooms),
  });
  await registerWebApp(app, config.webDistDir);

  const signalling = rtc && {
    rtc,
    authenticate: (token: string) => app.sessionFromToken(token),
    admit: (actor: Actor, roomToken: string) => services.rooms.admit(actor, roomToken),
    roomRecords: repositories.rooms,
    quizzes,
    log: app.log,
  };
  return {
    app,
    events,
    repositories,
    services: {
      ...services,
      recordings,
      review,
      triage: triageParts.triage,
      alerts,
      alertChannels,
      alertDelivery,
      exports: exports.service,
      retraining: retraining.service,
    },
    jobs,
    identification,
    rtc,
    signalling,
    store,
  };
}

async function registerWebApp(app: FastifyInstance, webDistDir: string): Promise<void> {
  if (!existsSync(path.join(webDistDir, 'index.html'))) {
    app.log.warn({ webDistDir }, 'the web app is not built (npm run build:web); serving the API only');
    return;
  }
  await app.register(fastifyStatic, { root: webDistDir, wildcard: false, index: ['index.html'] });
}
