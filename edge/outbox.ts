/**
 * The station's outbox (docs/adr/0010-edge-outbox.md): Node's built-in SQLite (`node:sqlite`, no
 * native add-on to build at a station), WAL journal with `synchronous=FULL`, so a commit is on disk
 * (fsync) before the edge answers 202. Every record is sealed with AES-256-GCM (edge/keyring.ts);
 * the file holds ciphertext, sizes, sequence numbers and a hash of each record's batch group, no
 * plaintext. A record leaves the outbox only when the centre said it is durable (or moves to the
 * reject list with the centre's reason); the batch in flight is written down before it is sent, so
 * a restart resends exactly that batch with exactly its idempotency key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type { RouteName } from '../core/contract.ts';
import { AirlockError } from '../core/errors.ts';
import type { MaintenanceContext } from '../rules/context.ts';
import type { Keyring } from './keyring.ts';

/** Priority classes, synced in this order: airworthiness records before bulk measurements. */
export const PRIORITIES = ['airworthiness', 'bulk'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Tool and sensor readings are `bulk`: they sync after every airworthiness record queued. */
export const PRIORITY_OF: Readonly<Record<RouteName, Priority>> = {
  logbook: 'airworthiness',
  'parts-trace': 'airworthiness',
  'compliance-audit': 'airworthiness',
  measurements: 'bulk',
};

/** What the station keeps of a record: the signed item as it was verified. */
export interface QueuedRecord {
  id: string;
  route: RouteName;
  context: MaintenanceContext;
  /** The record in canonical JSON (RFC 8785): the text that was signed and is sent. */
  record: string;
  capturedAt: string;
  signerKid: string;
  signature: string;
}

export interface InFlight {
  seqs: number[];
  idempotencyKey: string;
  startedAt: number;
}

/** A record the centre refused for good, with its answer. */
export interface RejectedRecord {
  seq: number;
  id: string;
  route: string;
  status: number;
  code: string;
  detail: string;
  rejectedAt: number;
}

export interface OutboxStats {
  queued: Record<Priority, { records: number; bytes: number }>;
  oldestQueuedAt: number | undefined;
  rejected: number;
  inFlight: InFlight | undefined;
}

export interface Outbox {
  /** Seals and stores the records in one transaction (fsynced); 507 OUTBOX_FULL when a class is full. */
  enqueue(records: readonly Omit<QueuedRecord, 'id'>[]): { id: string; seq: number }[];
  /** The batch in flight, or a new one: the oldest records of the first class that has any, of one group. */
  nextBatch(
    stationId: string,
    maxRecords: number,
  ): { inFlight: InFlight; records: QueuedRecord[] } | undefined;
  /** Forgets the batch in flight (nothing of it was committed centrally): the next one is formed afresh. */
  resetInFlight(): void;
  /** The centre's verdict on the batch in flight: durable seqs leave, rejected seqs move to the reject list. */
  settle(
    durable: readonly number[],
    rejected: readonly { seq: number; status: number; code: string; detail: string }[],
  ): void;
  rejects(): RejectedRecord[];
  stats(): OutboxStats;
  close(): void;
}

const groupOf = (route: string, context: MaintenanceContext) =>
  createHash('sha256')
    .update(
      `${route}\n${context.work_order_id}\n${context.aircraft_registration}\n${context.technician_badge_hash}`,
    )
    .digest('hex');

export function openOutbox(opts: {
  dir: string;
  keyring: Keyring;
  maxBytes: Readonly<Record<Priority, number>>;
  /** Told of records that could not be opened and went to the reject list (an alarm). */
  onUnreadable?: (records: readonly { seq: number; detail: string }[]) => void;
}): Outbox {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  // A writer waits up to 5 s for a lock instead of failing at once (SQLITE_BUSY).
  const db = new DatabaseSync(`${opts.dir}/outbox.sqlite`, { timeout: 5000 });
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS queued (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, priority INTEGER NOT NULL,
      route TEXT NOT NULL, grp TEXT NOT NULL, key_id TEXT NOT NULL, iv BLOB NOT NULL,
      data BLOB NOT NULL, bytes INTEGER NOT NULL, queued_at INTEGER NOT NULL);
    -- Every signature ever queued (its SHA-256): the same signed item sent again is the same record.
    CREATE TABLE IF NOT EXISTS seen (sig_hash TEXT PRIMARY KEY, id TEXT NOT NULL, seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS queued_by_priority ON queued (priority, seq);
    CREATE TABLE IF NOT EXISTS in_flight (
      one INTEGER PRIMARY KEY CHECK (one = 1), seqs TEXT NOT NULL, idempotency_key TEXT NOT NULL,
      started_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS rejected (
      seq INTEGER PRIMARY KEY, id TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL,
      code TEXT NOT NULL, detail TEXT NOT NULL, key_id TEXT NOT NULL, iv BLOB NOT NULL,
      data BLOB NOT NULL, rejected_at INTEGER NOT NULL);
  `);
  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const out = work();
      db.exec('COMMIT');
      return out;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  const insert = db.prepare(
    'INSERT INTO queued (id, priority, route, grp, key_id, iv, data, bytes, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // This database's own id, part of every idempotency key: sequence numbers start again at 1 in a
  // recreated or restored data folder, and its keys must not meet the old ones at the centre.
  db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)').run('db_id', randomUUID().slice(0, 8));
  const dbId = (db.prepare("SELECT value FROM meta WHERE name = 'db_id'").get() as { value: string }).value;
  const seenSig = db.prepare('SELECT id, seq FROM seen WHERE sig_hash = ?');
  const markSeen = db.prepare('INSERT INTO seen (sig_hash, id, seq) VALUES (?, ?, ?)');
  const bytesOf = db.prepare(
    'SELECT COALESCE(SUM(bytes), 0) AS bytes, COUNT(*) AS records FROM queued WHERE priority = ?',
  );
  // Records and bytes per class, kept in memory (read once at open, changed after each commit): a
  // SUM over the table on every insert would make intake slower the fuller the outbox.
  const totals = PRIORITIES.map((_, level) => ({
    ...(bytesOf.get(level) as { bytes: number; records: number }),
  }));
  const sizeOf = db.prepare('SELECT priority, bytes FROM queued WHERE seq = ?');
  // The sealed record is bound to its row: id, route, batch group and class (an edited file cannot
  // move a record to another aircraft's batch or class without the record failing to open).
  const aad = (id: string, route: string, grp: string, priority: number) =>
    `airlock-edge-outbox:${id}:${route}:${grp}:${priority}`;
  type Row = {
    id: string;
    route: string;
    grp: string;
    priority: number;
    key_id: string;
    iv: Uint8Array;
    data: Uint8Array;
  };
  const openRow = (row: Row): QueuedRecord => ({
    id: row.id,
    ...(JSON.parse(
      opts.keyring
        .open(
          { keyId: row.key_id, iv: Buffer.from(row.iv), data: Buffer.from(row.data) },
          aad(row.id, row.route, row.grp, row.priority),
        )
        .toString('utf8'),
    ) as Omit<QueuedRecord, 'id'>),
  });

  /** Takes committed removals off the class totals. */
  const forget = (removed: readonly { priority: number; bytes: number }[]) => {
    for (const { priority, bytes } of removed) {
      const t = totals[priority];
      if (t) {
        t.bytes -= bytes;
        t.records -= 1;
      }
    }
  };

  const readInFlight = (): InFlight | undefined => {
    const row = db.prepare('SELECT seqs, idempotency_key, started_at FROM in_flight WHERE one = 1').get() as
      | { seqs: string; idempotency_key: string; started_at: number }
      | undefined;
    return row
      ? { seqs: JSON.parse(row.seqs), idempotencyKey: row.idempotency_key, startedAt: row.started_at }
      : undefined;
  };

  return {
    enqueue(records) {
      const added = new Map<Priority, number>();
      const addedRecords = new Map<Priority, number>();
      const result = transaction(() => {
        const out: { id: string; seq: number }[] = [];
        for (const r of records) {
          const sigHash = createHash('sha256').update(r.signature).digest('hex');
          const prior = seenSig.get(sigHash) as { id: string; seq: number } | undefined;
          if (prior) {
            // Sent again (a lost 202, a retry): the same record, answered as the first time.
            out.push({ id: prior.id, seq: prior.seq });
            continue;
          }
          const priority = PRIORITY_OF[r.route];
          const level = PRIORITIES.indexOf(priority);
          const id = randomUUID();
          const grp = groupOf(r.route, r.context);
          const sealed = opts.keyring.seal(Buffer.from(JSON.stringify(r)), aad(id, r.route, grp, level));
          const size = sealed.data.length + 64;
          const now = (totals[level]?.bytes ?? 0) + (added.get(priority) ?? 0);
          if (now + size > opts.maxBytes[priority]) {
            throw new AirlockError(
              'OUTBOX_FULL',
              `the ${priority} outbox is full (${opts.maxBytes[priority]} bytes): nothing of this request was queued`,
              { retryAfterSeconds: 60 },
            );
          }
          added.set(priority, (added.get(priority) ?? 0) + size);
          addedRecords.set(priority, (addedRecords.get(priority) ?? 0) + 1);
          const res = insert.run(
            id,
            level,
            r.route,
            grp,
            sealed.keyId,
            sealed.iv,
            sealed.data,
            size,
            Date.now(),
          );
          const seq = Number(res.lastInsertRowid);
          markSeen.run(sigHash, id, seq);
          out.push({ id, seq });
        }
        return out;
      });
      for (const [priority, bytes] of added) {
        const t = totals[PRIORITIES.indexOf(priority)];
        if (t) t.bytes += bytes;
      }
      for (const [priority, n] of addedRecords) {
        const t = totals[PRIORITIES.indexOf(priority)];
        if (t) t.records += n;
      }
      return result;
    },

    nextBatch(stationId, maxRecords) {
      const unreadable: { seq: number; detail: string }[] = [];
      const removed: { priority: number; bytes: number }[] = [];
      const batch = transaction(() => {
        let inFlight = readInFlight();
        if (!inFlight) {
          const first = db.prepare('SELECT priority, grp FROM queued ORDER BY priority, seq LIMIT 1').get() as
            | { priority: number; grp: string }
            | undefined;
          if (!first) return undefined;
          // The oldest records of that class, up to the first of another group: per-aircraft order
          // holds because batches go one at a time, in sequence order.
          const rows = db
            .prepare('SELECT seq, grp FROM queued WHERE priority = ? ORDER BY seq LIMIT ?')
            .all(first.priority, maxRecords) as { seq: number; grp: string }[];
          const end = rows.findIndex((r) => r.grp !== first.grp);
          const seqs = (end < 0 ? rows : rows.slice(0, end)).map((r) => r.seq);
          inFlight = {
            seqs,
            idempotencyKey: `edge:${stationId}:${dbId}:${seqs[0]}-${seqs.at(-1)}:${seqs.length}`,
            startedAt: Date.now(),
          };
          db.prepare(
            'INSERT INTO in_flight (one, seqs, idempotency_key, started_at) VALUES (1, ?, ?, ?)',
          ).run(JSON.stringify(seqs), inFlight.idempotencyKey, inFlight.startedAt);
        }
        const get = db.prepare('SELECT id, route, grp, priority, key_id, iv, data FROM queued WHERE seq = ?');
        const records: QueuedRecord[] = [];
        for (const seq of inFlight.seqs) {
          const row = get.get(seq) as Row | undefined;
          if (!row) throw new Error(`outbox: record ${seq} of the batch in flight is missing`);
          try {
            records.push(openRow(row));
          } catch (err) {
            // A record that cannot be opened (its data key removed, the file damaged) must not
            // stop every record behind it: it goes to the reject list, the batch is formed again.
            unreadable.push({ seq, detail: (err as Error).message });
          }
        }
        if (unreadable.length > 0) {
          const move = db.prepare(
            `INSERT INTO rejected (seq, id, route, status, code, detail, key_id, iv, data, rejected_at)
             SELECT seq, id, route, 0, 'UNREADABLE_AT_STATION', ?, key_id, iv, data, ? FROM queued WHERE seq = ?`,
          );
          for (const u of unreadable) {
            const size = sizeOf.get(u.seq) as { priority: number; bytes: number } | undefined;
            if (size) removed.push(size);
            move.run(u.detail.slice(0, 2000), Date.now(), u.seq);
            db.prepare('DELETE FROM queued WHERE seq = ?').run(u.seq);
          }
          db.prepare('DELETE FROM in_flight WHERE one = 1').run();
          return 'again' as const;
        }
        return { inFlight, records };
      });
      forget(removed);
      if (unreadable.length > 0) opts.onUnreadable?.(unreadable);
      return batch === 'again' ? this.nextBatch(stationId, maxRecords) : batch;
    },

    resetInFlight() {
      db.prepare('DELETE FROM in_flight WHERE one = 1').run();
    },

    settle(durable, rejected) {
      const removed: { priority: number; bytes: number }[] = [];
      transaction(() => {
        const remove = db.prepare('DELETE FROM queued WHERE seq = ?');
        for (const seq of new Set([...durable, ...rejected.map((r) => r.seq)])) {
          const size = sizeOf.get(seq) as { priority: number; bytes: number } | undefined;
          if (size) removed.push(size);
        }
        for (const seq of durable) remove.run(seq);
        const move = db.prepare(
          `INSERT INTO rejected (seq, id, route, status, code, detail, key_id, iv, data, rejected_at)
           SELECT seq, id, route, ?, ?, ?, key_id, iv, data, ? FROM queued WHERE seq = ?`,
        );
        for (const r of rejected) {
          move.run(r.status, r.code, r.detail.slice(0, 2000), Date.now(), r.seq);
          remove.run(r.seq);
        }
        db.prepare('DELETE FROM in_flight WHERE one = 1').run();
      });
      forget(removed);
    },

    rejects() {
      return (
        db
          .prepare('SELECT seq, id, route, status, code, detail, rejected_at FROM rejected ORDER BY seq')
          .all() as (Omit<RejectedRecord, 'rejectedAt'> & { rejected_at: number })[]
      ).map(({ rejected_at, ...r }) => ({ ...r, rejectedAt: rejected_at }));
    },

    stats() {
      const queued = Object.fromEntries(
        PRIORITIES.map((p, level) => [
          p,
          { records: totals[level]?.records ?? 0, bytes: totals[level]?.bytes ?? 0 },
        ]),
      ) as OutboxStats['queued'];
      const oldest = db.prepare('SELECT MIN(queued_at) AS at FROM queued').get() as { at: number | null };
      const rejected = db.prepare('SELECT COUNT(*) AS n FROM rejected').get() as { n: number };
      return {
        queued,
        oldestQueuedAt: oldest.at ?? undefined,
        rejected: rejected.n,
        inFlight: readInFlight(),
      };
    },

    close() {
      db.close();
    },
  };
}
