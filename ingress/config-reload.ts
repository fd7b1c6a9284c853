/**
 * Hot reload of `airlock.yaml` in the ingress (issue #15 §6). When the file changes (or on SIGHUP),
 * the whole configuration is loaded again as at start-up (file, overlay, environment) and validated
 * whole; a file that does not validate changes nothing. Of what changed, the reloadable parts take
 * effect at once: the request limits, tenant limits and quotas, and the trusted issuers. Anything
 * else needs a restart: logged as such, shown on /health/ready, and not applied, so the running
 * configuration is always one that validated. (The routing table, rule-set file and TLS material
 * are files of their own, which their stages reload when they change.)
 */
import { type FSWatcher, watch } from 'node:fs';
import { masked } from '../core/config/check.ts';
import { isObject } from '../core/config/file.ts';
import { deepFreeze, maskProblem } from '../core/config/load.ts';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/logger.ts';

/** The configuration paths that reload without a restart. */
export const RELOADABLE: readonly string[] = [
  'ingress.rateLimits',
  'ingress.tenantLimits',
  'ingress.tenantQuotas',
  'jwt',
];

/** The paths whose values differ between two configurations (leaves; a list counts as one). */
export function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

export interface ReloadPlan {
  /** The running configuration with the reloadable changes applied. */
  config: Config;
  applied: string[];
  /** Changed paths that need a restart (kept at their running values). */
  restart: string[];
}

/** What of `next` can take effect now in a process that runs `running`. */
export function planReload(running: Config, next: Config): ReloadPlan {
  const changed = changedPaths(running, next);
  // Switching between one issuer and a list requalifies every principal (docs/operations.md).
  const modeSwitch = (running.jwt.issuers === undefined) !== (next.jwt.issuers === undefined);
  const reloadable = (p: string) => !(modeSwitch && under(p, 'jwt')) && RELOADABLE.some((r) => under(p, r));
  const applied = changed.filter(reloadable);
  const restart = changed.filter((p) => !reloadable(p));
  if (applied.length === 0) return { config: running, applied, restart };
  const config = structuredClone(running) as unknown as Record<string, Record<string, unknown>>;
  const from = next as unknown as Record<string, Record<string, unknown>>;
  for (const r of RELOADABLE) {
    if (!applied.some((p) => under(p, r))) continue;
    const [section, key] = r.split('.') as [string, string | undefined];
    const target = config[section] as Record<string, unknown>;
    if (key === undefined) config[section] = from[section] as Record<string, unknown>;
    else target[key] = from[section]?.[key];
  }
  return { config: deepFreeze(config) as unknown as Config, applied, restart };
}

/** The value at a dotted path, for the log line that says what changed. */
function valueAt(config: Config, path: string): unknown {
  let node: unknown = config;
  for (const k of path.split('.')) node = isObject(node) ? node[k] : undefined;
  return masked(node);
}

export interface ConfigReloadState {
  last: 'ok' | 'failed' | 'none';
  at?: string;
  applied?: string[];
  /** Changes in the file that wait for a restart. */
  restartNeeded?: string[];
  error?: string;
}

export function watchConfigFile(opts: {
  file: string;
  /** Loads and validates the configuration as at start-up; throws with every problem. */
  load: () => Config;
  current: () => Config;
  apply: (config: Config, applied: readonly string[]) => void;
  logger: Logger;
  onReload?: (outcome: 'applied' | 'unchanged' | 'failed') => void;
}): { stop: () => void; state: () => ConfigReloadState } {
  const { file, logger } = opts;
  let state: ConfigReloadState = { last: 'none' };
  let timer: NodeJS.Timeout | undefined;
  const reload = (why: string) => {
    const at = new Date().toISOString();
    let next: Config;
    try {
      next = opts.load();
    } catch (err) {
      const error = maskProblem((err as Error).message);
      state = { ...state, last: 'failed', at, error };
      logger.error({ file, why, error }, 'configuration reload refused; the running configuration stays');
      opts.onReload?.('failed');
      return;
    }
    const running = opts.current();
    const plan = planReload(running, next);
    if (plan.applied.length > 0) opts.apply(plan.config, plan.applied);
    state = { last: 'ok', at, applied: plan.applied, restartNeeded: plan.restart };
    if (plan.restart.length > 0)
      logger.warn(
        { file, why, restartNeeded: plan.restart },
        'configuration changes that need a restart: not applied until then',
      );
    if (plan.applied.length > 0)
      logger.info(
        {
          file,
          why,
          changed: Object.fromEntries(
            plan.applied.map((p) => [p, { from: valueAt(running, p), to: valueAt(plan.config, p) }]),
          ),
        },
        'configuration reloaded',
      );
    else logger.info({ file, why }, 'configuration file read again: nothing reloadable changed');
    opts.onReload?.(plan.applied.length > 0 ? 'applied' : 'unchanged');
  };
  // Editors and config management replace a file in several steps: wait for it to settle. The
  // folder is watched, not the file, so a file replaced by a rename is still seen.
  const soon = (why: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => reload(why), 200);
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) || '/' : '.';
  const name = file.slice(file.lastIndexOf('/') + 1);
  const watcher: FSWatcher = watch(dir, (_event, changed) => {
    if (changed === null || changed === name) soon(`${file} changed`);
  });
  return {
    stop: () => {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      watcher.close();
    },
    state: () => state,
  };
}
