import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerOf, Endpoint, Specimen } from '../../api/contract/index.js';
import { BrowserTestBed, chromiumAvailability, UI_TIMEOUT, type BrowserSession } from '../helpers/browser.js';
import { as, type Answer, type Client } from '../helpers/client.js';
import { jpegImage } from '../helpers/images.js';
import { waitForRecordedTracks } from '../helpers/recordings.js';
import { probeMedia } from '../../rtc/recording/ffmpeg.js';
import { FFMPEG_TOOLS, ffmpegAvailability, mediasoupAvailability } from '../helpers/services.js';

// Live rooms (ADR 0009) end to end: the real server with a mediasoup worker, the web app in headless Chromium
// with fake camera and microphone, people joining through the pages they would use.

/** How long media may take to flow (ICE, DTLS, the first key frame) on a busy machine. */
const MEDIA_TIMEOUT = 30_000;
/** The window over which received video must keep growing. */
const GROWTH_WINDOW_MS = 2_000;

const chromium = chromiumAvailability();
const mediasoup = await mediasoupAvailability();
const ffmpeg = await ffmpegAvailability();
const skipReason = !chromium.available ? chromium.reason : !mediasoup.available ? mediasoup.reason : '';
if (skipReason) console.warn(`[live-room e2e] SKIPPED: ${skipReason}`);

// ---- the page's test hook (web/src/rtc/room-client.ts RoomTestHook), as seen from the test ---------------------

interface InboundVideoStats {
  consumerId: string;
  peerId: string;
  source: string;
  framesDecoded: number;
  bytesReceived: number;
  packetsLost: number;
  frameWidth: number;
  frameHeight: number;
}

interface HookInfo {
  phase: string;
  peerId: string | null;
  role: string | null;
  joins: number;
  iceRestarts: number;
  consumers: number;
  producers: string[];
  annotations: number;
  still: string | null;
  layers: Record<string, number>;
  timing: Record<
    | 'joinStartedAt'
    | 'joinedAt'
    | 'recvTransportAt'
    | 'firstVideoConsumeAnsweredAt'
    | 'firstVideoConsumerAt'
    | 'recvConnectedAt'
    | 'firstVideoResumedAt'
    | 'firstFrameAt',
    number | null
  >;
}

type ProduceAnswer = { ok: true; producerId: string } | { ok: false; code: string; message: string };

interface HookScope {
  __vectordeskRoom?: {
    info(): HookInfo;
    stats(): Promise<InboundVideoStats[]>;
    produce(source: string): Promise<ProduceAnswer>;
    dropConnection(): void;
    restartIce(): Promise<void>;
  };
}

/** The page's global scope with the count of getUserMedia calls (the tests' tsconfig has no DOM types). */
interface GetUserMediaCount {
  __getUserMediaCalls: number;
  navigator: { mediaDevices: { getUserMedia(constraints?: unknown): Promise<unknown> } };
}

/** Emoji and the symbols (arrows, shapes, dingbats …) once used as icons, which show as boxes without an emoji font. */
const SYMBOL_CHARACTERS = /\p{Extended_Pictographic}|[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2980-\u29ff]/u;

function hookInfo(page: Page): Promise<HookInfo | null> {
  return page.evaluate(() => (globalThis as unknown as HookScope).__vectordeskRoom?.info() ?? null);
}

function videoStats(page: Page): Promise<InboundVideoStats[]> {
  return page.evaluate(() => (globalThis as unknown as HookScope).__vectordeskRoom?.stats() ?? Promise.resolve([]));
}

