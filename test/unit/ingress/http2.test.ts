/**
 * HTTP/2 on the ingress without a network: the server options from the configuration, the guards
 * (rapid reset, request timeout) and the connection policy of HTTP/2 sessions, driven by stand-ins
 * for Node's server, sessions and streams that emit what Node emits. test/integration/ingress-http2.test.ts
 * runs the same over real TLS.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { constants, type Http2SecureServer, type Http2ServerRequest } from 'node:http2';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../../core/config/load.ts';
import { loadContract } from '../../../core/contract.ts';
import { createLocalStore } from '../../../core/store/local.ts';
import { loadTlsMaterial } from '../../../core/tls.ts';
import { buildIngress } from '../../../ingress/app.ts';
import { connectionPolicy } from '../../../ingress/connections.ts';
import {
  guardHttp2,
  http2ServerOptions,
  type RawRequest,
  streamGone,
  tlsSocketOf,
} from '../../../ingress/http2.ts';
import { devIngressEnv, ensureDevPki } from '../../../scripts/lib/dev-identity.ts';

const pki = ensureDevPki();
/** The development mtls-jwt configuration (its PKI), with `env` on top. */
const config = (env: Record<string, string> = {}) =>
  loadConfig(
    {
      AIRLOCK_KAFKA_BROKERS: '127.0.0.1:9092',
      AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      ...devIngressEnv(pki),
      ...env,
    },
    'ingress',
  );

class FakeSession extends EventEmitter {
  closed = false;
  destroyed = false;
  closes = 0;
  destroyedWith: [Error | undefined, number | undefined] | undefined;
  socket = { remoteAddress: '127.0.0.1' };
  close() {
    this.closes++;
    this.closed = true;
  }
  destroy(err?: Error, code?: number) {
    this.destroyed = true;
    this.destroyedWith = [err, code];
  }
}

class FakeStream extends EventEmitter {
  closed = false;
  destroyed = false;
  headersSent = false;
  rstCode = constants.NGHTTP2_NO_ERROR;
  state = { remoteClose: 0 };
  responded: unknown[] = [];
  closedWith: number | undefined;
  readonly session: FakeSession;
  constructor(session: FakeSession) {
    super();
    this.session = session;
  }
  respond(headers: unknown, opts: unknown) {
    this.headersSent = true;
    this.responded.push(headers, opts);
  }
  close(code: number) {
    this.closedWith = code;
  }
  /** What Node emits when the stream ends with this RST_STREAM code (aborted: before its answer). */
  end(rstCode: number, aborted: boolean) {
    this.rstCode = rstCode;
    this.closed = true;
    this.destroyed = true;
    if (aborted) this.emit('aborted');
    this.emit('close');
  }
}

class FakeServer extends EventEmitter {
  maxRequestsPerSocket = 0;
  idleClosed = 0;
  closeIdleConnections() {
    this.idleClosed++;
  }
}

const asServer = (s: FakeServer) => s as unknown as Http2SecureServer;
const h2Request = (stream: FakeStream) => ({ stream, socket: {} }) as unknown as RawRequest;

describe('http2ServerOptions: the limits from the configuration', () => {
  it('defaults: h2 and http/1.1 by ALPN, 100 streams, a 16 KiB header list, 10 MB a session', () => {
    const o = http2ServerOptions(config());
    assert.equal(o.allowHTTP1, true);
    assert.deepEqual(o.ALPNProtocols, ['h2', 'http/1.1']);
    assert.equal(o.settings?.maxConcurrentStreams, 100);
    assert.equal(o.settings?.maxHeaderListSize, 16 * 1024);
    assert.equal(o.settings?.enablePush, false);
    assert.equal(o.maxSessionMemory, 10);
    assert.equal(o.maxHeaderListPairs, 68);
    assert.equal(o.http1Options?.keepAliveTimeout, 5000);
  });

  it('each limit is a setting', () => {
    const o = http2ServerOptions(
      config({
        AIRLOCK_INGRESS_HTTP2_MAX_CONCURRENT_STREAMS: '20',
        AIRLOCK_INGRESS_HTTP2_MAX_HEADER_LIST_BYTES: '8192',
        AIRLOCK_INGRESS_HTTP2_MAX_SESSION_MEMORY_MB: '4',
      }),
    );
    assert.equal(o.settings?.maxConcurrentStreams, 20);
    assert.equal(o.settings?.maxHeaderListSize, 8192);
    assert.equal(o.maxSessionMemory, 4);
  });

  it('out-of-range limits stop the start with the setting’s name', () => {
    assert.throws(
      () => config({ AIRLOCK_INGRESS_HTTP2_MAX_CONCURRENT_STREAMS: '0' }),
      /HTTP2_MAX_CONCURRENT_STREAMS/,
    );
    assert.throws(() => config({ AIRLOCK_INGRESS_HTTP2_MAX_HEADER_LIST_BYTES: '100' }), /HEADER_LIST_BYTES/);
  });
});

