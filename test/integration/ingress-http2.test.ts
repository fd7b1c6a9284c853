/**
 * HTTP/2 on the ingress (ALPN `h2` beside `http/1.1`), against the real ingress over mutual TLS with
 * the real Kafka and Redis: every check answers over HTTP/2 as over HTTP/1.1 and a refusal publishes
 * nothing; HTTP/2's own abuse (rapid reset, oversized header lists, streams that never end) is
 * bounded; sessions are retired, aged and limited like HTTP/1.1 connections, by GOAWAY.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type ClientHttp2Session, type ClientHttp2Stream, constants } from 'node:http2';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { ensureDevPki, mintDevToken } from '../../scripts/lib/dev-identity.ts';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import {
  type Answer,
  h2Call,
  h2PostRecord,
  h2Session,
  httpsCall,
  postRecord,
  tokenFor,
} from '../support/https.ts';
import { committedCount, testKafka } from '../support/kafka.ts';
import { type Pipeline, revokeWithScript, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';
import { until } from '../support/wait.ts';

const published = (s: Services, p: Pipeline) => committedCount(testKafka(s), p.topics.ingress);

const metric = async (p: Pipeline, name: string) => {
  const text = (await httpsCall(p.pki, `${p.url}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

/** The protocol a TLS client offering `protocols` (or nothing) is given by the ingress. */
function alpnOf(p: Pipeline, protocols: string[] | undefined): Promise<string | false> {
  const { hostname, port } = new URL(p.url);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      servername: 'localhost',
      ca: readFileSync(`${p.pki}/ca.crt`),
      cert: readFileSync(`${p.pki}/client-certifying_staff.crt`),
      key: readFileSync(`${p.pki}/client-certifying_staff.key`),
      ...(protocols ? { ALPNProtocols: protocols } : {}),
    });
    socket.once('secureConnect', () => {
      resolve(socket.alpnProtocol ?? false);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** Resolves once the session got a GOAWAY from the server, with its error code. */
const goaway = (session: ClientHttp2Session) =>
  new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));

const closed = (session: ClientHttp2Session) =>
  session.closed && session.destroyed
    ? Promise.resolve()
    : new Promise<void>((resolve) => session.once('close', () => resolve()));

const within = <T>(what: string, ms: number, pending: Promise<T>): Promise<T> =>
  Promise.race([
    pending,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);

/** A POST whose headers are sent and whose body is `body` (maybe none) without its END_STREAM. */
function openRecordStream(session: ClientHttp2Session, token: string, body?: string): ClientHttp2Stream {
  const stream = session.request(
    {
      ':method': 'POST',
      ':path': '/v1/parts/trace',
      'content-type': 'application/json',
      'x-maintenance-context': contextHeader(sampleContext()),
      authorization: `Bearer ${token}`,
    },
    { endStream: false },
  );
  if (body !== undefined) stream.write(body);
  return stream;
}

/** The status the server answers on `stream` (0 for none), and when its stream closed. */
function outcome(stream: ClientHttp2Stream): Promise<{ status: number; ms: number; rstCode: number }> {
  const started = Date.now();
  let status = 0;
  stream.on('response', (h) => {
    status = Number(h[':status']);
  });
  stream.on('error', () => undefined);
  stream.resume();
  return new Promise((resolve) =>
    stream.once('close', () => resolve({ status, ms: Date.now() - started, rstCode: stream.rstCode ?? 0 })),
  );
}

// An HTTP/2 frame: 9-byte header (length, type, flags, stream id), then its payload (RFC 9113 §4.1).
const frame = (type: number, flags: number, stream: number, payload: Buffer) => {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
};
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const DATA = 0x0;
const END_HEADERS = 0x4;
const CANCEL = Buffer.from([0, 0, 0, constants.NGHTTP2_CANCEL]);

/** An HPACK string (RFC 7541 §5.2): its length with a 7-bit prefix, then its octets (no Huffman). */
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text);
  const length: number[] = [];
  let n = bytes.length;
  if (n < 127) length.push(n);
  else {
    length.push(127);
    for (n -= 127; n >= 128; n = Math.floor(n / 128)) length.push((n % 128) + 128);
    length.push(n);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
}
/** A header block of literals without indexing (RFC 7541 §6.2.2): the same bytes on every stream. */
const headerBlock = (fields: [string, string][]) =>
  Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0]), hpackString(name), hpackString(value)]));

