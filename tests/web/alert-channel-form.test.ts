// An administrator's alert channel forms: what creating sends, and what an edit sends (only what changed; endpoint
// settings, with their write-only secret or token, only when asked to replace them).
import { describe, expect, it } from 'vitest';
import type { AlertChannel } from '@contract';
import { channelPatch, editDraftOf, newChannelBody, newChannelDraft, parseRecipients } from '../../web/src/alert-channel-form';

const UNIT = {
  id: '3f0f6c56-3f54-4b8e-9f57-1f6a3e1c0a01',
  code: 'NINGBO',
  level: 'district',
  nameZh: '宁波海关',
  nameEn: 'Ningbo Customs',
} as const;

const channel = (overrides: Partial<AlertChannel> = {}): AlertChannel => ({
  id: '8b1c2a57-5f7e-4f4e-9d1c-6b0e3a2d9c11',
  unit: UNIT,
  kind: 'sms',
  name: 'Duty phones',
  enabled: true,
  webhook: null,
  sms: { url: 'https://sms.example.cn/send', recipients: ['+8613800000001', '+8613800000002'], tokenSet: true },
  createdBy: { id: '0c7b3f0e-1d55-4a5e-8a43-2f9d5f0b6e21', username: 'admin', displayName: 'Admin' },
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

describe('a new alert channel', () => {
  it('sends a webhook with its secret only when one is typed (the server generates it otherwise)', () => {
    const draft = { ...newChannelDraft(UNIT.id), name: ' Ningbo SOC ', url: ' https://soc.example.cn/hook ' };
    expect(newChannelBody(draft)).toEqual({
      kind: 'webhook',
      unitId: UNIT.id,
      name: 'Ningbo SOC',
      enabled: true,
      webhook: { url: 'https://soc.example.cn/hook' },
    });
    expect(newChannelBody({ ...draft, secret: 'a-secret-of-sixteen+' })).toMatchObject({
      webhook: { url: 'https://soc.example.cn/hook', secret: 'a-secret-of-sixteen+' },
    });
  });

  it('sends an SMS gateway with its recipients as a list, its token only when typed, and in-app with no endpoint', () => {
    const draft = { ...newChannelDraft(UNIT.id), kind: 'sms' as const, name: 'Duty', url: 'https://sms.example.cn/send' };
    expect(newChannelBody({ ...draft, recipients: '+8613800000001\n+8613800000002, 13900000003', enabled: false })).toEqual({
      kind: 'sms',
      unitId: UNIT.id,
      name: 'Duty',
      enabled: false,
      sms: { url: 'https://sms.example.cn/send', recipients: ['+8613800000001', '+8613800000002', '13900000003'] },
    });
    expect(newChannelBody({ ...draft, recipients: '1380000', token: ' t0ken ' })).toMatchObject({ sms: { token: 't0ken' } });
    expect(newChannelBody({ ...draft, kind: 'in_app', url: 'ignored' })).toEqual({
      kind: 'in_app',
      unitId: UNIT.id,
      name: 'Duty',
      enabled: true,
    });
  });

  it('reads recipients separated by lines, commas, semicolons or spaces, Chinese punctuation too', () => {
    expect(parseRecipients(' +861380000001；13800000002，13800000003、13800000004 \n\n13800000005 ')).toEqual([
      '+861380000001',
      '13800000002',
      '13800000003',
      '13800000004',
      '13800000005',
    ]);
    expect(parseRecipients('  ')).toEqual([]);
  });
});

describe('an alert channel edited', () => {
  it('starts from the channel as listed, its token unknown', () => {
    expect(editDraftOf(channel())).toEqual({
      name: 'Duty phones',
      replaceEndpoint: false,
      url: 'https://sms.example.cn/send',
      secret: '',
      recipients: '+8613800000001\n+8613800000002',
      token: '',
    });
  });

  it('sends nothing unchanged, a new name alone, and endpoint settings only when they are replaced', () => {
    const sms = channel();
    const draft = editDraftOf(sms);
    expect(channelPatch(sms, draft)).toBeNull();
    expect(channelPatch(sms, { ...draft, name: 'Night duty' })).toEqual({ name: 'Night duty' });
    expect(channelPatch(sms, { ...draft, recipients: '+8613800000009' })).toBeNull();
    expect(channelPatch(sms, { ...draft, replaceEndpoint: true, token: 'kept' })).toEqual({
      sms: { url: 'https://sms.example.cn/send', recipients: ['+8613800000001', '+8613800000002'], token: 'kept' },
    });

    const webhook = channel({ kind: 'webhook', sms: null, webhook: { url: 'https://soc.example.cn/hook' } });
    expect(channelPatch(webhook, { ...editDraftOf(webhook), replaceEndpoint: true })).toEqual({
      webhook: { url: 'https://soc.example.cn/hook' },
    });
    const inApp = channel({ kind: 'in_app', sms: null });
    expect(channelPatch(inApp, { ...editDraftOf(inApp), replaceEndpoint: true })).toBeNull();
  });
});
