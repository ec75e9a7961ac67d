// The service worker of the built app (sw.js): keeps the app shell and the submit page on the device, so the app
// opens without a network once it has been opened with one (ADR 0023). web/pwa/installable-app.ts fills in the files
// to keep and the version; a new build is a new worker, which keeps its own files and drops the old ones.
// Only the app's own files are answered here: API requests, live updates and everything else go to the network as if
// there were no worker, and nothing of theirs is kept.

const VERSION = '__VERSION__';
const PRECACHE = JSON.parse('__PRECACHE__');
const CACHE_PREFIX = 'vectordesk-app-';
const CACHE = `${CACHE_PREFIX}${VERSION}`;

const base = new URL('./', self.location.href);
const SHELL = base.href;
const SHELL_PATHS = new Set([base.pathname, `${base.pathname}index.html`]);
const ASSETS = new URL('assets/', base).pathname;
const KEPT = new Set(PRECACHE.map((path) => new URL(path, base).href));

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
      // The page that installed the worker is served by it from now on, not only after its next load.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== base.origin) return;
  if (request.mode === 'navigate' && SHELL_PATHS.has(url.pathname)) {
    event.respondWith(shell(request));
  } else if (url.pathname.startsWith(ASSETS) || KEPT.has(url.href)) {
    event.respondWith(kept(request));
  }
});

/** The page from the network, so an online visit gets the latest build; the kept one when the network fails. */
async function shell(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

/**
 * A file of the build from the device when kept (the names under assets/ change with their content), else from the
 * network, keeping it: pages opened online work offline afterwards.
 */
async function kept(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith(ASSETS)) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}
