/**
 * A stage's lifecycle as an explicit state machine: starting → ready → draining → stopped.
 * SIGTERM and SIGINT drain (stop taking work, finish what is in flight, flush, commit) within the
 * configured grace period; a second signal or an expired grace period exits at once.
 */
import type { Logger } from '../logger.ts';

export type StageState = 'starting' | 'ready' | 'draining' | 'stopped';

export interface Stage {
  /** Stops taking new work, finishes in-flight work, flushes and commits. */
  drain(): Promise<void>;
}

export class Lifecycle {
  #state: StageState = 'starting';
  readonly #logger: Logger;
  readonly #prefix: string;
  /** `label` names a part of a stage in its messages (`worker 1 lifecycle ready`). */
  constructor(logger: Logger, label?: string) {
    this.#logger = logger;
    this.#prefix = label ? `${label} ` : '';
  }
  get state(): StageState {
    return this.#state;
  }
  transition(to: StageState): void {
    const allowed: Record<StageState, StageState[]> = {
      starting: ['ready', 'draining', 'stopped'],
      ready: ['draining'],
      draining: ['stopped'],
      stopped: [],
    };
    if (!allowed[this.#state].includes(to))
      throw new Error(`lifecycle: ${this.#state} → ${to} is not allowed`);
    this.#logger.info({ from: this.#state, to }, `${this.#prefix}lifecycle ${to}`);
    this.#state = to;
  }
}

/** Starts a stage and wires the signals; logs `ready` (tests and operators wait for it). */
export async function runStage(opts: {
  logger: Logger;
  graceMs: number;
  start: (lifecycle: Lifecycle) => Promise<Stage>;
  /**
   * A part of a stage (an ingress worker): its lifecycle messages carry the label, so that only the
   * whole stage logs `lifecycle ready`, which operators and tests wait for.
   */
  label?: string;
}): Promise<void> {
  const { logger, graceMs } = opts;
  const lifecycle = new Lifecycle(logger, opts.label);
  let stage: Stage | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'grace period expired before drain finished; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    try {
      if (lifecycle.state !== 'starting') lifecycle.transition('draining');
      await stage?.drain();
      lifecycle.transition('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'drain failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    stage = await opts.start(lifecycle);
    if (!stopping) lifecycle.transition('ready');
  } catch (err) {
    logger.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

/** For a failure the stage cannot recover from in-process: log it and exit 1 for the supervisor. */
export function exitOnFatal(logger: Logger): (error: Error) => void {
  return (error) => {
    logger.fatal({ err: error }, 'stopped for good; exiting so that the supervisor restarts the stage');
    process.exit(1);
  };
}
