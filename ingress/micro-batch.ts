/**
 * kafkajs sends what it is given: it does not batch concurrent sends by itself. A micro-batcher
 * gathers items for `lingerMs` (or until `maxItems`), sends them in one call, and settles every
 * caller's promise with that call's outcome.
 */
export interface MicroBatcher<T> {
  add(item: T): Promise<void>;
  /** Sends what is gathered now. */
  flush(): void;
}

export function createMicroBatcher<T>(opts: {
  lingerMs: number;
  maxItems: number;
  send: (items: T[]) => Promise<unknown>;
}): MicroBatcher<T> {
  let queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    opts.send(batch.map((b) => b.item)).then(
      () => {
        for (const b of batch) b.resolve();
      },
      (err: unknown) => {
        for (const b of batch) b.reject(err);
      },
    );
  };
  return {
    flush,
    add: (item) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= opts.maxItems) flush();
        else timer ??= setTimeout(flush, opts.lingerMs);
      }),
  };
}
