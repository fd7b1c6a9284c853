/**
 * airlock-dlq: what every command shares — the I/O, exit statuses, filter options, usage errors,
 * and reading the DLQ and audit topics.
 */
import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Config } from '../core/config/schema.ts';
import { AirlockError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { SchemaRegistry } from '../core/registry.ts';
import { type DlqEntry, type EntryFilter, matches, newestFirst, parseRef } from './entry.ts';
import { progressBar } from './format.ts';
import type { Io } from './io.ts';
import { type ReplayAudit, readAudits, readDlq } from './kafka-io.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, incomplete: 4, cancelled: 130 } as const;

export const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  route: { type: 'string' },
  stage: { type: 'string' },
  code: { type: 'string' },
  rule: { type: 'string' },
  registration: { type: 'string' },
  'work-order': { type: 'string' },
  sender: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const FILTER_HELP = `Filters:
  --since TIME          rejected at or after TIME (RFC 3339, or 90m, 24h, 7d ago)
  --until TIME          rejected before TIME
  --route NAME          logbook, parts-trace or compliance-audit
  --stage NAME          validators or router
  --code CODE           error code (docs/errors.md), e.g. RULE_VIOLATION
  --rule ID             rule id (docs/rules.md), e.g. SN-1
  --registration REG    aircraft registration, e.g. D-AIBL
  --work-order UUID     work order id of the maintenance context
  --sender SUBJECT      token subject of the sender
  --json                JSON for scripts instead of a table`;

export class UsageError extends Error {}

/** RFC 3339, or a duration ago: 90m, 24h, 7d. */
export function parseTime(text: string, now = Date.now()): Date {
  const rel = /^(\d+)([smhd])$/.exec(text);
  if (rel?.[1] && rel[2]) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2]] ?? 0;
    return new Date(now - Number(rel[1]) * unit);
  }
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t)) {
    throw new UsageError(`not a time: "${text}" (RFC 3339, or 90m, 24h, 7d)`);
  }
  return new Date(t);
}

export function filterFrom(v: Record<string, unknown>): EntryFilter {
  const s = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const since = s('since');
  const until = s('until');
  return {
    since: since === undefined ? undefined : parseTime(since),
    until: until === undefined ? undefined : parseTime(until),
    route: s('route'),
    stage: s('stage'),
    code: s('code'),
    rule: s('rule'),
    registration: s('registration'),
    workOrder: s('work-order'),
    sender: s('sender'),
  };
}

export const hasFilter = (f: EntryFilter) => Object.values(f).some((x) => x !== undefined);

export function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${name} must be a positive integer`);
  return Number(text);
}

/** Plain-text table: columns as wide as their widest cell. */
export function readSecretFile(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}

export function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${what} ${path} is not a readable JSON file (${(err as Error).message})`);
  }
}

export interface Context {
  config: Config;
  logger: Logger;
  kafka: Kafka;
  registry: SchemaRegistry;
  io: Io;
  /** Creates Airlock's topics where missing (once), before the first read or write. */
  ready: () => Promise<void>;
}

export async function entriesFor(
  ctx: Context,
  filter: EntryFilter,
  label = 'reading DLQ',
): Promise<DlqEntry[]> {
  await ctx.ready();
  const all = await readDlq(ctx.kafka, ctx.config.topics.dlq, {
    ...(filter.since ? { sinceMs: filter.since.getTime() } : {}),
    onProgress: progressBar(ctx.io, label),
  });
  return all.filter((e) => matches(e, filter)).sort(newestFirst);
}

export async function auditsFor(ctx: Context): Promise<ReplayAudit[]> {
  await ctx.ready();
  return readAudits(ctx.kafka, ctx.registry, ctx.config.topics.replayAudit);
}

export function findRef(entries: readonly DlqEntry[], ref: string): DlqEntry {
  const parsed = parseRef(ref);
  if (!parsed)
    throw new UsageError(`not a DLQ reference: "${ref}" (expected <partition>:<offset>, as list shows)`);
  const e = entries.find((x) => x.partition === parsed.partition && x.offset === parsed.offset);
  if (!e) throw new AirlockError('NOT_FOUND', `no DLQ record ${ref}`);
  return e;
}
