// An administrator's alert channel as the forms edit it, and the bodies they send. Secrets and tokens are write-only:
// the server never answers them, so an edit starts with them empty and sends them only when the endpoint is replaced.
import type { AlertChannel, AlertChannelBody, AlertChannelKind, AlertChannelPatch } from '@contract';

/** Where a webhook or SMS-gateway channel sends, as typed. */
export interface EndpointDraft {
  url: string;
  /** Webhook: the signing secret; empty asks the server to generate one (answered once). */
  secret: string;
  /** SMS: phone numbers, one per line (commas and spaces separate them too). */
  recipients: string;
  /** SMS: the gateway's bearer token; empty sends none. */
  token: string;
}

export interface NewChannelDraft extends EndpointDraft {
  kind: AlertChannelKind;
  unitId: string;
  name: string;
  enabled: boolean;
}

export interface ChannelEditDraft extends EndpointDraft {
  name: string;
  /** Replace the webhook or SMS settings as a whole (a webhook gets a new secret); otherwise they stay as they are. */
  replaceEndpoint: boolean;
}

const NO_ENDPOINT: EndpointDraft = { url: '', secret: '', recipients: '', token: '' };

export function newChannelDraft(unitId: string): NewChannelDraft {
  return { kind: 'webhook', unitId, name: '', enabled: true, ...NO_ENDPOINT };
}

export function editDraftOf(channel: AlertChannel): ChannelEditDraft {
  return {
    name: channel.name,
    replaceEndpoint: false,
    ...NO_ENDPOINT,
    url: channel.webhook?.url ?? channel.sms?.url ?? '',
    recipients: channel.sms?.recipients.join('\n') ?? '',
  };
}

/** The numbers typed, in order. */
export function parseRecipients(text: string): string[] {
  return text.split(/[\s,;，；、]+/).filter((recipient) => recipient !== '');
}

function webhookOf(draft: EndpointDraft): NonNullable<AlertChannelPatch['webhook']> {
  const secret = draft.secret.trim();
  return { url: draft.url.trim(), ...(secret === '' ? {} : { secret }) };
}

function smsOf(draft: EndpointDraft): NonNullable<AlertChannelPatch['sms']> {
  const token = draft.token.trim();
  return { url: draft.url.trim(), recipients: parseRecipients(draft.recipients), ...(token === '' ? {} : { token }) };
}

/** What creating the channel sends; the server checks it (URLs, numbers) and names what it refuses. */
export function newChannelBody(draft: NewChannelDraft): AlertChannelBody {
  const common = { unitId: draft.unitId, name: draft.name.trim(), enabled: draft.enabled };
  switch (draft.kind) {
    case 'in_app':
      return { kind: 'in_app', ...common };
    case 'webhook':
      return { kind: 'webhook', ...common, webhook: webhookOf(draft) };
    case 'sms':
      return { kind: 'sms', ...common, sms: smsOf(draft) };
  }
}

/** What saving the edit sends: a new name, new endpoint settings of the channel's kind; null when nothing changes. */
export function channelPatch(channel: AlertChannel, draft: ChannelEditDraft): AlertChannelPatch | null {
  const patch: AlertChannelPatch = {};
  const name = draft.name.trim();
  if (name !== channel.name) patch.name = name;
  if (draft.replaceEndpoint && channel.kind === 'webhook') patch.webhook = webhookOf(draft);
  if (draft.replaceEndpoint && channel.kind === 'sms') patch.sms = smsOf(draft);
  return Object.keys(patch).length === 0 ? null : patch;
}
