/**
 * The layering rules of VectorDesk (README, "Rules the code keeps"), checked on every `npm test`.
 * Each folder is a room with one job; dependencies point inward.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const productionCode = '^(api|rtc|inference|datasets|web)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle makes two rooms one: break it by moving what both need inward.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-nothing',
      severity: 'error',
      comment: 'api/domain is the vocabulary and the rules: it may not depend on any other layer.',
      from: { path: '^api/domain/' },
      to: { pathNot: ['^api/domain/', '^events$'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'contract-is-self-contained',
      severity: 'error',
      comment: 'The wire contract is imported by the browser: only the domain vocabulary, the /rtc protocol and TypeBox.',
      from: { path: '^api/contract/' },
      to: {
        pathNot: [
          '^api/contract/',
          '^api/domain/(vocabulary|identification|room)\\.ts$',
          '^rtc/(protocol|permissions)\\.ts$',
          '^node_modules/typebox/',
        ],
      },
    },
    {
      name: 'services-not-http',
      severity: 'error',
      comment: 'Services hold the logic and answer in domain terms; HTTP (routes, http/) is one of their callers.',
      from: { path: '^api/services/' },
      to: { path: '^api/(http|routes)/' },
    },
    {
      name: 'realtime-not-http',
      severity: 'error',
      comment: 'The socket.io gateway and the /rtc wiring sit beside the HTTP layer, not on top of it.',
      from: { path: '^api/realtime/' },
      to: { path: '^api/(http|routes)/' },
    },
    {
      name: 'routes-through-services',
      severity: 'error',
      comment: 'routes → services → repositories → db: a route never reaches storage itself.',
      from: { path: '^api/routes/' },
      to: { path: '^api/(repositories|db|storage)/' },
    },
    {
      name: 'repositories-below-services',
      severity: 'error',
      from: { path: '^api/(repositories|db)/' },
      to: { path: '^api/(http|routes|services|realtime|presenters|jobs)/' },
    },
    {
      name: 'rtc-not-api',
      severity: 'error',
      comment: 'rtc/ runs live rooms for whoever hosts it; the API passes it callbacks (admission, the room record).',
      from: { path: '^rtc/' },
      to: { path: '^(api|web|inference|datasets)/' },
    },
    {
      name: 'inference-not-api',
      severity: 'error',
      from: { path: '^inference/' },
      to: { path: '^(api|rtc|web)/' },
    },
    {
      name: 'datasets-standalone',
      severity: 'error',
      from: { path: '^datasets/' },
      to: { path: '^(api|rtc|inference|web)/' },
    },
    {
      name: 'web-only-the-contract',
      severity: 'error',
      comment: 'The browser app talks to the server over HTTP and socket.io; from the server it imports the wire contract only.',
      from: { path: '^web/' },
      to: { path: '^(api|rtc|inference|datasets|models|scripts|tests)/', pathNot: '^api/contract/' },
    },
    {
      name: 'production-not-tests',
      severity: 'error',
      from: { path: productionCode },
      to: { path: '^(tests|scripts)/' },
    },
    {
      name: 'server-not-dev-dependencies',
      severity: 'error',
      comment: 'What runs in production must not need what `npm ci --omit=dev` leaves out.',
      from: { path: '^(api|rtc|inference|datasets)/', pathNot: '/cli/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^web/dist/', '^dist/', '^var/', '^models/training/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
