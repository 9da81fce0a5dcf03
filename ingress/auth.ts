import type { ChannelBinding } from '../shared/config.js';
import { bindingsForToken, type ChannelSource } from '../shared/channels.js';
import { ChannelNotConfiguredError, UnauthorizedError } from './errors.js';

/** Who is calling: the credentials' RetailOPS client, the channel named in the payload, and the binding serving it. */
export interface Caller {
  readonly clientId: string;
  readonly channelId: string;
  readonly binding: ChannelBinding;
}

export interface PresentedCredentials {
  /** From `Authorization: Bearer …`, or the payload's `headers.ticket` (seed 000). */
  readonly token: string | null;
  /** The payload's `headers.client_id`: when present it must be the client the token belongs to. */
  readonly clientId: string | null;
  /** The payload's `data.channel.id`. */
  readonly channelId: string | null;
}

/** True when some binding holds `token`; compares against every configured token, as `authenticate` does. */
export function isKnownToken(channels: ChannelSource, token: string, now: number = Date.now()): boolean {
  return bindingsForToken(channels, token, now).length > 0;
}

/**
 * The caller the credentials prove, against the bindings in force: `channels` is the live registry in the ingress
 * (a reload applies from the next request on), and a rotated-out token counts until its window ends at `now`.
 */
export function authenticate(channels: ChannelSource, credentials: PresentedCredentials, now: number = Date.now()): Caller {
  const { token } = credentials;
  if (token === null || token === '') throw new UnauthorizedError('missing credentials (headers.ticket or Authorization: Bearer)');
  const candidates = bindingsForToken(channels, token, now);
  if (candidates.length === 0) throw new UnauthorizedError('invalid credentials');

  const forClient =
    credentials.clientId === null
      ? candidates
      : candidates.filter((binding) => binding.clientId === null || binding.clientId === credentials.clientId);
  if (forClient.length === 0) throw new UnauthorizedError(`credentials do not belong to client ${credentials.clientId}`);

  let binding: ChannelBinding | undefined;
  if (credentials.channelId !== null) {
    binding = forClient.find((candidate) => candidate.channelId === null || candidate.channelId === credentials.channelId);
    if (!binding) throw new UnauthorizedError(`credentials are not valid for channel ${credentials.channelId}`);
  } else if (forClient.length === 1) {
    binding = forClient[0];
  } else {
    throw new ChannelNotConfiguredError('data.channel.id is required: these credentials serve several channels');
  }
  if (!binding) throw new UnauthorizedError('invalid credentials');
  return {
    clientId: binding.clientId ?? credentials.clientId ?? 'default',
    channelId: credentials.channelId ?? binding.channelId ?? 'default',
    binding,
  };
}
