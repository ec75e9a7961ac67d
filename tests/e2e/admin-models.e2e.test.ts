import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ModelInfo } from '../../api/contract/index.js';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { waitForIdentification } from '../helpers/identification.js';
import { jpegImage } from '../helpers/images.js';
import { modelsDirWithSecondVersion, newestPackageDir } from '../helpers/models.js';

const MODEL = 'vector-group';
/** A second version of the group model, newer than the committed one: active when the server starts. */
const NEWER = '2099.1.1';

/** What a failed request looks like in the console: expected where the test makes the server refuse. */
const REFUSED_REQUEST = /Failed to load resource: the server responded with a status of 422/;

describeInChromium('the models page in Chromium against the real server on PGlite', () => {
  let modelsDir: string;
  let testBed: BrowserTestBed;
  let committed: string;

  beforeAll(async () => {
    modelsDir = await modelsDirWithSecondVersion(MODEL, NEWER);
    committed = path.basename(await newestPackageDir(MODEL));
    testBed = await BrowserTestBed.start({ env: { MODELS_DIR: modelsDir } });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(async () => {
    await testBed?.close();
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
  });

  /** The versions of the group model as `GET /api/v1/models` lists them now. */
  async function listed(): Promise<ModelInfo[]> {
    const response = await (await as(testBed.server, 'admin')).listModels();
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items.filter((model) => model.name === MODEL);
  }
  const servingVersion = async (role: 'active' | 'shadow') => (await listed()).find((model) => model[role])?.version;

  const row = (page: Page, version: string) => page.locator(`[data-testid="model-row"][data-model="${MODEL}@${version}"]`);
  const rowIn = (page: Page, version: string, state: 'active' | 'shadow', value: boolean) =>
    page.locator(`[data-testid="model-row"][data-model="${MODEL}@${version}"][data-${state}="${value}"]`);

  async function openModelsPage() {
    const admin = await testBed.signIn('admin');
    await admin.page.getByTestId('nav-admin').click();
    await admin.page.getByTestId('nav-models').click();
    await admin.page.getByTestId('models-table').waitFor();
    return admin;
  }

  it('lets an administrator activate another version after confirming, and run it in shadow and stop', async () => {
    const admin = await openModelsPage();
    const { page } = admin;
    await rowIn(page, NEWER, 'active', true).waitFor();
    expect(await row(page, committed).getByTestId('model-activate').isEnabled()).toBe(true);
    await page.getByTestId('shadow-comparisons-none').waitFor();
    // The species refiner says whose place it takes in the chain.
    await page
      .locator('[data-testid="model-row"][data-model^="mosquito-species@"]')
      .getByText('serves in place of mosquito-genus')
      .waitFor();

    // Activation asks first: cancelling changes nothing.
    await row(page, committed).getByTestId('model-activate').click();
    await row(page, committed).getByTestId('model-activate-cancel').click();
    await row(page, committed).getByTestId('model-activate-confirmation').waitFor({ state: 'detached' });
    expect(await servingVersion('active')).toBe(NEWER);

    await row(page, committed).getByTestId('model-activate').click();
    await row(page, committed).getByTestId('model-activate-confirm').click();
    await rowIn(page, committed, 'active', true).getByTestId('model-active').waitFor();
    await rowIn(page, NEWER, 'active', false).waitFor();
    expect(await row(page, committed).getByTestId('model-activate').count()).toBe(0);
    expect(await servingVersion('active')).toBe(committed);

    // The other version runs in shadow; a specimen identified meanwhile shows in the comparison.
    await row(page, NEWER).getByTestId('model-shadow-start').click();
    await rowIn(page, NEWER, 'shadow', true).getByTestId('model-shadow').waitFor();
    expect(await servingVersion('shadow')).toBe(NEWER);
    await page.locator(`[data-testid="shadow-model"][data-model="${MODEL}@${NEWER}"]`).getByTestId('shadow-comparison-empty').waitFor();

    const specimen = await testBed.uploadSpecimenAs('staff.beilun', {}, [{ name: 'trap.jpg', data: await jpegImage(61, 240, 180) }]);
    expect((await waitForIdentification(await as(testBed.server, 'staff.beilun'), specimen.id)).status).toBe('done');
    await page.reload();
    const comparison = page.getByTestId('shadow-comparison').first();
    await comparison.waitFor();
    expect((await comparison.getAttribute('data-shadow-model-key'))?.split(',')).toContain(`${MODEL}@${NEWER}`);
    expect(await comparison.getByTestId('shadow-specimens').innerText()).toBe('1');
    // The same network under two version numbers: the shadow agrees everywhere.
    expect(await comparison.getByTestId('shadow-agreement').getAttribute('data-taxon')).toBe('1');
    expect(await comparison.getByTestId('shadow-disagreement').count()).toBe(0);

    await row(page, NEWER).getByTestId('model-shadow-stop').click();
    await rowIn(page, NEWER, 'shadow', false).waitFor();
    await page.getByTestId('shadow-comparisons-none').waitFor();
    expect(await servingVersion('shadow')).toBeUndefined();
    expect(await servingVersion('active')).toBe(committed);

    expect(admin.dialogs).toEqual([]);
    expect(admin.errors).toEqual([]);
  });

  it("shows the server's refusal to activate a version whose package broke since the page listed it", async () => {
    const admin = await openModelsPage();
    const { page } = admin;
    const active = await servingVersion('active');
    const other = (await listed()).find((model) => !model.active)!;
    await row(page, other.version).getByTestId('model-activate').waitFor();

    // One byte of its network changes on disk: it no longer matches the sha256 of its card.
    const onnx = path.join(modelsDir, MODEL, other.version, 'model.onnx');
    const bytes = await readFile(onnx);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    await writeFile(onnx, bytes);

    await row(page, other.version).getByTestId('model-activate').click();
    await row(page, other.version).getByTestId('model-activate-confirm').click();
    const refusal = row(page, other.version).locator('[data-testid="model-action-error"][data-error-code="model_unusable"]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(`${MODEL}@${other.version} cannot be used`);
    // The page asked again: the version shows as broken, and cannot be chosen any more.
    await row(page, other.version).getByTestId('model-broken').waitFor({ timeout: UI_TIMEOUT });
    expect(await row(page, other.version).getByTestId('model-activate').isDisabled()).toBe(true);
    expect(await servingVersion('active')).toBe(active);

    expect(admin.dialogs).toEqual([]);
    expect(admin.errors.filter((error) => !REFUSED_REQUEST.test(error))).toEqual([]);
  });
});
