/**
 * Bodies and headers a hostile review found published or mis-answered (issue #12 §11–§15), against
 * the real ingress over mutual TLS with the real Kafka and Redis: each case asserts the status, the
 * problem body, and that nothing reached the ingress topic.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { contextHeader, sampleContext, sampleRecord } from '../../scripts/lib/sample.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { type Answer, postRecord, tokenFor } from '../support/https.ts';
import { committedCount, endOffset, testKafka } from '../support/kafka.ts';
import { type Pipeline, startPipeline } from '../support/pipeline.ts';
import { type Services, services } from '../support/services.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string; rule: string }[];
  errors_omitted?: number;
}

describe('ingress bodies and headers (real ingress, Kafka, Redis)', () => {
  let s: Services;
  let p: Pipeline;
  let token: string;

  before(async () => {
    s = await services();
    // A body limit above the broker's record limit (1 MiB, the broker default), so that §14's
    // check is what refuses a large record, not the body limit.
    p = await startPipeline(s, ['ingress'], { AIRLOCK_INGRESS_MAX_BODY_BYTES: String(4 * 1024 * 1024) });
    token = await tokenFor(p.pki, 'certifying_staff');
  });
  after(async () => {
    await p?.stop();
  });

  const send = (body: string | Buffer, headers: Record<string, string | string[]> = {}) =>
    postRecord(p.pki, p.url, token, { headers, body });

  /** The answer is this problem, and the ingress topic holds nothing (the whole file publishes nothing). */
  const refused = async (res: Answer, status: number, code: string, detail?: RegExp) => {
    assert.equal(res.status, status, res.text);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const problem = res.json<Problem>();
    assert.equal(problem.code, code, res.text);
    if (detail) assert.match(problem.detail, detail);
    const admin = testKafka(s).admin();
    await admin.connect();
    try {
      assert.equal(await endOffset(admin, p.topics.ingress), 0, 'nothing was published');
    } finally {
      await admin.disconnect();
    }
    return problem;
  };

  const record = JSON.stringify(sampleRecord());
  /** The sample record's text with a member spliced in before its closing brace. */
  const withMember = (member: string) => `${record.slice(0, -1)},${member}}`;

  it('duplicate JSON keys are refused with 400, whatever their spelling (§11)', async () => {
    await refused(
      await send(withMember('"serial_number":"SN-OTHER"')),
      400,
      'MALFORMED_JSON',
      /appears twice/,
    );
    await refused(
      await send(withMember('"\\u0073erial_number":"SN-OTHER"')),
      400,
      'MALFORMED_JSON',
      /"serial_number" appears twice/,
    );
    // In a batch, the one line is refused, the others are not published either here (one line only).
    const ndjson = await send(`${withMember('"remarks":"a","remarks":"b"')}\n`, {
      'content-type': 'application/x-ndjson',
    });
    assert.equal(ndjson.status, 207, ndjson.text);
    const batch = ndjson.json<{ results: { status: number; code: string; detail: string }[] }>();
    assert.equal(batch.results[0]?.code, 'MALFORMED_JSON');
    assert.match(batch.results[0]?.detail ?? '', /appears twice/);
  });

  it('bytes that are not UTF-8 are 400; a declared non-UTF-8 charset and any Content-Encoding are 415 (§12)', async () => {
    // 0xFF is never valid in UTF-8: replacing it with U+FFFD would publish what was not sent.
    const invalid = Buffer.concat([
      Buffer.from(withMember('"remarks":"').slice(0, -1)),
      Buffer.from([0xff]),
      Buffer.from('"}'),
    ]);
    await refused(await send(invalid), 400, 'MALFORMED_JSON', /not valid UTF-8/);
    await refused(
      await send(record, { 'content-type': 'application/json; charset=iso-8859-1' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /charset/,
    );
    await refused(
      await send(record, { 'content-type': 'application/json; charset=UTF-16' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    for (const encoding of ['gzip', 'br', 'deflate', 'x-unknown'])
      await refused(
        await send(record, { 'content-encoding': encoding }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        /Content-Encoding/,
      );
  });

  it('two Content-Type headers are 400, not first-wins (§15)', async () => {
    await refused(
      await send(record, { 'content-type': ['application/json', 'text/plain'] }),
      400,
      'HEADER_INVALID',
      /Content-Type/,
    );
  });

  it('a free-text field over its maximum is 422 with its path; the error list is capped and counted (§13)', async () => {
    const long = await refused(
      await send(JSON.stringify({ ...sampleRecord(), remarks: 'x'.repeat(900_000) })),
      422,
      'SCHEMA_VIOLATION',
    );
    assert.deepEqual(long.errors, [
      { path: '/remarks', message: 'longer than 4000 characters', rule: 'AVRO-SCHEMA' },
    ]);
    const extra = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`k${i}`, 1]));
    const res = await send(JSON.stringify({ ...sampleRecord(), ...extra }));
    const many = await refused(res, 422, 'SCHEMA_VIOLATION');
    assert.equal(many.errors?.length, 50);
    assert.equal(many.errors_omitted, 60_000 - 50);
    assert.ok(res.text.length < 10_000, `the answer is ${res.text.length} characters`);
  });

  it('a record larger than the topics take is 413 (not a retriable 503), below the body limit (§14)', async () => {
    // 1.1 MB: under the 4 MiB body limit, over the broker's 1 MiB record limit.
    const big = JSON.stringify({ ...sampleRecord(), padding: 'y'.repeat(1_100_000) });
    const problem = await refused(await send(big), 413, 'PAYLOAD_TOO_LARGE', /topics .* at most \d+ bytes/);
    assert.doesNotMatch(problem.detail, /configured limit/);
  });

  it('Infinity, NUL, bidi overrides and lone surrogates are 422 with the field’s path (§15)', async () => {
    const cases: [string, string, RegExp][] = [
      ['1e400', withMember('"life_status":{"hours":1e400}'), /Infinity/],
      ['-1e400', withMember('"life_status":{"limit_hours":-1e400}'), /Infinity/],
      ['NUL', withMember('"remarks":"torque\\u0000ok"'), /U\+0000/],
      ['RLO', withMember('"remarks":"\\u202eko euqrot"'), /U\+202E/],
      ['lone surrogate', withMember('"remarks":"\\ud800"'), /lone surrogate/],
    ];
    for (const [name, body, message] of cases) {
      const problem = await refused(await send(body), 422, 'SCHEMA_VIOLATION');
      assert.equal(problem.errors?.length, 1, name);
      assert.match(problem.errors?.[0]?.message ?? '', message, name);
    }
  });

  it('a registration without its hyphen is refused at the context check with its canonical form (§17)', async () => {
    for (const [reg, canonical] of [
      ['DAIBL', 'D-AIBL'],
      ['GEUPT', 'G-EUPT'],
      ['FGKXA', 'F-GKXA'],
    ]) {
      const body = JSON.stringify({ ...sampleRecord(), aircraft_registration: reg });
      const problem = await refused(
        await send(body, { 'x-maintenance-context': contextHeader(sampleContext(reg)) }),
        403,
        'CONTEXT_INVALID',
        new RegExp(`write ${canonical} `),
      );
      assert.equal(problem.errors?.[0]?.rule, 'REG-ICAO-1', reg);
    }
  });

  it('a schema violation the catalogue names carries its rule id, not AVRO-SCHEMA (§19)', async () => {
    const example = JSON.parse(
      readFileSync(`${ROOT}avro/examples/parts-trace-event/invalid/status-not-in-enum.json`, 'utf8'),
    ) as { record: unknown };
    const problem = await refused(await send(JSON.stringify(example.record)), 422, 'SCHEMA_VIOLATION');
    assert.deepEqual(
      problem.errors?.map((e) => [e.path, e.rule]),
      [['/installation_status', 'PART-STAT-1']],
    );
    const missing = await refused(
      await send(JSON.stringify({ ...sampleRecord(), serial_number: undefined, colour: 'red' })),
      422,
      'SCHEMA_VIOLATION',
    );
    assert.deepEqual(Object.fromEntries(missing.errors?.map((e) => [e.path, e.rule]) ?? []), {
      '/serial_number': 'PART-ID-1',
      '/colour': 'AVRO-SCHEMA',
    });
  });

  // Last: it publishes.
  it('a batch larger than the broker takes in one produce request is published whole, in one transaction (§14)', async () => {
    // 300 records of ~4 KB, one part, so one key and one partition: ~1.2 MB, over the 1 MiB a
    // single produce batch may hold; each record fits.
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ ...sampleRecord(), remarks: `${i} `.padEnd(3990, 'z') }),
    );
    const res = await send(`${lines.join('\n')}\n`, { 'content-type': 'application/x-ndjson' });
    assert.equal(res.status, 207, `${res.text.slice(0, 2000)}\n${p.output('ingress')}`);
    assert.equal(res.json<{ accepted: number }>().accepted, 300, res.text.slice(0, 2000));
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), 300);
  });

  it('a malformed mark of a state under rule set OTHER is accepted for review (REG-ICAO-2 WARN), not refused (§18)', async () => {
    const before = await committedCount(testKafka(s), p.topics.ingress);
    for (const reg of ['VH-OQ', 'JA-8089', '9V-SKA']) {
      const res = await send(JSON.stringify({ ...sampleRecord(), aircraft_registration: reg }), {
        'x-maintenance-context': contextHeader(sampleContext(reg)),
      });
      assert.equal(res.status, 202, `${reg}: ${res.text}`);
    }
    assert.equal(await committedCount(testKafka(s), p.topics.ingress), before + 3);
  });
});