/**
 * A raw HTTP/2 connection (ALPN h2) that writes what it is given: what no well-behaved client
 * library sends. Collects the GOAWAY codes the server sends; `closed` resolves when it closes.
 */
function rawH2(p: Pipeline) {
  const { hostname, port } = new URL(p.url);
  const goaways: number[] = [];
  let pending = Buffer.alloc(0);
  const socket = connect({
    host: hostname,
    port: Number(port),
    servername: 'localhost',
    ALPNProtocols: ['h2'],
    ca: readFileSync(`${p.pki}/ca.crt`),
    cert: readFileSync(`${p.pki}/client-certifying_staff.crt`),
    key: readFileSync(`${p.pki}/client-certifying_staff.key`),
  });
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      if (pending[3] === 0x7) goaways.push(pending.readUInt32BE(9 + 4));
      pending = pending.subarray(9 + length);
    }
  });
  socket.on('error', () => undefined);
  const ready = new Promise<void>((resolve) =>
    socket.once('secureConnect', () => {
      assert.equal(socket.alpnProtocol, 'h2');
      // The connection preface and an empty SETTINGS (RFC 9113 §3.4).
      socket.write(
        Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(0x4, 0, 0, Buffer.alloc(0))]),
      );
      resolve();
    }),
  );
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const request = (extra: [string, string][] = []) =>
    headerBlock([
      [':method', 'POST'],
      [':scheme', 'https'],
      [':path', '/v1/parts/trace'],
      [':authority', `${hostname}:${port}`],
      ...extra,
    ]);
  return { socket, goaways, ready, closed, request };
}

/**
 * The rapid reset attack (CVE-2023-44487): `n` requests, each HEADERS (no END_STREAM) followed at
 * once by RST_STREAM CANCEL, in one write. Resolves with the GOAWAY codes once the server closed
 * the connection.
 */
async function rapidReset(p: Pipeline, n: number): Promise<{ goaways: number[]; ms: number }> {
  const raw = rawH2(p);
  await raw.ready;
  const block = raw.request();
  const frames: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const id = 2 * i + 1;
    frames.push(frame(HEADERS, END_HEADERS, id, block), frame(RST_STREAM, 0, id, CANCEL));
  }
  const started = Date.now();
  raw.socket.write(Buffer.concat(frames));
  try {
    await within(`the server closes the connection (GOAWAY ${raw.goaways})`, 10_000, raw.closed);
  } finally {
    raw.socket.destroy();
  }
  return { goaways: raw.goaways, ms: Date.now() - started };
}

