/**
 * The rule-set configuration: parameters of the rules (TIME-4 skew, SN-CHK-1 severity) and the
 * conventions switched off, with a version recorded in every envelope. From the environment, or
 * from a versioned file that is reloaded without a restart (file change or SIGHUP); a file that
 * does not validate is refused and the previous settings stay in force.
 */
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { z } from 'zod';
import { type Config, ruleParamsSchema } from '../core/config/schema.ts';
import type { Logger } from '../core/logger.ts';
import { RULES } from './catalogue.ts';
import type { RuleParams } from './types.ts';

const ruleIds = new Set(RULES.map((r) => r.id));

// The parameters' schema with every key optional (an absent key keeps the environment's value),
// plus the file's own version and the rules it switches off.
const { clockSkewMs, serialChecksum, serialChecksumByIssuer, referenceData } = ruleParamsSchema.shape;
const fileSchema = z.strictObject({
  // Without their defaults: `.partial()` alone would fill an absent key with the default.
  clockSkewMs: clockSkewMs.unwrap().optional(),
  serialChecksum: serialChecksum.unwrap().optional(),
  serialChecksumByIssuer: serialChecksumByIssuer.unwrap().optional(),
  referenceData: referenceData.unwrap().optional(),
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a version like 2026-11-21.1'),
  disabled: z
    .array(
      z
        .string()
        .refine((id) => ruleIds.has(id), { message: 'not a rule id Airlock implements (docs/rules.md)' }),
    )
    .default([]),
});

export function parseRuleFile(text: string, base: RuleParams): RuleParams {
  const parsed = fileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; '),
    );
  }
  const f = parsed.data;
  return Object.freeze({
    clockSkewMs: f.clockSkewMs ?? base.clockSkewMs,
    serialChecksum: f.serialChecksum ?? base.serialChecksum,
    serialChecksumByIssuer: Object.freeze({ ...(f.serialChecksumByIssuer ?? base.serialChecksumByIssuer) }),
    referenceData: f.referenceData ?? base.referenceData,
    disabled: Object.freeze([...f.disabled]),
    version: f.version,
  });
}

export interface RuleSettings {
  current(): RuleParams;
  close(): void;
}

export function ruleSettings(config: Config, logger: Logger): RuleSettings {
  const base: RuleParams = Object.freeze({
    clockSkewMs: config.rules.clockSkewMs,
    serialChecksum: config.rules.serialChecksum,
    serialChecksumByIssuer: Object.freeze({ ...config.rules.serialChecksumByIssuer }),
    referenceData: config.rules.referenceData,
    disabled: [],
    version: 'env',
  });
  const file = config.rules.file;
  if (!file) return { current: () => base, close: () => undefined };
  // The first load must succeed: a stage does not start on rules it cannot read.
  let params = parseRuleFile(readFileSync(file, 'utf8'), base);
  logger.info({ file, version: params.version }, 'rule-set configuration loaded');
  let timer: NodeJS.Timeout | undefined;
  const reload = (why: string) => {
    try {
      params = parseRuleFile(readFileSync(file, 'utf8'), base);
      logger.info({ file, version: params.version, why }, 'rule-set configuration reloaded');
    } catch (err) {
      logger.error(
        { err, file, why, version: params.version },
        'rule-set file refused; the previous settings stay',
      );
    }
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const watcher: FSWatcher = watch(file, () => {
    clearTimeout(timer);
    timer = setTimeout(() => reload('file changed'), 200);
  });
  return {
    current: () => params,
    close: () => {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      watcher.close();
    },
  };
}
