/**
 * A real back end the tests start themselves (Prometheus, Jaeger): its own process on free loopback
 * ports with its own folder, its last lines kept for a failure message, stopped and removed after.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { until } from './wait.ts';

export interface LocalService {
  stop(): Promise<void>;
  /** The last lines it printed. */
  output(): string;
}

export async function startLocalService(opts: {
  name: string;
  command: string;
  args: readonly string[];
  /** Added to the test's environment. */
  env?: Record<string, string>;
  /** Its folder: removed when it stops. */
  dir: string;
  ready: () => Promise<boolean>;
  readyWithinMs?: number;
}): Promise<LocalService> {
  const lines: string[] = [];
  const child: ChildProcess = spawn(opts.command, opts.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  const keep = (d: Buffer) => {
    lines.push(...d.toString().split('\n').filter(Boolean));
    if (lines.length > 60) lines.splice(0, lines.length - 60);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        rmSync(opts.dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  try {
    await until(`${opts.name} ready`, () => opts.ready().catch(() => false), opts.readyWithinMs ?? 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${lines.join('\n')}`);
  }
  return { stop, output: () => lines.join('\n') };
}
