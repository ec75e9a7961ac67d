import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Specimen } from '../../api/contract/index.js';
import { BrowserTestBed, describeInChromium, UI_TIMEOUT } from '../helpers/browser.js';
import { as } from '../helpers/client.js';
import { openConsultation } from '../helpers/rooms.js';
import { confirmedSpecimen } from '../helpers/teaching.js';

const PIPIENS = 'Culex pipiens';
const LOOK_ALIKE = 'Culex tritaeniorhynchus';

describeInChromium('the specimen bank, in Chromium against the real server on PGlite', () => {
  let testBed: BrowserTestBed;
  let noted: Specimen, example: Specimen, poor: Specimen;

  beforeAll(async () => {
    testBed = await BrowserTestBed.start({ env: { IDENTIFY_JOBS_IN_API: 'false' } });
    const t = testBed.server;
    noted = await confirmedSpecimen(t, {
      portCode: 'CNNGB-BL',
      taxon: PIPIENS,
      aiTaxon: LOOK_ALIKE,
      notes: 'No pale band on the proboscis',
    });
    example = await confirmedSpecimen(t, { portCode: 'CNNGB-LS', taxon: PIPIENS, lifeStage: 'larva' });
    poor = await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: PIPIENS });
    await confirmedSpecimen(t, { portCode: 'CNNGB-BL', taxon: LOOK_ALIKE });
    // A consultation about the noted specimen: its photo shared as the still, a circle drawn on it.
    const roomId = await openConsultation(await as(t, 'expert.ningbo'), noted.id);
    const { id: userId } = (await t.repositories.users.findByUsername('expert.ningbo'))!;
    const event = { userId, displayName: 'Expert Ningbo' };
    await t.repositories.rooms.recordEvent(roomId, { ...event, kind: 'still', payload: { imageId: noted.images[0]!.id } });
    const circle = {
      shape: 'circle',
      points: [
        [0.5, 0.5],
        [0.7, 0.5],
      ],
      colour: '#d92d20',
    };
    await t.repositories.rooms.recordEvent(roomId, { ...event, kind: 'annotation', payload: circle });
  });
  afterEach(() => testBed?.closeSessions());
  afterAll(() => testBed?.close());

  it('an expert marks an example and hides a poor specimen; a trainee sees the example first, not the hidden one, and the look-alikes', async () => {
    const expert = await testBed.signIn('expert.ningbo');
    await expert.page.getByTestId('nav-bank').click();
    await expert.page.locator(`[data-testid="bank-taxon-row"][data-taxon="${PIPIENS}"]`).getByTestId('bank-taxon-link').click();
    const card = (specimen: Specimen) => expert.page.locator(`[data-testid="bank-specimen"][data-specimen-id="${specimen.id}"]`);
    await card(noted).getByTestId('bank-notes').waitFor();
    expect(await card(noted).getByTestId('bank-notes').textContent()).toContain('No pale band on the proboscis');

    await card(example).getByTestId('bank-mark-note').fill('A clear larval siphon');
    await card(example).getByTestId('bank-mark-example').click();
    await expert.page.locator(`[data-testid="bank-specimen"][data-specimen-id="${example.id}"][data-mark="example"]`).waitFor();
    await card(poor).getByTestId('bank-mark-hidden').click();
    await expert.page.locator(`[data-testid="bank-specimen"][data-specimen-id="${poor.id}"][data-mark="hidden"]`).waitFor();
    // Experts still see the hidden specimen, flagged and last, with the way to unhide it.
    const expertOrder = await expert.page
      .getByTestId('bank-specimen')
      .evaluateAll((cards) => cards.map((node) => node.getAttribute('data-specimen-id')));
    expect(expertOrder).toEqual([example.id, noted.id, poor.id]);
    await card(poor).getByTestId('bank-mark-clear').waitFor();
    expect(expert.errors).toEqual([]);

    const trainee = await testBed.signIn('trainee.ningbo');
    await trainee.page.getByTestId('nav-bank').click();
    const row = trainee.page.locator(`[data-testid="bank-taxon-row"][data-taxon="${PIPIENS}"]`);
    await row.waitFor();
    expect(await row.getByTestId('bank-taxon-specimens').textContent()).toBe('2');
    expect(await row.getByTestId('bank-taxon-examples').textContent()).toBe('1');
    await row.getByTestId('bank-taxon-link').click();
    await trainee.page.getByTestId('bank-specimen').first().waitFor();
    const traineeOrder = await trainee.page
      .getByTestId('bank-specimen')
      .evaluateAll((cards) => cards.map((node) => [node.getAttribute('data-specimen-id'), node.getAttribute('data-mark')]));
    expect(traineeOrder).toEqual([
      [example.id, 'example'],
      [noted.id, ''],
    ]);
    expect(await trainee.page.getByTestId('bank-mark-controls').count()).toBe(0);
    // The consultation's still, with the circle drawn over the photo.
    const still = trainee.page.locator(`[data-testid="bank-specimen"][data-specimen-id="${noted.id}"]`).getByTestId('bank-still');
    expect(await still.getAttribute('data-annotation-count')).toBe('1');
    // Drawn, not only counted: the canvas over the photo has coloured pixels once the photo has loaded.
    const painted = () =>
      still.getByTestId('bank-still-canvas').evaluate((element) => {
        const canvas = element as unknown as {
          width: number;
          height: number;
          getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
        };
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let opaque = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque += 1;
        return opaque;
      });
    await expect.poll(painted, { timeout: UI_TIMEOUT }).toBeGreaterThan(100);

    // The look-alike the AI mistook it for comes first, and leads to its own entry.
    const lookAlike = trainee.page.getByTestId('bank-look-alike').first();
    expect(await lookAlike.getAttribute('data-taxon')).toBe(LOOK_ALIKE);
    expect(await lookAlike.textContent()).toContain('confused once');
    await lookAlike.getByTestId('bank-look-alike-link').click();
    await trainee.page.locator(`[data-testid="bank-entry-page"][data-taxon="${LOOK_ALIKE}"]`).waitFor();
    await trainee.page.getByTestId('bank-specimen').first().waitFor();
    expect(await trainee.page.getByTestId('bank-look-alike').first().getAttribute('data-taxon')).toBe(PIPIENS);
    expect(trainee.errors).toEqual([]);
  });
});
