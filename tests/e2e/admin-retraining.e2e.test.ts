import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { BrowserTestBed, describeInChromium } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { copyOfCommittedModels } from '../helpers/models.js';
import { confirmedSpecimen } from '../helpers/teaching.js';
import { generatedTickManifest, TICK_CLASSES, tickPhoto, TRAINING_PYTHON, trainingAvailability } from '../helpers/training.js';

const training = await trainingAvailability();
const MODEL = 'tick-species';
const SNAPSHOT = 'ticks-e2e';
const TICKS = TICK_CLASSES.filter((kind) => kind.group === 'tick');
/** A retrain of 32 px photos for at most four epochs takes seconds to a minute or two on a busy machine. */
const RETRAIN_TIMEOUT = 180_000;
const PHASES = ['Preparing the data', 'Training', 'Evaluating both versions', 'Applying the gate', 'Registering', 'Waiting'];

describeInChromium('retraining on the models page, in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-retraining-e2e-'));
    const base = await generatedTickManifest(dir, 'generated-base', 10, 1);
    testBed = await BrowserTestBed.start({
      env: {
        MODELS_DIR: await copyOfCommittedModels(path.join(dir, 'models')),
        RETRAIN_PYTHON: TRAINING_PYTHON,
        RETRAIN_BASE_MANIFESTS: base,
      },
    });
    // One confirmed specimen per tick species, photographed in its colour, and a snapshot of them.
    for (const [classIndex, kind] of TICK_CLASSES.entries())
      if (kind.group === 'tick')
        await confirmedSpecimen(testBed.server, { portCode: 'CNNGB-BL', taxon: kind.taxon, photo: await tickPhoto(classIndex, 0, 11) });
    const admin = await as(testBed.server, 'admin');
    const taken = await admin.createDatasetSnapshot({ body: { name: SNAPSHOT, filters: {} } });
    expect(taken.statusCode, taken.body).toBe(201);
  }, 120_000);
  afterEach(() => testBed?.closeSessions());
  afterAll(async () => {
    await testBed?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    `an administrator picks the snapshot, starts a retrain and follows the job to the gate's table ${training.reason}`,
    async () => {
      const { page, errors, dialogs } = await testBed.signIn('admin');
      await page.getByTestId('nav-admin').click();
      await page.getByTestId('nav-models').click();
      const section = page.getByTestId('retraining');
      await section.getByTestId('retrain-model').selectOption(MODEL);
      const snapshot = section.getByTestId('retrain-snapshot');
      await snapshot.locator(`option[value="${SNAPSHOT}"]`).waitFor({ state: 'attached' });
      expect(await snapshot.locator(`option[value="${SNAPSHOT}"]`).textContent()).toBe(`${SNAPSHOT} (3 photos of 3 specimens)`);
      await snapshot.selectOption(SNAPSHOT);
      // A quick run: small photos, the small network, a few epochs (left empty, it trains as the active version was).
      await section.getByTestId('retrain-max-epochs').fill('4');
      await section.getByTestId('retrain-size').fill('32');
      await section.getByTestId('retrain-backbone').fill('vectornet');
      await section.getByTestId('retrain-start').click();

      const job = section.getByTestId('retrain-job');
      await job.waitFor();
      expect(await job.locator('td').nth(1).textContent()).toBe(SNAPSHOT);
      const [requested] = (await (await as(testBed.server, 'admin')).listRetrainJobs({})).json().items;
      expect(requested?.options).toEqual({ margin: 0.02, maxEpochs: 4, size: 32, backbone: 'vectornet' });
      if (!training.available) {
        // The job fails, saying why, rather than pretending.
        await section.locator('[data-testid="retrain-job"][data-status="failed"]').waitFor({ timeout: RETRAIN_TIMEOUT });
        expect(await job.textContent()).toMatch(/no training environment|training failed/);
        return;
      }

      // While it runs: the phase (with its epoch while training) above a progress bar.
      const running = section.locator('[data-testid="retrain-job"][data-status="running"]');
      await running.getByTestId('retrain-progress').waitFor({ timeout: RETRAIN_TIMEOUT });
      const state = (await running.locator('td').nth(3).textContent({ timeout: RETRAIN_TIMEOUT })) ?? '';
      expect(
        PHASES.some((phase) => state.startsWith(phase)),
        state,
      ).toBe(true);

      // At the end: the gate's verdict per class, and the registered version waits in the table above, not active.
      const registered = section.locator('[data-testid="retrain-job"][data-status="registered"]');
      await registered.waitFor({ timeout: RETRAIN_TIMEOUT });
      const rows = await registered
        .getByTestId('retrain-gate')
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [tr.firstElementChild?.textContent, tr.getAttribute('data-passed')]));
      expect(rows).toEqual(TICKS.map((kind) => [kind.taxon, 'true']));
      const candidate = /(tick-species@[\w.-]+) measured against/.exec((await registered.textContent()) ?? '')?.[1];
      expect(candidate).toBeDefined();
      await page.locator(`[data-testid="model-row"][data-model="${candidate}"][data-active="false"]`).waitFor();

      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    },
    RETRAIN_TIMEOUT + 60_000,
  );
});