describe('buildIngress: which server', () => {
  const deps = (env: Record<string, string>) => {
    const c = config(env);
    return {
      config: c,
      logger: pino({ level: 'silent' }),
      contract: loadContract(),
      publisher: {
        connect: async () => undefined,
        disconnect: async () => undefined,
        publish: async () => undefined,
      },
      authenticate: async () => ({ subject: 's', role: 'certifying_staff', tenant: 'default' }),
      store: createLocalStore(),
      readiness: [],
      ...(c.ingress.authMode === 'mtls-jwt' ? { https: loadTlsMaterial(c).options } : {}),
    };
  };
  it('mtls-jwt: an HTTP/2 server that also takes HTTP/1.1; AIRLOCK_INGRESS_HTTP2=false: HTTP/1.1 only', async () => {
    const h2 = buildIngress(deps({}));
    const h1 = buildIngress(deps({ AIRLOCK_INGRESS_HTTP2: 'false' }));
    try {
      assert.equal(h2.server.constructor.name, 'Http2SecureServer');
      assert.equal(h1.server.constructor.name, 'Server');
      assert.equal('updateSettings' in h1.server, false);
    } finally {
      await Promise.all([h2.close(), h1.close()]);
    }
  });

  it('dev-insecure: plain HTTP/1.1, whatever AIRLOCK_INGRESS_HTTP2 says', async () => {
    const app = buildIngress(
      deps({ AIRLOCK_INGRESS_AUTH_MODE: 'dev-insecure', AIRLOCK_INGRESS_HTTP2: 'true' }),
    );
    try {
      assert.equal(app.server.constructor.name, 'Server');
      assert.equal('setSecureContext' in app.server, false);
    } finally {
      await app.close();
    }
  });
});

describe('guardHttp2: rapid reset (CVE-2023-44487)', () => {
  const setup = (maxResetsPerSecond = 100) => {
    const server = new FakeServer();
    const abuse: string[] = [];
    guardHttp2(asServer(server), {
      requestTimeoutMs: 30_000,
      maxResetsPerSecond,
      logger: pino({ level: 'silent' }),
      onAbuse: (reason) => abuse.push(reason),
    });
    const session = new FakeSession();
    server.emit('session', session);
    const stream = () => {
      const s = new FakeStream(session);
      session.emit('stream', s);
      return s;
    };
    return { session, stream, abuse };
  };

  it('more resets in a second than allowed end the session with ENHANCE_YOUR_CALM, once', () => {
    const { session, stream, abuse } = setup(100);
    for (let i = 0; i < 100; i++) stream().end(constants.NGHTTP2_CANCEL, true);
    assert.equal(session.destroyed, false, 'at the limit: still served');
    stream().end(constants.NGHTTP2_CANCEL, true);
    assert.equal(session.destroyed, true);
    assert.equal(session.destroyedWith?.[1], constants.NGHTTP2_ENHANCE_YOUR_CALM);
    // The streams the destruction closes count no further.
    for (let i = 0; i < 10; i++) stream().end(constants.NGHTTP2_CANCEL, true);
    assert.deepEqual(abuse, ['rapid-reset']);
  });

  it('a reset counts whether it came before the answer (aborted), after it (CANCEL), or before the stream was handed over', () => {
    const { session, stream } = setup(2);
    stream().end(constants.NGHTTP2_NO_ERROR, true);
    stream().end(constants.NGHTTP2_CANCEL, false);
    const early = new FakeStream(session);
    early.closed = true;
    early.destroyed = true;
    session.emit('stream', early);
    assert.equal(session.destroyed, true);
  });

  it('streams that end normally are no resets', () => {
    const { session, stream } = setup(2);
    for (let i = 0; i < 50; i++) stream().end(constants.NGHTTP2_NO_ERROR, false);
    assert.equal(session.destroyed, false);
  });
});

