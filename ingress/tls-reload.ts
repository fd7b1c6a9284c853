/**
 * Certificates, key, client CA bundle and CRL reload without a restart, on SIGHUP or when one of
 * the files changes, through `setSecureContext`. New material is validated whole first
 * (ingress/tls.ts): material that is unusable (unreadable, empty, malformed, a key that does not
 * match) is refused, the previous material kept, the failure logged, counted and shown on
 * `/health/ready` (issue #12 §9). Every reload rotates the TLS session-ticket keys, so a client
 * whose certificate was just revoked cannot resume an old session; a reload that changes the
 * client trust (CA bundle or CRL) retires the connections opened before it (ingress/connections.ts).
 */
import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import type { Server } from 'node:https';
import type { Logger } from '../core/logger.ts';
import type { TlsMaterial } from '../core/tls.ts';

export interface TlsReloadState {
  /** The last reload's outcome; `ok` before the first. */
  last: 'ok' | 'failed';
  at?: string | undefined;
  error?: string | undefined;
}

export function watchTlsMaterial(opts: {
  server: Server;
  files: readonly string[];
  initial: TlsMaterial;
  load: () => TlsMaterial;
  logger: Logger;
  onReload?: (outcome: { ok: true; trustChanged: boolean } | { ok: false; error: string }) => void;
}): { stop: () => void; state: () => TlsReloadState } {
  const { server, logger } = opts;
  let timer: NodeJS.Timeout | undefined;
  let trust = opts.initial.clientTrust;
  let state: TlsReloadState = { last: 'ok' };
  const reload = (why: string) => {
    let material: TlsMaterial;
    try {
      material = opts.load();
      server.setSecureContext(material.options);
    } catch (err) {
      const error = (err as Error).message;
      state = { last: 'failed', at: new Date().toISOString(), error };
      logger.error({ err, why }, 'TLS reload refused; keeping the previous material');
      opts.onReload?.({ ok: false, error });
      return;
    }
    server.setTicketKeys(randomBytes(48));
    const trustChanged = material.clientTrust !== trust;
    trust = material.clientTrust;
    state = { last: 'ok', at: new Date().toISOString() };
    logger.info({ why, trustChanged }, 'TLS material reloaded; session tickets rotated');
    opts.onReload?.({ ok: true, trustChanged });
  };
  // Certificate tooling often writes a file in several steps: wait for it to settle.
  const soon = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => reload(why), 200);
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const watchers: FSWatcher[] = opts.files.map((f) => watch(f, () => soon(`${f} changed`)));
  return {
    stop: () => {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
    state: () => state,
  };
}
