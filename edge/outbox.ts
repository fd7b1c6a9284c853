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

/** Every route today carries airworthiness records; measurements (issue #14) will be `bulk`. */
export const PRIORITY_OF: Readonly<Record<RouteName, Priority>> = {
  logbook: 'airworthiness',
  'parts-trace': 'airworthiness',
  'compliance-audit': 'airworthiness',
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
}): Outbox {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(`${opts.dir}/outbox.sqlite`);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS queued (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, priority INTEGER NOT NULL,
      grp TEXT NOT NULL, key_id TEXT NOT NULL, iv BLOB NOT NULL, data BLOB NOT NULL,
      bytes INTEGER NOT NULL, queued_at INTEGER NOT NULL);
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
    'INSERT INTO queued (id, priority, grp, key_id, iv, data, bytes, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const bytesOf = db.prepare(
    'SELECT COALESCE(SUM(bytes), 0) AS bytes, COUNT(*) AS records FROM queued WHERE priority = ?',
  );
  // Records and bytes per class, kept in memory (read once at open, changed after each commit): a
  // SUM over the table on every insert would make intake slower the fuller the outbox.
  const totals = PRIORITIES.map((_, level) => ({
    ...(bytesOf.get(level) as { bytes: number; records: number }),
  }));
  const sizeOf = db.prepare('SELECT priority, bytes FROM queued WHERE seq = ?');
  const aad = (id: string) => `airlock-edge-outbox:${id}`;
  const openRow = (row: { id: string; key_id: string; iv: Uint8Array; data: Uint8Array }): QueuedRecord => ({
    id: row.id,
    ...(JSON.parse(
      opts.keyring
        .open({ keyId: row.key_id, iv: Buffer.from(row.iv), data: Buffer.from(row.data) }, aad(row.id))
        .toString('utf8'),
    ) as Omit<QueuedRecord, 'id'>),
  });

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
      const result = transaction(() => {
        const out: { id: string; seq: number }[] = [];
        for (const r of records) {
          const priority = PRIORITY_OF[r.route];
          const id = randomUUID();
          const plaintext = Buffer.from(JSON.stringify(r));
          const sealed = opts.keyring.seal(plaintext, aad(id));
          const size = sealed.data.length + 64;
          const level = PRIORITIES.indexOf(priority);
          const now = (totals[level]?.bytes ?? 0) + (added.get(priority) ?? 0);
          if (now + size > opts.maxBytes[priority]) {
            throw new AirlockError(
              'OUTBOX_FULL',
              `the ${priority} outbox is full (${opts.maxBytes[priority]} bytes): nothing of this request was queued`,
              { retryAfterSeconds: 60 },
            );
          }
          added.set(priority, (added.get(priority) ?? 0) + size);
          const res = insert.run(
            id,
            level,
            groupOf(r.route, r.context),
            sealed.keyId,
            sealed.iv,
            sealed.data,
            size,
            Date.now(),
          );
          out.push({ id, seq: Number(res.lastInsertRowid) });
        }
        return out;
      });
      for (const [priority, bytes] of added) {
        const t = totals[PRIORITIES.indexOf(priority)];
        if (t) t.bytes += bytes;
      }
      for (const r of records) {
        const t = totals[PRIORITIES.indexOf(PRIORITY_OF[r.route])];
        if (t) t.records += 1;
      }
      return result;
    },

    nextBatch(stationId, maxRecords) {
      return transaction(() => {
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
            idempotencyKey: `edge:${stationId}:${seqs[0]}-${seqs.at(-1)}:${seqs.length}`,
            startedAt: Date.now(),
          };
          db.prepare(
            'INSERT INTO in_flight (one, seqs, idempotency_key, started_at) VALUES (1, ?, ?, ?)',
          ).run(JSON.stringify(seqs), inFlight.idempotencyKey, inFlight.startedAt);
        }
        const get = db.prepare('SELECT id, key_id, iv, data FROM queued WHERE seq = ?');
        const records = inFlight.seqs.map((seq) => {
          const row = get.get(seq) as
            | { id: string; key_id: string; iv: Uint8Array; data: Uint8Array }
            | undefined;
          if (!row) throw new Error(`outbox: record ${seq} of the batch in flight is missing`);
          return openRow(row);
        });
        return { inFlight, records };
      });
    },

    settle(durable, rejected) {
      const removed: { priority: number; bytes: number }[] = [];
      transaction(() => {
        const remove = db.prepare('DELETE FROM queued WHERE seq = ?');
        for (const seq of [...durable, ...rejected.map((r) => r.seq)]) {
          const size = sizeOf.get(seq) as { priority: number; bytes: number } | undefined;
          if (size) removed.push(size);
        }
        for (const seq of durable) remove.run(seq);
        const move = db.prepare(
          `INSERT INTO rejected (seq, id, route, status, code, detail, key_id, iv, data, rejected_at)
           SELECT seq, id, ?, ?, ?, ?, key_id, iv, data, ? FROM queued WHERE seq = ?`,
        );
        const routeOf = db.prepare('SELECT id, key_id, iv, data FROM queued WHERE seq = ?');
        for (const r of rejected) {
          const row = routeOf.get(r.seq) as
            | { id: string; key_id: string; iv: Uint8Array; data: Uint8Array }
            | undefined;
          if (!row) continue;
          move.run(openRow(row).route, r.status, r.code, r.detail.slice(0, 2000), Date.now(), r.seq);
          remove.run(r.seq);
        }
        db.prepare('DELETE FROM in_flight WHERE one = 1').run();
      });
      for (const { priority, bytes } of removed) {
        const t = totals[priority];
        if (t) {
          t.bytes -= bytes;
          t.records -= 1;
        }
      }
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
