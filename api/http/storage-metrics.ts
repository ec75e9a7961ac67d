import { Counter, type Registry } from 'prom-client';
import type { OrphanSweepResult } from '../services/orphan-sweep.js';

/** Counts what the orphan sweeps removed, by kind (`original`: unreferenced originals; `temporary`: files under tmp/). */
export function orphanSweepMetrics(registry: Registry): (result: OrphanSweepResult) => void {
  const removed = new Counter({
    name: 'vectordesk_orphan_files_removed_total',
    help: 'Stored files removed by the orphan sweep: originals no row refers to, temporary files a crash left',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  removed.inc({ kind: 'original' }, 0);
  removed.inc({ kind: 'temporary' }, 0);
  return (result) => {
    removed.inc({ kind: 'original' }, result.originals);
    removed.inc({ kind: 'temporary' }, result.temporary);
  };
}