type Point = [number, number];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.skipIf(Boolean(skipReason))(
  `live rooms in Chromium against the real server with mediasoup${skipReason ? ` — skipped: ${skipReason}` : ''}`,
  () => {
    let testBed: BrowserTestBed;
    let specimen: Specimen;

    beforeAll(async () => {
      // Identify jobs stay queued: the models are not what these tests are about, and they would load the CPU.
      // With its own PUBLIC_URL: one test adds a second api process, as when several machines share the rooms.
      testBed = await BrowserTestBed.start({ media: true, publicUrl: true, env: { IDENTIFY_JOBS_IN_API: 'false' } });
      specimen = await testBed.uploadSpecimenAs('staff.beilun', { locationDetail: 'live room e2e' }, [
        { name: 'dorsal.jpg', data: await jpegImage(71, 640, 480) },
      ]);
    });
    afterEach(() => testBed?.closeSessions());
    afterAll(() => testBed?.close());

    // ---- helpers -------------------------------------------------------------------------------------

    /** The body of what `call` answers to `username`; anything but 2xx fails, naming the request. */
    async function apiAs<E extends Endpoint>(username: string, call: (client: Client) => Promise<Answer<E>>): Promise<AnswerOf<E>> {
      const response = await call(await as(testBed.server, username));
      const { method, url } = response.raw.req;
      if (response.statusCode >= 300) throw new Error(`${method} ${url} as ${username} → ${response.statusCode} ${response.body}`);
      return response.json();
    }

    function createConsultation() {
      return apiAs('expert.ningbo', (expert) => expert.createRoom({ body: { kind: 'consultation', specimenId: specimen.id } }));
    }

    async function openRoom(session: BrowserSession, roomId: string): Promise<void> {
      await session.page.goto(`/#/rooms/${roomId}`);
      await session.page.locator(`[data-testid="room-page"][data-room-id="${roomId}"]`).waitFor();
    }

    /** Joins from the pre-join screen (with the camera preview running, unless a trainee) and waits until joined. */
    async function join(page: Page, { preview = true } = {}): Promise<void> {
      await page.getByTestId('prejoin').waitFor();
      if (preview) {
        await page.getByTestId('prejoin-preview').waitFor();
        await expect
          .poll(() => page.getByTestId('prejoin-microphone').locator('option').count(), { timeout: UI_TIMEOUT })
          .toBeGreaterThan(0);
      }
      await page.getByTestId('room-join').click();
      await page.locator('[data-testid="room-phase"][data-phase="joined"]').waitFor({ timeout: MEDIA_TIMEOUT });
    }

    /**
     * Waits until the page receives video from another peer (`filter` picks which), then checks over
     * GROWTH_WINDOW_MS that frames keep being decoded and bytes keep arriving on that same consumer.
     */
    async function expectVideoFlowing(
      page: Page,
      label: string,
      filter: (stats: InboundVideoStats) => boolean = () => true,
    ): Promise<InboundVideoStats> {
      let first: InboundVideoStats | undefined;
      await expect
        .poll(
          async () => {
            first = (await videoStats(page)).find((stats) => filter(stats) && stats.framesDecoded > 0);
            return first !== undefined;
          },
          { timeout: MEDIA_TIMEOUT, message: `${label}: no decoded video frames` },
        )
        .toBe(true);
      // Growing within a few windows, not one: a tile that moves onto the stage asks for a higher simulcast layer, and
      // on a loaded machine the first frames of that layer can take a moment.
      let later: InboundVideoStats | undefined;
      await expect
        .poll(
          async () => {
            later = (await videoStats(page)).find((stats) => stats.consumerId === first!.consumerId);
            return later !== undefined && later.framesDecoded > first!.framesDecoded && later.bytesReceived > first!.bytesReceived;
          },
          { timeout: GROWTH_WINDOW_MS * 4, interval: GROWTH_WINDOW_MS, message: `${label}: framesDecoded and bytesReceived did not grow` },
        )
        .toBe(true);
      return later!;
    }

    /** Opens the room, joins it and waits until the page sends its camera and microphone. */
    async function joinSending(session: BrowserSession, roomId: string): Promise<void> {
      await openRoom(session, roomId);
      await join(session.page);
      await expect
        .poll(async () => (await hookInfo(session.page))?.producers.sort(), { timeout: MEDIA_TIMEOUT })
        .toEqual(['camera', 'microphone']);
    }

    async function videoWidthOf(page: Page, peerId?: string): Promise<number> {
      const selector = peerId ? `[data-testid="remote-tile"][data-peer-id="${peerId}"] video` : '[data-testid="remote-tile"] video';
      return page
        .locator(selector)
        .first()
        .evaluate((video: { videoWidth: number }) => video.videoWidth);
    }

    /** The spatial layers the server's consumers of `peerId` (video only) prefer now: what setConsumerLayers set. */
    async function preferredLayersOnServer(roomId: string, peerId: string): Promise<(number | null)[]> {
      const room = await testBed.server.rtc?.rooms.find(roomId);
      const consumers = [...(room?.peers.get(peerId)?.consumers.values() ?? [])];
      return consumers.filter((consumer) => consumer.kind === 'video').map((consumer) => consumer.preferredLayers?.spatialLayer ?? null);
    }

    /**
     * Counts the page's getUserMedia calls from now on (the page is loaded again so the count is in place before the
     * app's code runs).
     */
    async function countGetUserMedia(page: Page): Promise<void> {
      await page.addInitScript(() => {
        const scope = globalThis as unknown as GetUserMediaCount;
        scope.__getUserMediaCalls = 0;
        const media = scope.navigator.mediaDevices;
        // about:blank, on the way to the app, is no secure context and has none.
        if (!media) return;
        const original = media.getUserMedia.bind(media);
        media.getUserMedia = (constraints) => {
          scope.__getUserMediaCalls += 1;
          return original(constraints);
        };
      });
      await page.goto('about:blank');
    }

    function getUserMediaCalls(page: Page): Promise<number> {
      return page.evaluate(() => (globalThis as unknown as GetUserMediaCount).__getUserMediaCalls);
    }

    function uncaught(session: BrowserSession): string[] {
      return session.errors.filter((error) => error.startsWith('pageerror'));
    }

    // ---- tests ---------------------------------------------------------------------------------------

    it("an expert starts a consultation from the specimen page; port staff join it there and receive the expert's video", async () => {
      const expert = await testBed.signIn('expert.ningbo');
      const staff = await testBed.signIn('staff.beilun');

      await expert.page.goto(`/#/specimens/${specimen.id}`);
      await expert.page.getByTestId('start-consultation').click();
      await expert.page.getByTestId('room-page').waitFor();
      const roomId = await expert.page.getByTestId('room-page').getAttribute('data-room-id');
      expect(roomId).toMatch(/^[0-9a-f-]{36}$/);
      await join(expert.page);
      expect(await expert.page.getByTestId('room-role').getAttribute('data-role')).toBe('host');
      await expect
        .poll(async () => (await hookInfo(expert.page))?.producers.sort(), { timeout: MEDIA_TIMEOUT })
        .toEqual(['camera', 'microphone']);

      // Staff find the open consultation on the specimen page and join from there.
      await staff.page.goto(`/#/specimens/${specimen.id}`);
      const listed = staff.page.locator(`[data-testid="specimen-room"][data-room-id="${roomId}"]`);
      await listed.waitFor();
      expect(await listed.getAttribute('data-active')).toBe('true');
      expect(await staff.page.getByTestId('start-consultation').count()).toBe(0);
      await listed.getByTestId('join-room').click();
      await join(staff.page);
      expect(await staff.page.getByTestId('room-role').getAttribute('data-role')).toBe('participant');

      const expertPeerId = (await hookInfo(expert.page))!.peerId!;
      await expect.poll(() => videoWidthOf(staff.page, expertPeerId), { timeout: MEDIA_TIMEOUT }).toBeGreaterThan(0);
      const received = await expectVideoFlowing(staff.page, 'staff receiving the expert', (stats) => stats.peerId === expertPeerId);
      expect(received.source).toBe('camera');
      // The only remote video fills the stage: the client asks for the top simulcast layer, and the server has it.
      await expect.poll(async () => Object.values((await hookInfo(staff.page))!.layers), { timeout: UI_TIMEOUT }).toEqual([2]);
      const staffPeer = (await hookInfo(staff.page))!.peerId!;
      expect(await preferredLayersOnServer(roomId!, staffPeer)).toEqual([2]);

      const timing = (await hookInfo(staff.page))!.timing;
      expect(timing.joinStartedAt).not.toBeNull();
      expect(timing.firstFrameAt).not.toBeNull();
      const joinToFirstFrame = Math.round(timing.firstFrameAt! - timing.joinStartedAt!);
      const since = (at: number | null) => (at === null ? null : Math.round(at - timing.joinStartedAt!));
      const phases = {
        joined: since(timing.joinedAt),
        'receive transport': since(timing.recvTransportAt),
        'consume answered': since(timing.firstVideoConsumeAnsweredAt),
        'consumer set up': since(timing.firstVideoConsumerAt),
        resumed: since(timing.firstVideoResumedAt),
        'receive transport connected': since(timing.recvConnectedAt),
      };
      console.log(
        '[rtc] join→first frame ms',
        joinToFirstFrame,
        `(from join: ${Object.entries(phases)
          .map(([phase, ms]) => `${phase} ${ms}`)
          .join(', ')} ms)`,
      );
      expect(joinToFirstFrame).toBeGreaterThan(0);
      // `npm run bench:rtc` runs this case and prints what it measured.
      if (process.env.VECTORDESK_FIRST_FRAME_FILE)
        await writeFile(process.env.VECTORDESK_FIRST_FRAME_FILE, JSON.stringify({ joinToFirstFrameMs: joinToFirstFrame, phases }));

      // And the other way round: the expert sees the staff member's camera.
      const staffPeerId = (await hookInfo(staff.page))!.peerId!;
      await expectVideoFlowing(expert.page, 'expert receiving staff', (stats) => stats.peerId === staffPeerId);
      // Both list each other.
      await expert.page.locator(`[data-testid="participant"][data-peer-id="${staffPeerId}"]`).waitFor();

      expect(uncaught(expert)).toEqual([]);
      expect(uncaught(staff)).toEqual([]);
    });

    it("with two api processes, staff on the other one are sent to the process hosting the room and receive the expert's video", async () => {
      const other = await testBed.startAnotherProcess();
      try {
        const room = await createConsultation();
        const expert = await testBed.signIn('expert.ningbo');
        await joinSending(expert, room.id);
        // Signed in at the other process's address: its page asks that process for the token, which names the host.
        const staff = await testBed.signIn('staff.beilun', other);
        await openRoom(staff, room.id);
        await join(staff.page);
        await expectVideoFlowing(staff.page, 'staff on the other process');
        expect(await other.rtc!.rooms.find(room.id)).toBeUndefined();
        expect((await testBed.server.rtc!.rooms.find(room.id))?.peers.size).toBe(2);
        expect(uncaught(staff)).toEqual([]);
      } finally {
        await testBed.closeSessions();
        await other.close();
      }
    });

    it('a trainee in a class sees no send controls and is refused by the server when producing without a grant', async () => {
      const trainee = await apiAs('trainee.ningbo', (client) => client.getMe());
      const room = await apiAs('expert.ningbo', (expert) =>
        expert.createRoom({ body: { kind: 'class', title: 'Aedes albopictus: key features', trainees: [trainee.user.id] } }),
      );

      const presenter = await testBed.signIn('expert.ningbo');
      await openRoom(presenter, room.id);
      await join(presenter.page);

      const student = await testBed.signIn('trainee.ningbo');
      await openRoom(student, room.id);
      await student.page.getByTestId('prejoin-trainee').waitFor();
      expect(await student.page.getByTestId('prejoin-camera').count()).toBe(0);
      await join(student.page, { preview: false });
      expect(await student.page.getByTestId('room-role').getAttribute('data-role')).toBe('trainee');

      // Receives the presenter, shows no way to send.
      await expectVideoFlowing(student.page, 'trainee receiving the presenter');
      const controls = student.page.getByTestId('room-controls');
      await controls.getByTestId('control-hand').waitFor();
      for (const control of ['control-mic', 'control-camera', 'control-screen', 'control-microscope', 'control-still', 'control-end']) {
        expect(await controls.getByTestId(control).count(), control).toBe(0);
      }

      // The server refuses a producer all the same.
      const refused = await student.page.evaluate(() => (globalThis as unknown as HookScope).__vectordeskRoom!.produce('microphone'));
      expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
      const refusedCamera = await student.page.evaluate(() => (globalThis as unknown as HookScope).__vectordeskRoom!.produce('camera'));
      expect(refusedCamera).toMatchObject({ ok: false, code: 'forbidden' });
      expect((await hookInfo(student.page))!.producers).toEqual([]);

      // A raised hand reaches the presenter, who grants the microphone for 60 s: now the trainee may speak.
      await controls.getByTestId('control-hand').click();
      const studentPeerId = (await hookInfo(student.page))!.peerId!;
      const row = presenter.page.locator(`[data-testid="participant"][data-peer-id="${studentPeerId}"]`);
      await expect.poll(() => row.getAttribute('data-hand-raised'), { timeout: UI_TIMEOUT }).toBe('true');
      await row.getByTestId('participant-grant').click();
      await controls.getByTestId('control-mic').waitFor();
      await student.page.getByTestId('grant-remaining').waitFor();
      await controls.getByTestId('control-mic').click();
      await expect.poll(async () => (await hookInfo(student.page))!.producers, { timeout: MEDIA_TIMEOUT }).toEqual(['microphone']);
      expect(await controls.getByTestId('control-camera').count()).toBe(0);

      // Revoked: the server closes the microphone and the button goes away.
      await row.getByTestId('participant-grant').click();
      await expect.poll(() => controls.getByTestId('control-mic').count(), { timeout: UI_TIMEOUT }).toBe(0);
      await expect.poll(async () => (await hookInfo(student.page))!.producers, { timeout: UI_TIMEOUT }).toEqual([]);

      expect(uncaught(presenter)).toEqual([]);
      expect(uncaught(student)).toEqual([]);
    });

    it("a trainee opening a consultation's link is refused on the pre-join screen without their camera starting; staff raise a hand the host sees; the controls' icons are SVG", async () => {
      const room = await createConsultation();
      const student = await testBed.signIn('trainee.ningbo');
      await countGetUserMedia(student.page);
      await openRoom(student, room.id);
      const refusal = student.page.getByTestId('join-refused');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-refusal')).toBe('trainee_in_consultation');
      expect(await student.page.getByTestId('prejoin').count()).toBe(0);
      expect(await student.page.getByTestId('room-join').count()).toBe(0);
      // The server's answer is shown; a moment more for anything that would still ask for a device.
      await sleep(1_000);
      expect(await getUserMediaCalls(student.page)).toBe(0);

      const expert = await testBed.signIn('expert.ningbo');
      await openRoom(expert, room.id);
      expect(await expert.page.getByTestId('prejoin-role').getAttribute('data-role')).toBe('host');
      await join(expert.page);
      const staff = await testBed.signIn('staff.beilun');
      await countGetUserMedia(staff.page);
      await openRoom(staff, room.id);
      expect(await staff.page.getByTestId('prejoin-role').getAttribute('data-role')).toBe('participant');
      await join(staff.page);
      // The same count sees the camera and microphone of someone who may send.
      expect(await getUserMediaCalls(staff.page)).toBeGreaterThan(0);

      const controls = staff.page.getByTestId('room-controls');
      await controls.getByTestId('control-hand').click();
      const staffPeerId = (await hookInfo(staff.page))!.peerId!;
      const row = expert.page.locator(`[data-testid="participant"][data-peer-id="${staffPeerId}"]`);
      await expect.poll(() => row.getAttribute('data-hand-raised'), { timeout: UI_TIMEOUT }).toBe('true');
      expect(await row.getByTestId('participant-hand').locator('svg[data-icon="hand"]').count()).toBe(1);
      expect(await controls.getByTestId('control-hand').getAttribute('data-raised')).toBe('true');
      // The host gives the floor rather than asking for it.
      expect(await expert.page.getByTestId('room-controls').getByTestId('control-hand').count()).toBe(0);
      await controls.getByTestId('control-hand').click();
      await expect.poll(() => row.getAttribute('data-hand-raised'), { timeout: UI_TIMEOUT }).toBe('false');

      for (const page of [staff.page, expert.page]) {
        const buttons = await page
          .getByTestId('room-controls')
          .locator('button')
          .evaluateAll((found) =>
            found.map((button) => ({
              button: button.getAttribute('data-testid'),
              svg: button.querySelector('svg[data-icon]') !== null,
              text: button.textContent ?? '',
            })),
          );
        expect(buttons.length).toBeGreaterThanOrEqual(4);
        for (const { button, svg, text } of buttons) {
          expect(svg, `${button} has an SVG icon`).toBe(true);
          expect(text, `${button} has no symbol for an icon`).not.toMatch(SYMBOL_CHARACTERS);
          expect(text.trim(), `${button} says what it does`).not.toBe('');
        }
      }
      expect(uncaught(student)).toEqual([]);
      expect(uncaught(staff)).toEqual([]);
      expect(uncaught(expert)).toEqual([]);
    });

    it('a peer restarts ICE, and when its connection is cut reconnects by itself and receives (and sends) video again', async () => {
      const room = await createConsultation();
      const expert = await testBed.signIn('expert.ningbo');
      const staff = await testBed.signIn('staff.beilun');
      await openRoom(expert, room.id);
      await join(expert.page);
      await openRoom(staff, room.id);
      await join(staff.page);

      const expertPeerId = (await hookInfo(expert.page))!.peerId!;
      await expectVideoFlowing(staff.page, 'before the cut', (stats) => stats.peerId === expertPeerId);
      const before = (await hookInfo(staff.page))!;
      expect(before.joins).toBe(1);

      // A transport that reports `disconnected` restarts ICE (new credentials from the server) and carries on.
      await staff.page.evaluate(() => (globalThis as unknown as HookScope).__vectordeskRoom!.restartIce());
      expect(await hookInfo(staff.page)).toMatchObject({ phase: 'joined', joins: 1, iceRestarts: 1, peerId: before.peerId });
      await expectVideoFlowing(staff.page, 'after an ICE restart', (stats) => stats.peerId === expertPeerId);
      expect((await hookInfo(staff.page))!.joins).toBe(1);

      // The network goes: socket and peer connections die under the client.
      const cutAt = Date.now();
      await staff.page.evaluate(() => (globalThis as unknown as HookScope).__vectordeskRoom!.dropConnection());
      await expect
        .poll(
          async () => {
            const info = await hookInfo(staff.page);
            return info?.phase === 'joined' && info.joins === 2;
          },
          { timeout: MEDIA_TIMEOUT, message: 'the client did not rejoin' },
        )
        .toBe(true);
      const rejoinedAfter = Date.now() - cutAt;
      const after = (await hookInfo(staff.page))!;
      expect(after.peerId).not.toBe(before.peerId);
      await expect
        .poll(async () => (await videoStats(staff.page)).some((stats) => stats.peerId === expertPeerId && stats.framesDecoded > 0), {
          timeout: MEDIA_TIMEOUT,
        })
        .toBe(true);
      console.log('[rtc] cut → rejoined ms', rejoinedAfter, '· cut → frames decoded again ms', Date.now() - cutAt, '(as polled)');
      await expectVideoFlowing(staff.page, 'after the cut', (stats) => stats.peerId === expertPeerId);

      // What the staff member was sending is sent again, under the new peer.
      await expect
        .poll(async () => (await hookInfo(staff.page))!.producers.sort(), { timeout: MEDIA_TIMEOUT })
        .toEqual(['camera', 'microphone']);
      await expectVideoFlowing(expert.page, 'expert receiving the reconnected staff', (stats) => stats.peerId === after.peerId);
      // The old peer is gone from the expert's list.
      await expect
        .poll(() => expert.page.locator(`[data-testid="participant"][data-peer-id="${before.peerId}"]`).count(), { timeout: UI_TIMEOUT })
        .toBe(0);

      expect(uncaught(expert)).toEqual([]);
      expect(uncaught(staff)).toEqual([]);
    });

    it('annotations on a shared still appear on the other page, are replayed to a late joiner, export as a PNG and are saved onto the specimen', async () => {
      const room = await createConsultation();
      const expert = await testBed.signIn('expert.ningbo');
      const staff = await testBed.signIn('staff.beilun');
      await openRoom(expert, room.id);
      await join(expert.page);
      await openRoom(staff, room.id);
      await join(staff.page);

      // The expert shares the specimen's photo; everybody sees the original.
      const image = specimen.images[0]!;
      await expert.page.getByTestId('control-still').click();
      await expert.page.locator(`[data-testid="still-option"][data-image-id="${image.id}"]`).click();
      for (const page of [expert.page, staff.page]) {
        const still = page.locator(`[data-testid="still-view"][data-image-id="${image.id}"]`);
        await still.waitFor();
        await expect
          .poll(
            () =>
              still
                .getByTestId('still-image')
                .evaluate((img: { complete: boolean; naturalWidth: number }) => (img.complete ? img.naturalWidth : 0)),
            { timeout: UI_TIMEOUT },
          )
          .toBe(image.width);
      }

      // With the still on stage the videos shrink to a strip: receivers drop to the lowest simulcast layer.
      const staffPeerId = (await hookInfo(staff.page))!.peerId!;
      await expect.poll(() => preferredLayersOnServer(room.id, staffPeerId), { timeout: UI_TIMEOUT }).toEqual([0]);

      // The expert draws an arrow, a circle, a freehand line and a label.
      const canvas = expert.page.getByTestId('still-canvas');
      /**
       * Where a point of the still (0–1) is on the screen now. The mouse reaches only the viewport, and the page may have
       * scrolled (the picker sat below the stage; clicking a tool brings the toolbar into view): measured each time.
       */
      async function at(x: number, y: number): Promise<[number, number]> {
        await canvas.scrollIntoViewIfNeeded();
        const box = (await canvas.boundingBox())!;
        return [box.x + box.width * x, box.y + box.height * y];
      }
      async function drag(from: readonly [number, number], to: readonly [number, number], steps = 5): Promise<void> {
        const start = await at(...from);
        const end = await at(...to);
        await expert.page.mouse.move(...start);
        await expert.page.mouse.down();
        await expert.page.mouse.move(...end, { steps });
        await expert.page.mouse.up();
      }
      await expert.page.getByTestId('tool-arrow').click();
      await drag([0.2, 0.2], [0.45, 0.45]);
      await expert.page.getByTestId('tool-circle').click();
      await drag([0.6, 0.5], [0.7, 0.6]);
      await expert.page.getByTestId('tool-freehand').click();
      await drag([0.1, 0.8], [0.5, 0.9], 12);
      await expert.page.getByTestId('tool-text').click();
      await expert.page.getByTestId('tool-text-input').fill('scutum');
      await expert.page.mouse.click(...(await at(0.5, 0.2)));

      const strokesOn = (page: Page) => page.getByTestId('still-canvas').getAttribute('data-stroke-count');
      await expect.poll(() => strokesOn(staff.page), { timeout: UI_TIMEOUT }).toBe('4');
      await expect.poll(() => strokesOn(expert.page), { timeout: UI_TIMEOUT }).toBe('4');
      expect((await hookInfo(staff.page))!.annotations).toBe(4);
      // Drawn, not only counted: the staff member's canvas has coloured pixels.
      const painted = await staff.page.getByTestId('still-canvas').evaluate((element) => {
        const canvasElement = element as unknown as {
          width: number;
          height: number;
          getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
        };
        const { data } = canvasElement.getContext('2d').getImageData(0, 0, canvasElement.width, canvasElement.height);
        let opaque = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) opaque += 1;
        return opaque;
      });
      expect(painted).toBeGreaterThan(100);

      // Staff draw too, in their own colour, and chat.
      expect(await staff.page.getByTestId('still-colour').getAttribute('data-colour')).not.toBe(
        await expert.page.getByTestId('still-colour').getAttribute('data-colour'),
      );
      await staff.page.getByTestId('tool-circle').click();
      await staff.page.getByTestId('still-canvas').scrollIntoViewIfNeeded();
      const staffBox = (await staff.page.getByTestId('still-canvas').boundingBox())!;
      await staff.page.mouse.move(staffBox.x + staffBox.width * 0.3, staffBox.y + staffBox.height * 0.6);
      await staff.page.mouse.down();
      await staff.page.mouse.move(staffBox.x + staffBox.width * 0.35, staffBox.y + staffBox.height * 0.65, { steps: 3 });
      await staff.page.mouse.up();
      await expect.poll(() => strokesOn(expert.page), { timeout: UI_TIMEOUT }).toBe('5');
      await staff.page.getByTestId('chat-input').fill('Pale scales on the scutum?');
      await staff.page.getByTestId('chat-send').click();
      await expect
        .poll(() => expert.page.getByTestId('chat-text').allTextContents(), { timeout: UI_TIMEOUT })
        .toEqual(['Pale scales on the scutum?']);

      // Someone joining later gets the still, the five strokes and the chat from the room's history.
      const late = await testBed.signIn('expert.hq');
      await openRoom(late, room.id);
      await join(late.page);
      await late.page.locator(`[data-testid="still-view"][data-image-id="${image.id}"]`).waitFor();
      await expect.poll(() => strokesOn(late.page), { timeout: UI_TIMEOUT }).toBe('5');
      expect(await late.page.getByTestId('chat-text').allTextContents()).toEqual(['Pale scales on the scutum?']);

      // Export: the full-resolution image with the strokes, as a PNG download.
      const [download] = await Promise.all([expert.page.waitForEvent('download'), expert.page.getByTestId('still-export').click()]);
      expect(download.suggestedFilename()).toBe(`vectordesk-still-${image.id}.png`);
      const png = await readFile((await download.path())!);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const metadata = await sharp(png).metadata();
      expect([metadata.width, metadata.height]).toEqual([image.width, image.height]);

      // Saved onto the specimen by the staff member: the annotated still becomes a new photo of it, at full resolution.
      await staff.page.getByTestId('still-save-to-specimen').click();
      const savedId = await staff.page.getByTestId('still-saved').getAttribute('data-image-id');
      const { images: withSaved } = await testBed.fetchSpecimenAs('expert.ningbo', specimen.id);
      expect(withSaved.find((candidate) => candidate.id === savedId)).toMatchObject({
        format: 'png',
        width: image.width,
        height: image.height,
      });

      // Clearing clears everybody's canvas.
      await expert.page.getByTestId('still-clear').click();
      for (const page of [expert.page, staff.page, late.page]) await expect.poll(() => strokesOn(page), { timeout: UI_TIMEOUT }).toBe('0');

      // The record keeps it all.
      const record = await apiAs('expert.ningbo', (expert) =>
        expert.listRoomEvents({ params: { id: room.id }, query: { kinds: 'annotation,annotations-cleared,still,chat' } }),
      );
      expect(record.items.map((event) => event.kind)).toEqual([
        'still',
        'annotation',
        'annotation',
        'annotation',
        'annotation',
        'annotation',
        'chat',
        'annotations-cleared',
      ]);

      for (const session of [expert, staff, late]) expect(uncaught(session)).toEqual([]);
    });

    it("a mark drawn over the expert's live video on the staff page shows at the same place of the picture on the expert's page, fades unless kept, and is recorded", async () => {
      const room = await createConsultation();
      const expert = await testBed.signIn('expert.ningbo');
      const staff = await testBed.signIn('staff.beilun');
      // Another window shape: the tiles differ, and so does how the picture is letterboxed in them.
      await staff.page.setViewportSize({ width: 900, height: 1000 });
      await joinSending(expert, room.id);
      await joinSending(staff, room.id);

      const overRemote = staff.page.locator('[data-testid="remote-tile"][data-source="camera"]');
      const overOwn = expert.page.locator('[data-testid="local-tile"][data-source="camera"]');
      await expect
        .poll(() => overRemote.locator('video').evaluate((video: { videoWidth: number }) => video.videoWidth), { timeout: MEDIA_TIMEOUT })
        .toBeGreaterThan(0);
      const producerId = (await overRemote.getAttribute('data-producer-id'))!;

      /** The canvas over a tile: its box on screen, the video's intrinsic frame, its pixel ratio and whether it is mirrored. */
      async function layout(tile: typeof overRemote) {
        const canvas = tile.getByTestId('live-marks');
        await canvas.scrollIntoViewIfNeeded();
        const box = (await canvas.boundingBox())!;
        const frame = await tile.locator('video').evaluate((video: { videoWidth: number; videoHeight: number }) => ({
          width: video.videoWidth,
          height: video.videoHeight,
        }));
        return { canvas, box, frame };
      }
      /** Painted (non-transparent) canvas pixels within `radius` CSS px of a point of the canvas box. */
      function paintedNear(canvas: ReturnType<typeof overRemote.getByTestId>, [x, y]: readonly [number, number], radius = 6) {
        return canvas.evaluate(
          (element, [cx, cy, r]) => {
            const c = element as unknown as {
              width: number;
              clientWidth: number;
              getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
            };
            const scale = c.width / c.clientWidth;
            const side = Math.round(2 * r * scale);
            const { data } = c.getContext('2d').getImageData(Math.round((cx - r) * scale), Math.round((cy - r) * scale), side, side);
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
            return painted;
          },
          [x, y, radius] as const,
        );
      }

      /** Where a point of the frame (0–1) shows in a box that letterboxes the frame (object-fit: contain), in CSS px. */
      function pixelOf(
        [x, y]: Point,
        box: { width: number; height: number },
        frame: { width: number; height: number },
        { mirrored = false } = {},
      ): Point {
        const scale = Math.min(box.width / frame.width, box.height / frame.height);
        const [width, height] = [frame.width * scale, frame.height * scale];
        return [(box.width - width) / 2 + (mirrored ? 1 - x : x) * width, (box.height - height) / 2 + y * height];
      }

      // A kept stroke over the picture at (0.25, 0.4) of the expert's camera frame, drawn on the staff page.
      const point: Point = [0.25, 0.4];
      await overRemote.getByTestId('live-marks-draw').click();
      await overRemote.getByTestId('live-marks-keep').check();
      const drawer = await layout(overRemote);
      const from = pixelOf(point, drawer.box, drawer.frame);
      const to = pixelOf([0.3, 0.45], drawer.box, drawer.frame);
      await staff.page.mouse.move(drawer.box.x + from[0], drawer.box.y + from[1]);
      await staff.page.mouse.down();
      await staff.page.mouse.move(drawer.box.x + to[0], drawer.box.y + to[1], { steps: 6 });
      await staff.page.mouse.up();

      // Stored with its target, kept, and the moment it was drawn; its first point is where the stroke began.
      const eventsOf = (kinds: string) =>
        apiAs('expert.ningbo', (client) => client.listRoomEvents({ params: { id: room.id }, query: { kinds } }));
      await expect.poll(async () => (await eventsOf('annotation')).items.length, { timeout: UI_TIMEOUT }).toBe(1);
      const [stored] = (await eventsOf('annotation')).items;
      expect(stored!.payload).toMatchObject({ shape: 'freehand', target: { producerId }, persistent: true });
      expect(Date.parse(stored!.at)).toBeGreaterThan(Date.now() - 60_000);
      const [firstX, firstY] = (stored!.payload.points as Point[])[0]!;
      expect(firstX).toBeCloseTo(point[0], 2);
      expect(firstY).toBeCloseTo(point[1], 2);

      // The expert sees it over their own camera (shown mirrored) at that point of the picture, and nowhere else.
      const viewer = await layout(overOwn);
      await expect.poll(() => viewer.canvas.getAttribute('data-mark-count'), { timeout: UI_TIMEOUT }).toBe('1');
      const expected = pixelOf(point, viewer.box, viewer.frame, { mirrored: true });
      expect(await paintedNear(viewer.canvas, expected)).toBeGreaterThan(0);
      expect(await paintedNear(viewer.canvas, pixelOf(point, viewer.box, viewer.frame))).toBe(0);
      // The staff page shows it where it was drawn.
      expect(await paintedNear(drawer.canvas, from)).toBeGreaterThan(0);

      // Not kept, a mark fades on every page after a few seconds; the kept one stays.
      await overRemote.getByTestId('live-marks-keep').uncheck();
      await staff.page.mouse.move(drawer.box.x + to[0], drawer.box.y + from[1]);
      await staff.page.mouse.down();
      await staff.page.mouse.move(drawer.box.x + from[0], drawer.box.y + to[1], { steps: 4 });
      await staff.page.mouse.up();
      await expect.poll(() => viewer.canvas.getAttribute('data-mark-count'), { timeout: UI_TIMEOUT }).toBe('2');
      await expect.poll(() => viewer.canvas.getAttribute('data-mark-count'), { timeout: UI_TIMEOUT }).toBe('1');

      // Clearing this video's marks clears them on every page, and is recorded for that video.
      await overRemote.getByTestId('live-marks-clear').click();
      for (const canvas of [viewer.canvas, drawer.canvas])
        await expect.poll(() => canvas.getAttribute('data-mark-count'), { timeout: UI_TIMEOUT }).toBe('0');
      expect(await paintedNear(viewer.canvas, expected)).toBe(0);
      const cleared = await eventsOf('annotations-cleared');
      expect(cleared.items.map((event) => event.payload)).toEqual([{ target: { producerId } }]);

      for (const session of [expert, staff]) expect(uncaught(session)).toEqual([]);
    });

    it('staff capture a frame of their camera: it is saved onto the specimen and shared as the still', async () => {
      const room = await createConsultation();
      const staff = await testBed.signIn('staff.beilun');
      await openRoom(staff, room.id);
      await join(staff.page);

      await staff.page.getByTestId('still-capture').click();
      const still = staff.page.getByTestId('still-view');
      await still.waitFor();
      const imageId = await still.getAttribute('data-image-id');
      expect(imageId).not.toBe(specimen.images[0]!.id);

      // A new JPEG photo of the specimen, shown sharp as the still and named in the room's record.
      const { images } = await testBed.fetchSpecimenAs('expert.ningbo', specimen.id);
      const captured = images.find((candidate) => candidate.id === imageId);
      expect(captured).toMatchObject({ format: 'jpeg' });
      await expect
        .poll(
          () =>
            still
              .getByTestId('still-image')
              .evaluate((img: { complete: boolean; naturalWidth: number }) => (img.complete ? img.naturalWidth : 0)),
          { timeout: UI_TIMEOUT },
        )
        .toBe(captured!.width);
      const record = await apiAs('expert.ningbo', (expert) =>
        expert.listRoomEvents({ params: { id: room.id }, query: { kinds: 'still' } }),
      );
      expect(record.items.map((event) => event.payload.imageId)).toEqual([imageId]);

      // The page learnt of the new photo (specimen.updated): the still picker offers it.
      await staff.page.getByTestId('control-still').click();
      await staff.page.locator(`[data-testid="still-option"][data-image-id="${imageId}"]`).waitFor();

      expect(uncaught(staff)).toEqual([]);
    });

    it('the host mutes a participant, sees their shared screen, records the identification agreed in the room and removes them', async () => {
      const room = await createConsultation();
      const expert = await testBed.signIn('expert.ningbo');
      const staff = await testBed.signIn('staff.beilun');
      for (const session of [expert, staff]) await joinSending(session, room.id);
      const staffPeerId = (await hookInfo(staff.page))!.peerId!;
      const row = expert.page.locator(`[data-testid="participant"][data-peer-id="${staffPeerId}"]`);
      // Only the host has moderation controls.
      expect(await staff.page.getByTestId('participant-mute').count()).toBe(0);

      // Host mute pauses the staff member's microphone on the server; their page shows it muted and may unmute.
      await row.getByTestId('participant-mute').click();
      const staffMic = staff.page.getByTestId('control-mic');
      await expect.poll(() => staffMic.getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('muted');
      const serverMicPaused = async () => {
        const peer = (await testBed.server.rtc?.rooms.find(room.id))?.peers.get(staffPeerId);
        return [...(peer?.producers.values() ?? [])].filter(({ source }) => source === 'microphone').map(({ producer }) => producer.paused);
      };
      expect(await serverMicPaused()).toEqual([true]);
      await staffMic.click();
      await expect.poll(serverMicPaused, { timeout: UI_TIMEOUT }).toEqual([false]);

      // Staff share their screen: the expert receives it as a third video source.
      await staff.page.getByTestId('control-screen').click();
      await expect
        .poll(async () => (await hookInfo(staff.page))?.producers.sort(), { timeout: MEDIA_TIMEOUT })
        .toEqual(['camera', 'microphone', 'screen']);
      await expectVideoFlowing(
        expert.page,
        'expert receiving the shared screen',
        (stats) => stats.peerId === staffPeerId && stats.source === 'screen',
      );

      // The host records the identification from the room's form: it joins the specimen's history, naming the room.
      await expert.page.getByTestId('room-identification-group').selectOption('mosquito');
      await expert.page.getByTestId('room-identification-taxon').fill('Aedes albopictus');
      await expert.page.getByTestId('room-identification-notes').fill('White scutal stripe seen under the microscope');
      await expert.page.getByTestId('room-identification-save').click();
      await expert.page.getByTestId('room-identification-saved').waitFor({ timeout: UI_TIMEOUT });
      const history = await testBed.fetchSpecimenAs('staff.beilun', specimen.id);
      expect(history.identifications).toContainEqual(
        expect.objectContaining({
          source: 'expert',
          taxon: 'Aedes albopictus',
          roomId: room.id,
          notes: 'White scutal stripe seen under the microscope',
        }),
      );

      // Removed: the staff page is sent out of the room, and the host no longer lists them.
      await row.getByTestId('participant-remove').click();
      await staff.page.locator('[data-testid="room-closed"][data-reason="removed"]').waitFor({ timeout: UI_TIMEOUT });
      await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      expect(uncaught(expert)).toEqual([]);
      expect(uncaught(staff)).toEqual([]);
    });

    it('a shared screen fills the stage of a 1366×768 window; the speaker is highlighted; a pinned tile takes the stage, which goes full screen', async () => {
      const room = await createConsultation();
      const expert = await testBed.signIn('expert.ningbo');
      const staff = await testBed.signIn('staff.beilun');
      await expert.page.setViewportSize({ width: 1366, height: 768 });
      for (const session of [expert, staff]) await joinSending(session, room.id);
      const staffPeerId = (await hookInfo(staff.page))!.peerId!;
      const stage = expert.page.getByTestId('room-stage');
      const strip = expert.page.getByTestId('room-tiles');
      const staffTile = (source: string) => `[data-testid="remote-tile"][data-peer-id="${staffPeerId}"][data-source="${source}"]`;

      // Only the staff member's microphone is open: the server's speaker observer names them, from the fake microphone's beep.
      await expert.page.getByTestId('control-mic').click();
      await expect.poll(() => expert.page.getByTestId('control-mic').getAttribute('data-state'), { timeout: UI_TIMEOUT }).toBe('muted');
      await expect
        .poll(() => expert.page.locator(staffTile('camera')).getAttribute('data-speaking'), { timeout: MEDIA_TIMEOUT })
        .toBe('true');
      expect(await expert.page.locator('[data-testid="local-tile"]').getAttribute('data-speaking')).toBe('false');

      await staff.page.getByTestId('control-screen').click();
      const sharedScreen = stage.locator(staffTile('screen'));
      await sharedScreen.waitFor({ timeout: MEDIA_TIMEOUT });
      await expect
        .poll(() => sharedScreen.locator('video').evaluate((video: { videoWidth: number }) => video.videoWidth), { timeout: MEDIA_TIMEOUT })
        .toBeGreaterThan(0);
      // Readable: nearly the window's width, where the even grid gave it about 265 px.
      expect((await sharedScreen.boundingBox())!.width).toBeGreaterThanOrEqual(1000);
      await strip.locator(staffTile('camera')).waitFor();

      // Pinning the camera puts it on the stage and the screen in the strip; pinning it again gives the screen back.
      await strip.locator(staffTile('camera')).getByTestId('remote-tile-pin').click();
      await stage.locator(`${staffTile('camera')}[data-pinned="true"]`).waitFor({ timeout: UI_TIMEOUT });
      await strip.locator(staffTile('screen')).waitFor({ timeout: UI_TIMEOUT });
      await stage.locator(staffTile('camera')).getByTestId('remote-tile-pin').click();
      await sharedScreen.waitFor({ timeout: UI_TIMEOUT });

      // The grid layout stages nothing; back to the stage layout.
      await expert.page.getByTestId('layout-toggle').click();
      await stage.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      expect(await strip.locator(staffTile('screen')).count()).toBe(1);
      await expert.page.getByTestId('layout-toggle').click();

      await sharedScreen.getByTestId('remote-tile-fullscreen').click();
      await expect
        .poll(
          () =>
            expert.page.evaluate(() => {
              const element = (globalThis as unknown as { document: { fullscreenElement: { dataset: Record<string, string> } | null } })
                .document.fullscreenElement;
              return element ? `${element.dataset.testid}:${element.dataset.source}` : null;
            }),
          { timeout: UI_TIMEOUT },
        )
        .toBe('remote-tile:screen');
      expect(uncaught(expert)).toEqual([]);
      expect(uncaught(staff)).toEqual([]);
    });

    it.skipIf(!ffmpeg.available)(
      `the host records the consultation: everyone sees the REC badge, the room page plays (and seeks in) the WebM of both cameras and offers it to download, and still does read-only once the room ended ${ffmpeg.reason}`,
      async () => {
        const room = await createConsultation();
        const expert = await testBed.signIn('expert.ningbo');
        const staff = await testBed.signIn('staff.beilun');
        for (const session of [expert, staff]) await joinSending(session, room.id);
        expect(await staff.page.getByTestId('recording-start').count()).toBe(0);

        await expert.page.getByTestId('recording-start').click();
        await staff.page.getByTestId('room-recording-indicator').waitFor({ timeout: UI_TIMEOUT });
        const [running] = (await apiAs('expert.ningbo', (expert) => expert.listRecordings({ params: { id: room.id } }))).items;
        await waitForRecordedTracks(path.join(testBed.server.config.storageDir, 'recordings', room.id, running!.id), 4, MEDIA_TIMEOUT);
        await sleep(2000);
        await expert.page.getByTestId('recording-stop').click();
        await staff.page.getByTestId('room-recording-indicator').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

        // Listed on the room page once written; the link downloads with the page's own session.
        const ready = staff.page.locator('[data-testid="recording"][data-status="ready"]');
        await ready.waitFor({ timeout: MEDIA_TIMEOUT });
        const href = await ready.getByTestId('recording-download').getAttribute('href');
        const downloaded = await staff.page.evaluate(async (url) => {
          const response = await fetch(url);
          return { status: response.status, type: response.headers.get('content-type'), size: (await response.arrayBuffer()).byteLength };
        }, href!);
        expect(downloaded).toMatchObject({ status: 200, type: 'video/webm' });
        expect(downloaded.size).toBeGreaterThan(10_000);

        // It plays on the page, and seeks: the player asks for byte ranges, which the server serves.
        const ranged = await staff.page.evaluate(async (url) => {
          const response = await fetch(url, { headers: { range: 'bytes=100-1099' } });
          return { status: response.status, range: response.headers.get('content-range'), size: (await response.arrayBuffer()).byteLength };
        }, href!);
        expect(ranged).toEqual({ status: 206, range: `bytes 100-1099/${downloaded.size}`, size: 1000 });
        await ready.getByTestId('recording-play').click();
        const played = await ready.getByTestId('recording-player').evaluate(
          (element) =>
            new Promise<{ duration: number; width: number; seekedTo: number }>((resolve, reject) => {
              const video = element as unknown as {
                duration: number;
                videoWidth: number;
                currentTime: number;
                readyState: number;
                error: { code: number; message: string } | null;
                addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
              };
              video.addEventListener('error', () => reject(new Error(`the player failed: ${video.error?.message ?? video.error?.code}`)));
              const seek = () => {
                video.addEventListener(
                  'seeked',
                  () => resolve({ duration: video.duration, width: video.videoWidth, seekedTo: video.currentTime }),
                  { once: true },
                );
                video.currentTime = video.duration / 2;
              };
              if (video.readyState >= 1) seek();
              else video.addEventListener('loadedmetadata', seek, { once: true });
            }),
        );
        expect(played.duration).toBeGreaterThan(1.5);
        // Both cameras, side by side in the playback file.
        expect(played.width).toBe(1280);
        expect(played.seekedTo).toBeCloseTo(played.duration / 2, 0);

        // Both people's camera and microphone, as sent; the playback file holds VP8 video and the mixed Opus audio.
        const { items } = await apiAs('staff.beilun', (client) => client.listRecordings({ params: { id: room.id } }));
        expect(items[0]!.tracks.map((track) => `${track.source}:${track.codec}`).sort()).toEqual([
          'camera:VP8',
          'camera:VP8',
          'microphone:opus',
          'microphone:opus',
        ]);
        expect(items[0]!.durationMs).toBeGreaterThan(1500);
        const file = await (
          await as(testBed.server, 'staff.beilun')
        ).getRecordingFile({ params: { id: room.id, recordingId: items[0]!.id } });
        const probed = await probeMediaBytes(file.rawPayload);
        expect(probed?.streams.map((stream) => `${stream.kind}:${stream.codec}`).sort()).toEqual(['audio:opus', 'video:vp8']);

        // The room ends; its page stays, read-only: who took part, and the recording, which still plays.
        await apiAs('expert.ningbo', (client) => client.endRoom({ params: { id: room.id } }));
        await staff.page.goto('/#/rooms');
        await staff.page.locator(`[data-testid="ended-room"][data-room-id="${room.id}"]`).getByTestId('room-record-link').click();
        const record = staff.page.getByTestId('room-record');
        await record.waitFor({ timeout: UI_TIMEOUT });
        const people = await record
          .getByTestId('room-record-people')
          .locator('li')
          .evaluateAll((items) =>
            items.map((item) => (item as unknown as { getAttribute(name: string): string | null }).getAttribute('data-user-id')),
          );
        expect(people).toHaveLength(2);
        const kept = staff.page.locator('[data-testid="recording"][data-status="ready"]');
        await kept.getByTestId('recording-play').click();
        const replayed = await kept.getByTestId('recording-player').evaluate(
          (element) =>
            new Promise<number>((resolve, reject) => {
              const video = element as unknown as {
                videoWidth: number;
                readyState: number;
                addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
              };
              video.addEventListener('error', () => reject(new Error('the player failed')));
              if (video.readyState >= 1) resolve(video.videoWidth);
              else video.addEventListener('loadedmetadata', () => resolve(video.videoWidth), { once: true });
            }),
        );
        expect(replayed).toBe(1280);
        expect(uncaught(expert)).toEqual([]);
        expect(uncaught(staff)).toEqual([]);
      },
    );
  },
);

/** What FFmpeg reads in these bytes (written to a temporary file for ffprobe). */
async function probeMediaBytes(bytes: Buffer) {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'vectordesk-e2e-recording-'));
  try {
    await writeFile(path.join(directory, 'recording'), bytes);
    return await probeMedia(FFMPEG_TOOLS, path.join(directory, 'recording'));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
