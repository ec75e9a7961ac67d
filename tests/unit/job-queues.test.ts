import { afterEach, describe, expect, it } from 'vitest';
import { JOB_NAMES, JobQueues, type JobEvent, type JobName, type JobPayloads } from '../../api/jobs/index.js';

/** In-process queues: no Redis, nothing outlives the test. */
let jobs: JobQueues;
afterEach(() => jobs?.close());

describe('job queues, one per job of the job map', () => {
  it('refuses to start consuming when a job has no handler, naming it, and starts no consumer', async () => {
    jobs = new JobQueues();
    // @ts-expect-error the compiler holds the handler map complete; the run-time check catches what gets past it
    expect(() => jobs.consume({})).toThrow(/no handler for job "identify"/);
    for (const name of JOB_NAMES) expect(await jobs.queue(name).workerCount(), name).toBe(0);
  });

  it('starts a consumer for every job with a handler, each fed its own typed queue', async () => {
    jobs = new JobQueues();
    const identified: JobPayloads['identify'][] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    jobs.consume({
      identify: async (job) => {
        identified.push(job.data);
        done();
      },
      'alert-delivery': async () => undefined,
      export: async () => undefined,
      retrain: async () => undefined,
    });
    for (const name of JOB_NAMES) expect(await jobs.queue(name).workerCount(), name).toBe(1);

    const queue = jobs.queue('identify');
    expect(queue).toBe(jobs.queue('identify'));
    expect(queue.name).toBe('identify');
    await queue.add({ specimenId: 'specimen-1' }, { jobId: 'specimen-1' });
    await finished;
    expect(identified).toEqual([{ specimenId: 'specimen-1' }]);
  });

  it('gives a job its own retry policy where `perJob` names one; the others keep the shared one', async () => {
    jobs = new JobQueues({ attempts: 1, backoffMs: 5, perJob: { 'alert-delivery': { attempts: 3, backoffMs: 5 } } });
    const tries: Record<JobName, number> = { identify: 0, 'alert-delivery': 0, export: 0, retrain: 0 };
    const gaveUp = (name: JobName) =>
      new Promise<JobEvent>((resolve) => jobs.queue(name).onEvent((event) => event.type === 'failed' && resolve(event)));
    const finalAttempts = Promise.all([gaveUp('identify'), gaveUp('alert-delivery')]).then((events) =>
      events.map((event) => event.attempt),
    );
    const failing = (name: JobName) => async () => {
      tries[name] += 1;
      throw new Error(`${name} fails`);
    };
    jobs.consume({
      identify: failing('identify'),
      'alert-delivery': failing('alert-delivery'),
      export: failing('export'),
      retrain: failing('retrain'),
    });
    await jobs.queue('identify').add({ specimenId: 'specimen-1' }, { jobId: 'specimen-1' });
    await jobs.queue('alert-delivery').add({ deliveryId: 'delivery-1' }, { jobId: 'delivery-1' });
    expect(await finalAttempts).toEqual([1, 3]);
    expect(tries).toEqual({ identify: 1, 'alert-delivery': 3, export: 0, retrain: 0 });
  });
});