describe('the ingress over HTTP/2: every check as over HTTP/1.1 (real ingress, Kafka, Redis)', () => {
  let s: Services;
  let p: Pipeline;
  let token: string;
  const sessions = new Map<string, ClientHttp2Session>();
  /** One session per client certificate, opened on first use. */
  const sessionAs = async (role = 'certifying_staff') => {
    let session = sessions.get(role);
    if (!session || session.closed || session.destroyed) {
      session = await h2Session(p.pki, p.url, { certRole: role });
      sessions.set(role, session);
    }
    return session;
  };

  before(async () => {
    s = await services();
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_INGRESS_HEADERS_TIMEOUT_MS: '1000',
      AIRLOCK_INGRESS_REQUEST_TIMEOUT_MS: '3000',
      // parts_traceability has a small window: the 429 case below.
      AIRLOCK_INGRESS_RATE_LIMITS: JSON.stringify({
        '*': { limit: 1200, windowMs: 60_000 },
        parts_traceability: { limit: 2, windowMs: 60_000 },
      }),
    });
    token = await tokenFor(p.pki, 'certifying_staff');
  });
  after(async () => {
    for (const session of sessions.values()) session.destroy();
    await p?.stop();
  });

  it('ALPN gives h2 to a client offering it and HTTP/1.1 to one offering only http/1.1 or nothing', async () => {
    assert.equal(await alpnOf(p, ['h2', 'http/1.1']), 'h2');
    assert.equal(await alpnOf(p, ['http/1.1']), 'http/1.1');
    assert.equal(await alpnOf(p, undefined), false);
    const session = await sessionAs();
    assert.equal(session.alpnProtocol, 'h2');
    // The limits the server announces in its SETTINGS (RFC 9113 §6.5.2).
    assert.equal(session.remoteSettings.maxConcurrentStreams, 100);
    assert.equal(session.remoteSettings.maxHeaderListSize, 16 * 1024);
    assert.equal((await h2Call(session, '/health/live')).status, 200);
    const before = await published(s, p);
    const h1 = await postRecord(p.pki, p.url, token, { tls: { ALPNProtocols: ['http/1.1'] } });
    assert.equal(h1.status, 202, h1.text);
    assert.equal(await published(s, p), before + 1);
  });

  it('a valid record over HTTP/2 is answered 202 once committed and is in the ingress topic once', async () => {
    const before = await published(s, p);
    const res = await h2PostRecord(await sessionAs(), token);
    assert.equal(res.status, 202, res.text);
    const body = res.json<{ trace_id: string; status: string }>();
    assert.equal(body.status, 'accepted');
    assert.equal(res.headers['x-trace-id'], body.trace_id);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
    assert.equal(res.headers['ratelimit-limit'], '1200');
    // No connection-specific header on an HTTP/2 answer (RFC 9113 §8.2.2).
    for (const h of ['connection', 'keep-alive', 'transfer-encoding'])
      assert.equal(res.headers[h], undefined, h);
    assert.equal(await published(s, p), before + 1);
  });

  it('200 records multiplexed over one session, at most 100 in flight, are all 202 and all published', async () => {
    const before = await published(s, p);
    const session = await sessionAs();
    const answers: Answer[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (next < 200) {
          next++;
          answers.push(await h2PostRecord(session, token));
        }
      }),
    );
    assert.equal(answers.length, 200);
    for (const a of answers) assert.equal(a.status, 202, a.text);
    const ids = new Set(answers.map((a) => a.json<{ trace_id: string }>().trace_id));
    assert.equal(ids.size, 200);
    assert.equal(await published(s, p), before + 200);
  });

  it('each hostile request is answered over HTTP/2 as over HTTP/1.1 (status, problem, challenge) and publishes nothing', async () => {
    const before = await published(s, p);
    const record = JSON.stringify(sampleRecord());
    const revoked = await tokenFor(p.pki, 'certifying_staff');
    const r = revokeWithScript(s, p, revoked);
    assert.equal(r.status, 0, r.stderr);
    const expired = await mintDevToken(p.pki, 'certifying_staff', {
      bindCertPem: readFileSync(`${p.pki}/client-certifying_staff.crt`, 'utf8'),
      ttlSeconds: -120,
    });
    const auditor = await tokenFor(p.pki, 'compliance_auditor');
    const headers = (bearer: string | undefined, over: Record<string, string | string[]> = {}) => ({
      'content-type': 'application/json',
      'x-maintenance-context': contextHeader(sampleContext()),
      ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      ...over,
    });
    const cases: {
      name: string;
      status: number;
      code: string;
      headers: Record<string, string | string[]>;
      body?: string | Buffer;
      role?: string;
      path?: string;
    }[] = [
      { name: 'no token', status: 401, code: 'UNAUTHENTICATED', headers: headers(undefined) },
      { name: 'not a token', status: 401, code: 'UNAUTHENTICATED', headers: headers('not-a-jwt') },
      { name: 'expired token', status: 401, code: 'UNAUTHENTICATED', headers: headers(expired) },
      { name: 'revoked token', status: 401, code: 'UNAUTHENTICATED', headers: headers(revoked) },
      {
        name: 'bad maintenance context',
        status: 403,
        code: 'CONTEXT_INVALID',
        headers: headers(token, { 'x-maintenance-context': 'bm90IGpzb24=' }),
      },
      {
        name: 'two maintenance contexts',
        status: 403,
        code: 'CONTEXT_INVALID',
        headers: headers(token, {
          'x-maintenance-context': [contextHeader(sampleContext()), contextHeader(sampleContext())],
        }),
      },
      {
        name: 'two Idempotency-Keys',
        status: 400,
        code: 'HEADER_INVALID',
        headers: headers(token, { 'idempotency-key': ['a', 'b'] }),
      },
      {
        name: 'wrong role',
        status: 403,
        code: 'ROLE_FORBIDDEN',
        headers: headers(auditor),
        role: 'compliance_auditor',
      },
      {
        name: 'wrong content type',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        headers: headers(token, { 'content-type': 'text/plain' }),
      },
      {
        name: 'content encoding',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        headers: headers(token, { 'content-encoding': 'gzip' }),
      },
      {
        name: 'body too large',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        headers: headers(token),
        body: `{"remarks":"${'x'.repeat(2 * 1024 * 1024)}"}`,
      },
      { name: 'malformed JSON', status: 400, code: 'MALFORMED_JSON', headers: headers(token), body: '{"a":' },
      {
        name: 'invalid UTF-8',
        status: 400,
        code: 'MALFORMED_JSON',
        headers: headers(token),
        body: Buffer.concat([
          Buffer.from(record.slice(0, -1)),
          Buffer.from(',"remarks":"'),
          Buffer.from([0xff, 0x22, 0x7d]),
        ]),
      },
      {
        name: 'duplicate member',
        status: 400,
        code: 'MALFORMED_JSON',
        headers: headers(token),
        body: `${record.slice(0, -1)},"serial_number":"SN-OTHER"}`,
      },
      {
        name: 'schema violation',
        status: 422,
        code: 'SCHEMA_VIOLATION',
        headers: headers(token),
        body: JSON.stringify({ ...sampleRecord(), remarks: 'x'.repeat(5000) }),
      },
      { name: 'no such route', status: 404, code: 'NOT_FOUND', headers: headers(token), path: '/v1/nothing' },
    ];
    for (const c of cases) {
      const path = c.path ?? '/v1/parts/trace';
      const body = c.body ?? record;
      const h2 = await h2Call(await sessionAs(c.role), path, { method: 'POST', headers: c.headers, body });
      const h1 = await httpsCall(p.pki, `${p.url}${path}`, {
        method: 'POST',
        headers: c.headers,
        body,
        ...(c.role ? { certRole: c.role } : {}),
      });
      for (const [protocol, res] of [
        ['h2', h2],
        ['http/1.1', h1],
      ] as const) {
        assert.equal(res.status, c.status, `${c.name} over ${protocol}: ${res.text}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/, c.name);
        assert.equal(res.json<{ code: string }>().code, c.code, `${c.name} over ${protocol}`);
      }
      const { trace_id: _h2, ...problem2 } = h2.json<Record<string, unknown>>();
      const { trace_id: _h1, ...problem1 } = h1.json<Record<string, unknown>>();
      assert.deepEqual(problem2, problem1, c.name);
      assert.equal(h2.headers['www-authenticate'], h1.headers['www-authenticate'], c.name);
      assert.equal(h2.headers['cache-control'], 'no-store', c.name);
      assert.equal(h2.headers.connection, undefined, c.name);
    }
    assert.equal(await published(s, p), before, 'nothing was published');
  });

  it('the rate limit answers 429 with Retry-After over HTTP/2 as over HTTP/1.1; RateLimit-* on every answer', async () => {
    const before = await published(s, p);
    const parts = await tokenFor(p.pki, 'parts_traceability');
    const session = await sessionAs('parts_traceability');
    const first = await h2PostRecord(session, parts);
    assert.equal(first.status, 202, first.text);
    assert.equal(first.headers['ratelimit-limit'], '2');
    assert.equal(first.headers['ratelimit-remaining'], '1');
    const second = await postRecord(p.pki, p.url, parts, { certRole: 'parts_traceability' });
    assert.equal(second.status, 202, second.text);
    assert.equal(second.headers['ratelimit-remaining'], '0');
    const h2 = await h2PostRecord(session, parts);
    const h1 = await postRecord(p.pki, p.url, parts, { certRole: 'parts_traceability' });
    for (const res of [h2, h1]) {
      assert.equal(res.status, 429, res.text);
      assert.equal(res.json<{ code: string }>().code, 'RATE_LIMITED');
      assert.ok(Number(res.headers['retry-after']) >= 1, String(res.headers['retry-after']));
      assert.equal(res.headers['ratelimit-remaining'], '0');
    }
    assert.equal(await published(s, p), before + 2);
  });

  it('a client without a certificate is refused at the handshake, over HTTP/2 as over HTTP/1.1', async () => {
    await assert.rejects(h2Session(p.pki, p.url, { certRole: null }));
    await assert.rejects(httpsCall(p.pki, `${p.url}/health/live`, { certRole: null }));
  });

  it('a header list over 16 KiB is refused with RST_STREAM (HTTP/1.1: 431); the session and the server go on', async () => {
    const session = await sessionAs();
    const big = { 'x-padding': 'a'.repeat(20_000) };
    await assert.rejects(h2Call(session, '/health/live', { headers: big }), /ENHANCE_YOUR_CALM|431/);
    assert.equal((await httpsCall(p.pki, `${p.url}/health/live`, { headers: big })).status, 431);
    assert.equal((await h2Call(session, '/health/live')).status, 200);
    assert.equal((await h2PostRecord(session, token)).status, 202);
  });

  it('rapid reset: 1,000 streams opened and reset at once end the session with GOAWAY ENHANCE_YOUR_CALM; the server stays healthy', async () => {
    const before = await published(s, p);
    const resetsBefore = await metric(p, 'airlock_ingress_http2_abuse_total{reason="rapid-reset"}');
    const { goaways, ms } = await rapidReset(p, 1000);
    assert.deepEqual(goaways, [constants.NGHTTP2_ENHANCE_YOUR_CALM], `GOAWAY codes ${goaways}`);
    assert.ok(ms < 5000, `closed after ${ms} ms`);
    assert.equal(
      await metric(p, 'airlock_ingress_http2_abuse_total{reason="rapid-reset"}'),
      resetsBefore + 1,
    );
    assert.match(p.output('ingress'), /rapid reset/);
    // A fresh session is served at once.
    const fresh = await h2Session(p.pki, p.url);
    try {
      assert.equal((await h2PostRecord(fresh, token)).status, 202);
      assert.equal((await h2Call(fresh, '/health/ready')).status, 200);
    } finally {
      fresh.close();
    }
    assert.equal(await published(s, p), before + 1);
  });

  it('a client opening more streams than announced loses its connection (GOAWAY PROTOCOL_ERROR); the server goes on', async () => {
    const raw = rawH2(p);
    await raw.ready;
    const block = raw.request();
    // Its SETTINGS acknowledged (RFC 9113 §6.5.3), the server's limit of 100 streams holds.
    const frames = [frame(0x4, 0x1, 0, Buffer.alloc(0))];
    for (let i = 0; i < 101; i++) frames.push(frame(HEADERS, END_HEADERS, 2 * i + 1, block));
    raw.socket.write(Buffer.concat(frames));
    try {
      await within('the server closes the connection', 10_000, raw.closed);
    } finally {
      raw.socket.destroy();
    }
    assert.deepEqual(raw.goaways, [constants.NGHTTP2_PROTOCOL_ERROR]);
    const fresh = await h2Session(p.pki, p.url);
    try {
      assert.equal((await h2PostRecord(fresh, token)).status, 202);
    } finally {
      fresh.close();
    }
  });

  it('a stream whose request never ends is cut (408) within the request timeout and publishes nothing, its session goes on', async () => {
    const before = await published(s, p);
    const cutBefore = await metric(p, 'airlock_ingress_http2_abuse_total{reason="request-timeout"}');
    const session = await sessionAs();
    // Headers only; a half body; a whole valid record without its END_STREAM (which Node would
    // otherwise end as if whole on the cut, and publish).
    const streams = [
      openRecordStream(session, token),
      openRecordStream(session, token, '{"serial_number":'),
      openRecordStream(session, token, JSON.stringify(sampleRecord())),
    ];
    const outcomes = await within('the cut', 10_000, Promise.all(streams.map(outcome)));
    for (const [i, o] of outcomes.entries()) {
      assert.equal(o.status, 408, `stream ${i}`);
      assert.ok(o.ms >= 2500 && o.ms < 6000, `stream ${i} cut after ${o.ms} ms`);
    }
    assert.equal(
      await metric(p, 'airlock_ingress_http2_abuse_total{reason="request-timeout"}'),
      cutBefore + 3,
    );
    assert.equal((await h2Call(session, '/health/live')).status, 200);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await published(s, p), before, 'nothing was published');
  });

  it('a whole record whose stream the client resets before its END_STREAM publishes nothing', async () => {
    // Raw frames: Node's client sends an END_STREAM before the RST_STREAM of a stream it closes.
    const before = await published(s, p);
    const raw = rawH2(p);
    await raw.ready;
    const block = raw.request([
      ['content-type', 'application/json'],
      ['x-maintenance-context', contextHeader(sampleContext())],
      ['authorization', `Bearer ${token}`],
    ]);
    raw.socket.write(
      Buffer.concat([
        frame(HEADERS, END_HEADERS, 1, block),
        frame(DATA, 0, 1, Buffer.from(JSON.stringify(sampleRecord()))),
      ]),
    );
    await new Promise((r) => setTimeout(r, 300));
    raw.socket.write(frame(RST_STREAM, 0, 1, CANCEL));
    await new Promise((r) => setTimeout(r, 1000));
    raw.socket.destroy();
    assert.equal(await published(s, p), before, 'nothing was published');
    // Sent whole (END_STREAM), the same record is published: the refusal was the reset's.
    const whole = rawH2(p);
    await whole.ready;
    whole.socket.write(
      Buffer.concat([
        frame(HEADERS, END_HEADERS, 1, block),
        frame(DATA, 0x1, 1, Buffer.from(JSON.stringify(sampleRecord()))),
      ]),
    );
    await until('the whole record is published', async () => (await published(s, p)) === before + 1);
    whole.socket.destroy();
  });
});

describe('HTTP/2 sessions are connections: retired on a trust change, limited in age and requests', () => {
  let s: Services;
  let p: Pipeline;
  let token: string;
  const dir = mkdtempSync(`${tmpdir()}/airlock-h2-`);
  const pki = ensureDevPki();

  before(async () => {
    s = await services();
    copyFileSync(`${pki}/ca.crt`, `${dir}/client-ca.crt`);
    p = await startPipeline(s, ['ingress'], {
      AIRLOCK_TLS_CLIENT_CA_FILE: `${dir}/client-ca.crt`,
      AIRLOCK_INGRESS_CONNECTION_MAX_AGE_MS: '3000',
      AIRLOCK_INGRESS_CONNECTION_MAX_REQUESTS: '5',
    });
    token = await tokenFor(p.pki, 'certifying_staff');
  });
  after(async () => {
    await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a session serves at most AIRLOCK_INGRESS_CONNECTION_MAX_REQUESTS streams: the last one brings GOAWAY', async () => {
    const session = await h2Session(p.pki, p.url);
    const away = goaway(session);
    for (let i = 0; i < 4; i++) assert.equal((await h2Call(session, '/health/live')).status, 200);
    assert.equal(session.closed, false);
    assert.equal((await h2PostRecord(session, token)).status, 202);
    assert.equal(await within('GOAWAY', 2000, away), constants.NGHTTP2_NO_ERROR);
    await within('the session closes', 2000, closed(session));
  });

  it('a session older than its maximum age is closed by GOAWAY with its next answer', async () => {
    const session = await h2Session(p.pki, p.url);
    const away = goaway(session);
    assert.equal((await h2Call(session, '/health/live')).status, 200);
    await new Promise((r) => setTimeout(r, 3200));
    assert.equal(session.closed, false);
    assert.equal((await h2Call(session, '/health/live')).status, 200);
    assert.equal(await within('GOAWAY', 2000, away), constants.NGHTTP2_NO_ERROR);
    await within('the session closes', 2000, closed(session));
  });

  it('a client trust change retires sessions: an idle one closes at once; a busy one answers a new stream 421, finishes its request in flight, and closes', async (t) => {
    const before = await published(s, p);
    const retiredBefore = await metric(p, 'airlock_ingress_retired_connection_requests_total');
    const idle = await h2Session(p.pki, p.url);
    const busy = await h2Session(p.pki, p.url);
    // Had this test failed with a session open, the drain below would wait for it.
    t.after(() => {
      idle.destroy();
      busy.destroy();
    });
    const busyAway = goaway(busy);
    // In flight: its headers were taken before the change; its body comes after.
    const record = JSON.stringify(sampleRecord());
    const inFlight = openRecordStream(busy, token, record.slice(0, 20));
    const inFlightAnswer = new Promise<number>((resolve) =>
      inFlight.once('response', (h) => resolve(Number(h[':status']))),
    );
    // A client reads its answers: a stream whose body is left unread keeps the client's session
    // open after the server closed its side (GOAWAY, then its socket).
    inFlight.resume();
    await new Promise((r) => setTimeout(r, 300));
    // The same CA twice: the client trust (its digest) changes, the CA does not.
    const ca = readFileSync(`${pki}/ca.crt`, 'utf8');
    writeFileSync(`${dir}/client-ca.crt`, `${ca}${ca}`);
    await within('the idle session closes', 5000, closed(idle));
    const refused = await h2Call(busy, '/health/live');
    assert.equal(refused.status, 421, refused.text);
    assert.equal(refused.json<{ code: string }>().code, 'CONNECTION_RETIRED');
    assert.equal(await within('GOAWAY', 2000, busyAway), constants.NGHTTP2_NO_ERROR);
    inFlight.end(record.slice(20));
    assert.equal(await within('the request in flight', 5000, inFlightAnswer), 202);
    await within('the busy session closes', 5000, closed(busy));
    assert.equal(await metric(p, 'airlock_ingress_retired_connection_requests_total'), retiredBefore + 1);
    // A new session meets the new trust, and is HTTP/2 still after the reload.
    const fresh = await h2Session(p.pki, p.url);
    try {
      assert.equal(fresh.alpnProtocol, 'h2');
      assert.equal((await h2PostRecord(fresh, token)).status, 202);
    } finally {
      fresh.close();
    }
    await until('both records are published', async () => (await published(s, p)) === before + 2);
  });

  it('a drain (SIGTERM) ends an idle HTTP/2 session with GOAWAY and the ingress exits 0', async () => {
    const session = await h2Session(p.pki, p.url);
    const away = goaway(session);
    assert.equal((await h2Call(session, '/health/live')).status, 200);
    const codes = await p.stop();
    assert.equal(await within('GOAWAY', 5000, away), constants.NGHTTP2_NO_ERROR);
    assert.equal(codes.ingress, 0, p.output('ingress'));
    await within('the session closes', 5000, closed(session));
  });
});

describe('AIRLOCK_INGRESS_HTTP2=false', () => {
  let p: Pipeline;
  before(async () => {
    p = await startPipeline(await services(), ['ingress'], { AIRLOCK_INGRESS_HTTP2: 'false' });
  });
  after(async () => {
    await p?.stop();
  });

  it('offers no h2: an HTTP/2-only client is refused, HTTP/1.1 is served', async () => {
    assert.equal(await alpnOf(p, ['h2', 'http/1.1']), 'http/1.1');
    await assert.rejects(h2Session(p.pki, p.url));
    const res = await postRecord(p.pki, p.url, await tokenFor(p.pki, 'certifying_staff'));
    assert.equal(res.status, 202, res.text);
  });
});
