import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertDeliveryRepository } from '../../api/repositories/alert-delivery.repository.js';
import type { AlertChannel, AlertChannelBody } from '../../api/contract/index.js';
import { as } from './client.js';
import { jpegImage } from './images.js';
import type { TestApp } from './test-app.js';
import { uploadSpecimen, validMetadata } from './uploads.js';

export const WATCHED_TAXON = { id: 'Aedes albopictus', nameZh: '白纹伊蚊', nameEn: 'Asian tiger mosquito' };

/** An administrator's new channel (the answer carries a webhook's secret, once). */
export async function createChannel(t: TestApp, body: AlertChannelBody): Promise<AlertChannel> {
  const response = await (await as(t, 'admin')).createAlertChannel({ body });
  if (response.statusCode !== 201) throw new Error(`creating the alert channel failed: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function unitId(t: TestApp, code: string): Promise<string> {
  const { id } = await t.database.db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  return id;
}

/** The port each demo staff member uploads at. */
const portOf: Record<string, string> = { 'staff.beilun': 'CNNGB-BL', 'staff.airport': 'CNNGB-LS', 'staff.yangshan': 'CNSHA-YS' };

let seed = 100;

/**
 * A watch-list alert about a new specimen uploaded by `username`, written as the review will write it: the detection,
 * the alert and (in the same transaction) its deliveries, which are then handed to the queue. Returns the ids.
 */
export async function raiseAlert(
  t: TestApp,
  username = 'staff.beilun',
): Promise<{ alertId: string; specimenId: string; deliveryIds: string[] }> {
  seed += 1;
  const upload = await uploadSpecimen(await as(t, username), validMetadata({ portCode: portOf[username] }), [
    { name: 'trap.jpg', data: await jpegImage(seed) },
  ]);
  if (upload.statusCode !== 201) throw new Error(`upload failed: ${upload.body}`);
  const specimen = upload.json();
  const db = t.database.db;
  const { parent_id: parentId } = await db
    .selectFrom('units')
    .select('parent_id')
    .where('id', '=', specimen.unitId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('taxa')
    .values({
      id: WATCHED_TAXON.id,
      rank: 'species',
      group: 'mosquito',
      name_zh: WATCHED_TAXON.nameZh,
      name_en: WATCHED_TAXON.nameEn,
      lineage: '/Culicidae/Aedes/Aedes albopictus/',
      search_text: 'aedes albopictus 白纹伊蚊 asian tiger mosquito',
      watch_list: true,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const deliveries = new AlertDeliveryRepository(db);
  const { alertId, deliveryIds } = await db.transaction().execute(async (trx) => {
    const detection = await trx
      .insertInto('detections')
      .values({
        specimen_id: specimen.id,
        taxon_id: WATCHED_TAXON.id,
        port_id: specimen.port.id,
        unit_id: specimen.unitId,
        site_type: specimen.siteType,
        collected_at: specimen.collectedAt,
        count: specimen.count,
        identified_by: 'expert',
        first_levels: JSON.stringify(['port']),
        watch_list: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const alert = await trx
      .insertInto('alerts')
      .values({
        detection_id: detection.id,
        specimen_id: specimen.id,
        taxon_id: WATCHED_TAXON.id,
        port_id: specimen.port.id,
        unit_id: specimen.unitId,
        responsible_unit_id: parentId ?? specimen.unitId,
        reasons: JSON.stringify(['watch_list', 'first_at_port']),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { alertId: alert.id, deliveryIds: await deliveries.createFor(trx, alert.id, specimen.unitId) };
  });
  await t.services.alertDelivery.enqueue(deliveryIds);
  return { alertId, specimenId: specimen.id, deliveryIds };
}

/** The delivery of `alertId` through `channelId`, with its attempts in order. */
export async function deliveryOf(t: TestApp, alertId: string, channelId: string) {
  const db = t.database.db;
  const delivery = await db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('alert_id', '=', alertId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst();
  const attempts = delivery
    ? await db.selectFrom('alert_delivery_attempts').selectAll().where('delivery_id', '=', delivery.id).orderBy('attempt').execute()
    : [];
  return { delivery, attempts };
}

export interface ReceivedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (what a signature is computed over). */
  body: string;
  at: number;
}

/** What a receiver answers to its n-th request (0-based): a status and body, or no answer at all. */
export type ReceiverAnswer = (request: ReceivedRequest, index: number) => { status: number; body?: string } | 'hang';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP endpoint on 127.0.0.1 that records every request and answers as `answer` says. */
export async function startReceiver(answer: ReceiverAnswer): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      const reply = answer(received, requests.length - 1);
      if (reply === 'hang') return;
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
