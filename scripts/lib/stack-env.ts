/** Reads the endpoints file that `npm run stack:up` writes (.stack/env by default). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.AIRLOCK_STACK_DIR ?? `${ROOT}.stack`;
}

/** The stack's env file as key/value pairs, or an empty object when the stack was never started. */
export function readStackEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = `${stackDir(env)}/env`;
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/** The process environment, with the stack's endpoints filling in what is not set. */
export function withStackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...readStackEnv(env), ...env };
}
