// Persisted login session (token + user) with a tiny subscribe API for React.
import type { User } from '@contract';

const TOKEN_KEY = 'vectordesk.token';
const USER_KEY = 'vectordesk.user';

export interface Session {
  token: string;
  user: User;
}

type Listener = () => void;
const listeners = new Set<Listener>();

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function read(): Session | null {
  const token = safeGet(TOKEN_KEY);
  const rawUser = safeGet(USER_KEY);
  if (!token || !rawUser) return null;
  try {
    const user = JSON.parse(rawUser) as User;
    if (!user || typeof user !== 'object' || typeof user.id !== 'string') return null;
    return { token, user };
  } catch {
    return null;
  }
}

let current: Session | null = read();

function emit(): void {
  for (const l of listeners) l();
}

export function getSession(): Session | null {
  return current;
}

export function getToken(): string | null {
  return current?.token ?? null;
}

export function setSession(session: Session): void {
  localStorage.setItem(TOKEN_KEY, session.token);
  localStorage.setItem(USER_KEY, JSON.stringify(session.user));
  current = session;
  emit();
}

export function updateUser(user: User): void {
  if (!current) return;
  setSession({ token: current.token, user });
}

export function clearSession(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
  } catch {
    /* ignore */
  }
  if (current !== null) {
    current = null;
    emit();
  }
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Keep several tabs in sync (logout in one tab logs out the others).
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === TOKEN_KEY || e.key === USER_KEY || e.key === null) {
      current = read();
      emit();
    }
  });
}
