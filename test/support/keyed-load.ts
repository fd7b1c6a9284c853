/**
 * A steady load of keyed parts-trace records, as a fleet of clients behind a load balancer sends
 * them: each record has its own Idempotency-Key, and an attempt that fails (connection refused, 503,
 * 409 while the key is held) is retried with the same key and body on the next ingress, with
 * backoff, until it is answered 202. Counts every answer and remembers when each record was accepted.
 */
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import type { Services } from './endpoints.ts';
import { httpsCall } from './https.ts';
import { startPipeline } from './pipeline.ts';

export interface KeyedLoad {
  /** Starts `ratePerSecond` new records a second, keyed `<prefix>-<n>`, until stop(). */
  start(prefix: string): void;
  /** No new records; resolves once every record started is accepted (rejects on an unexpected answer). */
  stop(): Promise<void>;
  /** Every key started, with when it was accepted (ms since the epoch; undefined while not yet). */
  readonly accepted: ReadonlyMap<string, number | undefined>;
  /** Answers by HTTP status (0: the connection failed). */
  readonly answers: ReadonlyMap<number, number>;
}

export function keyedLoad(opts: {
  pki: string;
  token: string;
  /** The ingress base URLs, tried in turn. */
  urls: readonly string[];
  ratePerSecond: number;
}): KeyedLoad {
  const accepted = new Map<string, number | undefined>();
  const answers = new Map<number, number>();
  const inFlight = new Set<Promise<void>>();
  const errors: unknown[] = [];
  let timer: NodeJS.Timeout | undefined;

  /** One record, sent until an ingress answers 202. */
  const deliver = async (key: string, n: number) => {
    const body = JSON.stringify({ ...sampleRecord(), remarks: key });
    for (let attempt = 0; ; attempt++) {
      const status = await httpsCall(
        opts.pki,
        `${opts.urls[(n + attempt) % opts.urls.length]}/v1/parts/trace`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${opts.token}`,
            'content-type': 'application/json',
            'idempotency-key': key,
            'x-maintenance-context': contextHeader(sampleContext()),
          },
          body,
        },
      ).then(
        (a) => a.status,
        () => 0,
      );
      answers.set(status, (answers.get(status) ?? 0) + 1);
      if (status === 202) {
        accepted.set(key, Date.now());
        return;
      }
      // 0, 409 and 503 are the answers a fault may give; anything else is a bug.
      if (![0, 409, 503].includes(status)) throw new Error(`${key}: answered ${status}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * (attempt + 1))));
    }
  };

  return {
    accepted,
    answers,
    start(prefix) {
      let n = 0;
      const every = 1000 / opts.ratePerSecond;
      const tick = () => {
        const key = `${prefix}-${n}`;
        accepted.set(key, undefined);
        const p: Promise<void> = deliver(key, n++)
          .catch((err: unknown) => {
            errors.push(err);
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      };
      timer = setInterval(tick, every);
    },
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      if (errors.length > 0) throw errors[0];
    },
  };
}

/**
 * The three stages twice each (issue #18 §2), tuned for faults: a dead member's partitions move
 * after 8 s, a dead ingress's in-flight keys free after 3 s, and one sender identity with its
 * retries is not rate limited (the limits are not what these runs test).
 */
export async function everyStageTwice(s: Services) {
  const p = await startPipeline(s, ['ingress', 'validators', 'router'], {
    AIRLOCK_KAFKA_SESSION_TIMEOUT_MS: '8000',
    AIRLOCK_INGRESS_TRANSACTION_TIMEOUT_MS: '3000',
    AIRLOCK_INGRESS_RATE_LIMITS: '{"*":{"limit":100000,"windowMs":1000}}',
  });
  const second = [await p.another('ingress'), await p.another('validators'), await p.another('router')];
  const [ingress2, validators2, router2] = second as [
    (typeof second)[0],
    (typeof second)[0],
    (typeof second)[0],
  ];
  return {
    p,
    ingress2,
    validators2,
    router2,
    async stop() {
      for (const x of second) await x.stop('SIGKILL');
      await p.stop();
    },
  };
}
