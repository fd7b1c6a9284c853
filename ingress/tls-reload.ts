/**
 * Certificates, key, client CA bundle and CRL reload without a restart, on SIGHUP or when one of
 * the files changes, through `setSecureContext`. Every reload also rotates the TLS session-ticket
 * keys, so a client whose certificate was just revoked cannot resume an old session. A reload that
 * fails (unreadable or mismatched files) keeps the previous material and says so.
 */
import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import type { Server } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../core/logger.ts';

export function watchTlsMaterial(opts: {
  server: Server;
  files: readonly string[];
  load: () => SecureContextOptions;
  logger: Logger;
}): () => void {
  const { server, logger } = opts;
  let timer: NodeJS.Timeout | undefined;
  const reload = (why: string) => {
    try {
      server.setSecureContext(opts.load());
      server.setTicketKeys(randomBytes(48));
      logger.info({ why }, 'TLS material reloaded; session tickets rotated');
    } catch (err) {
      logger.error({ err, why }, 'TLS reload failed; keeping the previous material');
    }
  };
  // Certificate tooling often writes a file in several steps: wait for it to settle.
  const soon = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => reload(why), 200);
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const watchers: FSWatcher[] = opts.files.map((f) => watch(f, () => soon(`${f} changed`)));
  return () => {
    process.off('SIGHUP', onHup);
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