describe('guardHttp2: the request timeout of a stream', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  const setup = () => {
    const server = new FakeServer();
    const abuse: string[] = [];
    guardHttp2(asServer(server), {
      requestTimeoutMs: 2000,
      maxResetsPerSecond: 1,
      logger: pino({ level: 'silent' }),
      onAbuse: (reason) => abuse.push(reason),
    });
    const session = new FakeSession();
    server.emit('session', session);
    return { session, abuse };
  };

  it('a request not whole within it is answered 408 and its stream closed with NO_ERROR', () => {
    const { session, abuse } = setup();
    const stream = new FakeStream(session);
    session.emit('stream', stream);
    mock.timers.tick(1999);
    assert.equal(stream.closedWith, undefined);
    mock.timers.tick(1);
    assert.deepEqual(stream.responded, [{ ':status': 408 }, { endStream: true }]);
    assert.equal(stream.closedWith, constants.NGHTTP2_NO_ERROR);
    assert.deepEqual(abuse, ['request-timeout']);
    // The cut is not the client's reset.
    stream.end(constants.NGHTTP2_NO_ERROR, true);
    assert.equal(session.destroyed, false);
  });

  it('a request whose END_STREAM arrived is never cut, however long its answer takes', () => {
    const { session, abuse } = setup();
    const stream = new FakeStream(session);
    session.emit('stream', stream);
    stream.state.remoteClose = 1;
    mock.timers.tick(10_000);
    assert.equal(stream.closedWith, undefined);
    assert.deepEqual(abuse, []);
  });

  it('an answer already begun is not replaced: the stream is only closed', () => {
    const { session } = setup();
    const stream = new FakeStream(session);
    session.emit('stream', stream);
    stream.headersSent = true;
    mock.timers.tick(2000);
    assert.deepEqual(stream.responded, []);
    assert.equal(stream.closedWith, constants.NGHTTP2_NO_ERROR);
  });
});

describe('connectionPolicy: HTTP/2 sessions are connections', () => {
  const setup = (opts = { maxAgeMs: 600_000, maxRequests: 3 }) => {
    const server = new FakeServer();
    const policy = connectionPolicy(asServer(server), opts);
    const open = () => {
      const session = new FakeSession();
      server.emit('session', session);
      return session;
    };
    const stream = (session: FakeSession) => {
      const s = new FakeStream(session);
      session.emit('stream', s);
      return s;
    };
    return { server, policy, open, stream };
  };

  it('the last stream a session may carry closes it at once (GOAWAY); HTTP/1.1 keeps maxRequestsPerSocket', () => {
    const { server, open, stream } = setup();
    assert.equal(server.maxRequestsPerSocket, 3);
    const session = open();
    stream(session).end(0, false);
    stream(session).end(0, false);
    assert.equal(session.closes, 0);
    stream(session);
    assert.equal(session.closes, 1);
  });

  it('a trust change closes idle sessions at once, refuses new streams of busy ones (421), and their next answer closes them', () => {
    const { server, policy, open, stream } = setup();
    const idle = open();
    const busy = open();
    const inFlight = stream(busy);
    assert.equal(policy.retired(h2Request(inFlight)), false);
    policy.retireAll();
    assert.equal(server.idleClosed, 1, 'HTTP/1.1 idle connections too');
    assert.equal(idle.closes, 1);
    assert.equal(busy.closes, 0);
    assert.equal(policy.retired(h2Request(stream(busy))), true);
    assert.equal(policy.closing(h2Request(inFlight)), true);
    const fresh = open();
    assert.equal(policy.retired(h2Request(stream(fresh))), false);
    assert.equal(policy.closing(h2Request(stream(fresh))), false);
  });

  it('a session past its maximum age is closing; one never seen opening is retired', async () => {
    const { policy, open, stream } = setup({ maxAgeMs: 20, maxRequests: 100 });
    const session = open();
    const s = stream(session);
    assert.equal(policy.closing(h2Request(s)), false);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(policy.closing(h2Request(s)), true);
    assert.equal(policy.retired(h2Request(new FakeStream(new FakeSession()))), true);
  });
});

describe('requests under HTTP/2', () => {
  it('the TLS socket of a request is its session’s, one per connection; under HTTP/1.1 the request’s own', () => {
    const sessionSocket = { authorized: true };
    const session = { socket: sessionSocket };
    const a = { stream: { session }, socket: { perStream: 1 } } as unknown as Http2ServerRequest;
    const b = { stream: { session }, socket: { perStream: 2 } } as unknown as Http2ServerRequest;
    assert.equal(tlsSocketOf(a), sessionSocket);
    assert.equal(tlsSocketOf(b), sessionSocket);
    const socket = {};
    assert.equal(tlsSocketOf({ socket } as unknown as RawRequest), socket);
  });

  it('a request whose stream closed before its answer is gone; HTTP/1.1 requests never are', () => {
    const session = new FakeSession();
    const stream = new FakeStream(session);
    assert.equal(streamGone(h2Request(stream)), false);
    stream.closed = true;
    assert.equal(streamGone(h2Request(stream)), true);
    assert.equal(streamGone({ socket: {} } as unknown as RawRequest), false);
  });
});
