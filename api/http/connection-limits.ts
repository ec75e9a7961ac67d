import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { AppConfig } from '../config.js';

type ConnectionLimits = AppConfig['connections'];

/**
 * Fastify's server options for slow clients: a request must send its headers within `headersTimeoutMs` and all of
 * itself within `requestTimeoutMs` (Node answers 408 and closes), a connection on which nothing moves for
 * `idleTimeoutMs` is closed, and so is an idle keep-alive one after `keepAliveTimeoutMs`. Node checks the first two
 * every `connectionsCheckingInterval` (30 s by default, which would let a slow client live twice as long as the limit).
 */
export function slowClientTimeouts(
  limits: ConnectionLimits,
): Pick<FastifyHttpOptions<Server>, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'http'> {
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
  };
}

/**
 * Closes a new connection at once when its address already holds `maxPerAddress` open ones, so one client (or one
 * attacker) cannot take every socket the process can hold. The address is the peer's own: behind a load balancer all
 * clients share one, so this limit belongs on the balancer there (`trustProxy`) and is not applied.
 */
export function limitConnectionsPerAddress(server: Server, maxPerAddress: number, registry: Registry): void {
  const refused = new Counter({
    name: 'vectordesk_connections_refused_total',
    help: 'Connections closed on arrival because their address already held MAX_CONNECTIONS_PER_ADDRESS',
    registers: [registry],
  });
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= maxPerAddress) {
      refused.inc();
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
