import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type AlertChannel, type AlertChannelBody } from '../../api/contract/index.js';
import { unitId } from '../helpers/alerts.js';
import { auditOf, expectError } from '../helpers/audit.js';
import { as, type Client } from '../helpers/client.js';
import { testBackends } from '../helpers/database.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

for (const backend of await testBackends()) {
  describe.skipIf(!backend.availability.available)(`alert channels API on ${backend.name} ${backend.availability.reason}`, () => {
    let t: TestApp;
    let admin: Client;
    let ningbo: string;

    beforeAll(async () => {
      t = await createTestApp(backend.name);
      admin = await as(t, 'admin');
      ningbo = await unitId(t, 'NINGBO');
    });
    afterAll(() => t?.close());

    /** Rows of the channels and the audit log: a refused change leaves both as they were. */
    const trace = async () => ({
      channels: await t.database.db.selectFrom('alert_channels').selectAll().orderBy('id').execute(),
      audit: (await t.database.db.selectFrom('audit_log').select('id').execute()).length,
    });
    const auditOfChannel = (channelId: string) => auditOf(t, 'alert_channel', channelId);
    const created = async (body: AlertChannelBody): Promise<AlertChannel> => {
      const response = await admin.createAlertChannel({ body });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };

    it('creates a webhook channel with a generated secret, shown once and kept out of lists and the audit log', async () => {
      const channel = await created({
        kind: 'webhook',
        unitId: ningbo,
        name: 'Ningbo SOC',
        webhook: { url: 'https://soc.example.cn/hooks/vd' },
      });
      expect(channel).toMatchObject({
        kind: 'webhook',
        name: 'Ningbo SOC',
        enabled: true,
        unit: { id: ningbo, code: 'NINGBO' },
        webhook: { url: 'https://soc.example.cn/hooks/vd' },
        sms: null,
        createdBy: { username: 'admin' },
      });
      expect(channel.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url

      const listed = (await admin.listAlertChannels()).json().items.find((item) => item.id === channel.id)!;
      const { secret: _secret, ...withoutSecret } = channel;
      expect(listed).toEqual(withoutSecret);
      const audit = await auditOfChannel(channel.id);
      expect(audit).toMatchObject([
        {
          action: 'alert_channel.created',
          before: null,
          after: {
            unitId: ningbo,
            kind: 'webhook',
            name: 'Ningbo SOC',
            enabled: true,
            webhook: { url: 'https://soc.example.cn/hooks/vd' },
          },
        },
      ]);
      expect(JSON.stringify(audit)).not.toContain(channel.secret);
    });

    it('creates SMS-gateway and in-app channels; an SMS token is never shown, only whether one is set', async () => {
      const sms = await created({
        kind: 'sms',
        unitId: ningbo,
        name: 'On-call phones',
        sms: { url: 'http://sms-gateway.internal:8080/send', recipients: ['+8613800000001'], token: 'gateway-token-secret' },
      });
      expect(sms).toMatchObject({
        kind: 'sms',
        webhook: null,
        sms: { url: 'http://sms-gateway.internal:8080/send', recipients: ['+8613800000001'], tokenSet: true },
      });
      expect(sms).not.toHaveProperty('secret');
      const inApp = await created({ kind: 'in_app', unitId: ningbo, name: 'Inbox', enabled: false });
      expect(inApp).toMatchObject({ kind: 'in_app', enabled: false, webhook: null, sms: null });

      const everything = JSON.stringify([(await admin.listAlertChannels()).body, await auditOfChannel(sms.id)]);
      expect(everything).not.toContain('gateway-token-secret');
    });

    it.each([
      ['ftp://x', 'webhook'],
      ['not a url', 'webhook'],
      ['http://user:pw@host', 'webhook'],
      ['/relative/path', 'sms'],
      ['https://:token@gateway.example', 'sms'],
    ] as const)('refuses %s as a %s URL with 400 invalid_url, writing nothing', async (url, kind) => {
      const before = await trace();
      const body: AlertChannelBody =
        kind === 'webhook'
          ? { kind, unitId: ningbo, name: 'Bad', webhook: { url } }
          : { kind, unitId: ningbo, name: 'Bad', sms: { url, recipients: ['13900000000'] } };
      const error = expectError(await admin.createAlertChannel({ body }), 400, 'invalid_url');
      expect(error.details).toEqual({ field: `${kind}.url` });
      expect(await trace()).toEqual(before);
    });

    it('refuses an unknown unit with 422 unknown_unit, and settings that do not fit the kind', async () => {
      const before = await trace();
      const unknown = '00000000-0000-4000-8000-000000000000';
      expectError(await admin.createAlertChannel({ body: { kind: 'in_app', unitId: unknown, name: 'Nowhere' } }), 422, 'unknown_unit');
      // An in-app channel with webhook settings matches no kind of the contract's body.
      const mixed = await admin.send(endpoints.createAlertChannel, {
        body: { kind: 'in_app', unitId: ningbo, name: 'Mixed', webhook: { url: 'https://example.com' } },
      });
      expect(mixed.statusCode, mixed.body).toBe(400);
      expect(await trace()).toEqual(before);
    });

    it('renames, disables and re-points a channel, auditing before and after; a new webhook setting gets a new secret', async () => {
      const channel = await created({ kind: 'webhook', unitId: ningbo, name: 'Old name', webhook: { url: 'https://old.example/hook' } });
      const renamed = await admin.updateAlertChannel({ params: { id: channel.id }, body: { name: 'New name', enabled: false } });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json()).toMatchObject({ name: 'New name', enabled: false, webhook: { url: 'https://old.example/hook' } });
      expect(renamed.json()).not.toHaveProperty('secret');

      const repointed = await admin.updateAlertChannel({
        params: { id: channel.id },
        body: { webhook: { url: 'https://new.example/hook' } },
      });
      expect(repointed.statusCode, repointed.body).toBe(200);
      const { secret } = repointed.json();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(secret).not.toBe(channel.secret);
      const chosen = await admin.updateAlertChannel({
        params: { id: channel.id },
        body: { webhook: { url: 'https://new.example/hook', secret: 'a-secret-of-the-admins-choice' } },
      });
      expect(chosen.json().secret).toBe('a-secret-of-the-admins-choice');

      const audit = await auditOfChannel(channel.id);
      expect(audit.map((entry) => entry.action)).toEqual([
        'alert_channel.created',
        'alert_channel.updated',
        'alert_channel.updated',
        'alert_channel.updated',
      ]);
      expect(audit[1]).toMatchObject({ before: { name: 'Old name', enabled: true }, after: { name: 'New name', enabled: false } });
      expect(audit[2]).toMatchObject({
        before: { webhook: { url: 'https://old.example/hook' } },
        after: { webhook: { url: 'https://new.example/hook' }, secretReplaced: true },
      });
      const auditText = JSON.stringify(audit);
      for (const shown of [channel.secret!, secret!, 'a-secret-of-the-admins-choice']) expect(auditText).not.toContain(shown);
    });

    it('refuses a change that does not fit the channel, or a malformed URL, changing nothing', async () => {
      const channel = await created({ kind: 'webhook', unitId: ningbo, name: 'Kept', webhook: { url: 'https://kept.example/hook' } });
      const before = await trace();
      const mismatch = expectError(
        await admin.updateAlertChannel({
          params: { id: channel.id },
          body: { sms: { url: 'https://sms.example', recipients: ['13900000000'] } },
        }),
        422,
        'channel_kind_mismatch',
      );
      expect(mismatch.details).toEqual({ kind: 'webhook', field: 'sms' });
      const badUrl = expectError(
        await admin.updateAlertChannel({ params: { id: channel.id }, body: { name: 'Renamed', webhook: { url: 'ftp://x' } } }),
        400,
        'invalid_url',
      );
      expect(badUrl.details).toEqual({ field: 'webhook.url' });
      expectError(
        await admin.updateAlertChannel({ params: { id: '00000000-0000-4000-8000-000000000000' }, body: { enabled: false } }),
        404,
        'not_found',
      );
      expect(await trace()).toEqual(before);
    });

    it('is for administrators only', async () => {
      const channel = await created({ kind: 'in_app', unitId: ningbo, name: 'Admins only' });
      const before = await trace();
      for (const username of ['expert.hq', 'expert.ningbo', 'staff.beilun']) {
        const person = await as(t, username);
        expectError(await person.listAlertChannels(), 403, 'forbidden');
        expectError(await person.createAlertChannel({ body: { kind: 'in_app', unitId: ningbo, name: 'Mine' } }), 403, 'forbidden');
        expectError(await person.updateAlertChannel({ params: { id: channel.id }, body: { enabled: false } }), 403, 'forbidden');
      }
      expect(await trace()).toEqual(before);
    });
  });
}
