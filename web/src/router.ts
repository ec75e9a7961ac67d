// Minimal hash router: #/login, #/submit, #/specimens, #/specimens/<id>, #/rooms/<id>.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'login' }
  | { name: 'submit' }
  | { name: 'specimens' }
  | { name: 'specimen'; id: string }
  | { name: 'room'; id: string }
  | { name: 'notFound'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { name: 'specimens' };
  const [first, second, ...rest] = parts;
  if (rest.length === 0) {
    if (first === 'login' && second === undefined) return { name: 'login' };
    if (first === 'submit' && second === undefined) return { name: 'submit' };
    if (first === 'specimens' && second === undefined) return { name: 'specimens' };
    if ((first === 'specimens' || first === 'rooms') && second !== undefined) {
      try {
        return { name: first === 'specimens' ? 'specimen' : 'room', id: decodeURIComponent(second) };
      } catch {
        return { name: 'notFound', path };
      }
    }
  }
  return { name: 'notFound', path };
}

export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'submit':
      return '#/submit';
    case 'specimens':
      return '#/specimens';
    case 'specimen':
      return `#/specimens/${encodeURIComponent(route.id)}`;
    case 'room':
      return `#/rooms/${encodeURIComponent(route.id)}`;
    case 'notFound':
      return `#/${route.path}`;
  }
}

export function specimenHref(id: string): string {
  return hrefFor({ name: 'specimen', id });
}

export function roomHref(id: string): string {
  return hrefFor({ name: 'room', id });
}

/** Navigate; `replace` avoids adding a history entry (used for redirects). */
export function navigate(href: string, replace = false): void {
  if (replace) {
    const url = new URL(window.location.href);
    url.hash = href;
    window.history.replaceState(window.history.state, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (window.location.hash !== href) {
    window.location.hash = href;
  }
}

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
}

function getHash(): string {
  return window.location.hash;
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, getHash, () => '');
}
