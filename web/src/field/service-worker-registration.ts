// The service worker (built from web/service-worker/) keeps the app shell and the submit page on the device, so the
// installed app opens without a network; it never answers API requests.

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register(`${import.meta.env.BASE_URL}sw.js`)
      .catch((error: unknown) => console.warn('the service worker could not be registered; the app works online only', error));
  });
}
