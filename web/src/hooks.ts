import { useEffect, useState } from 'react';
import { api } from './api/client';
import type { Port } from '@contract';

interface PortsState {
  ports: Port[];
  loading: boolean;
  error: unknown;
}

let portsCache: Promise<Port[]> | null = null;

function loadPorts(): Promise<Port[]> {
  if (!portsCache) {
    portsCache = api.listPorts().then(
      (r) => [...r.items].sort((a, b) => a.code.localeCompare(b.code)),
      (err: unknown) => {
        portsCache = null; // allow retry
        throw err;
      },
    );
  }
  return portsCache;
}

export function clearPortsCache(): void {
  portsCache = null;
}

/** Ports visible to the current user (GET /api/v1/ports), cached for the session. */
export function usePorts(): PortsState {
  const [state, setState] = useState<PortsState>({ ports: [], loading: true, error: null });
  useEffect(() => {
    let active = true;
    loadPorts().then(
      (ports) => active && setState({ ports, loading: false, error: null }),
      (error: unknown) => active && setState({ ports: [], loading: false, error }),
    );
    return () => {
      active = false;
    };
  }, []);
  return state;
}
