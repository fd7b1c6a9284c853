/**
 * Who signed a record at the station (issue #13): each record arrives with a compact JWS (ES256 or
 * EdDSA, jose) whose payload is the canonical JSON (RFC 8785) of `{route, context, record,
 * captured_at}` and whose `kid` names a device or technician key of the station's registry. The
 * registry is a JWKS file (with `"revoked": [kid, …]`), re-read when it changes. A signature over
 * another body than the one sent — a replay — fails, as does one by an unknown or revoked key.
 */
import { readFileSync, statSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { compactVerify, importJWK, type JWK } from 'jose';
import { AirlockError } from '../core/errors.ts';

export const SIGNATURE_ALGORITHMS = ['ES256', 'EdDSA'] as const;
const MAX_SIGNATURE_CHARS = 8192;

export interface SignedFields {
  route: unknown;
  context: unknown;
  record: unknown;
  captured_at: unknown;
}

/** What the signature covers: the canonical JSON of the four signed fields, as bytes. */
export function signedBytes(item: SignedFields): Buffer {
  return Buffer.from(
    canonicalize({
      route: item.route,
      context: item.context,
      record: item.record,
      captured_at: item.captured_at,
    }) ?? '',
  );
}

const invalid = (message: string) => new AirlockError('SIGNATURE_INVALID', message);

export interface SignerRegistry {
  /** Verifies `signature` over `item`; the signer's key id, or a SIGNATURE_INVALID error. */
  verify(item: SignedFields, signature: unknown): Promise<string>;
}

export function signerRegistry(file: string): SignerRegistry {
  type Loaded = {
    mtimeMs: number;
    keys: Map<string, JWK>;
    revoked: Set<string>;
    /** Imported keys, by kid: importing a JWK costs more than verifying with it. */
    imported: Map<string, Promise<Parameters<typeof compactVerify>[1]>>;
  };
  let loaded: Loaded | undefined;
  let checkedAt = 0;
  const load = (): Loaded => {
    const now = Date.now();
    if (loaded && now - checkedAt < 1000) return loaded;
    checkedAt = now;
    const mtimeMs = statSync(file).mtimeMs;
    if (loaded && loaded.mtimeMs === mtimeMs) return loaded;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown; revoked?: unknown };
    // Fail closed on a malformed registry: a "revoked" that is not a list of key ids revokes nothing.
    if (
      !Array.isArray(parsed.keys) ||
      (parsed.revoked !== undefined &&
        !(Array.isArray(parsed.revoked) && parsed.revoked.every((r) => typeof r === 'string')))
    )
      throw new Error(
        `the signer registry ${file} must hold "keys" (a JWK list) and "revoked" (a list of key ids)`,
      );
    const keys = new Map<string, JWK>();
    for (const k of parsed.keys as JWK[]) if (typeof k.kid === 'string') keys.set(k.kid, k);
    loaded = { mtimeMs, keys, revoked: new Set((parsed.revoked ?? []) as string[]), imported: new Map() };
    return loaded;
  };
  // Fail closed at start-up: an unreadable registry would refuse every record anyway.
  load();
  return {
    async verify(item, signature) {
      if (typeof signature !== 'string' || signature.length === 0)
        throw invalid('the record carries no signature (a compact JWS over its canonical form)');
      if (
        signature.length > MAX_SIGNATURE_CHARS ||
        !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(signature)
      )
        throw invalid('the signature is not a compact JWS');
      const registry = load();
      let kid: string | undefined;
      try {
        const header = JSON.parse(
          Buffer.from(signature.split('.')[0] ?? '', 'base64url').toString('utf8'),
        ) as {
          kid?: unknown;
        };
        kid = typeof header.kid === 'string' ? header.kid : undefined;
      } catch {
        throw invalid('the signature header is not JSON');
      }
      if (kid === undefined) throw invalid('the signature names no key id (kid)');
      if (registry.revoked.has(kid)) throw invalid(`the signer key ${kid.slice(0, 64)} is revoked`);
      const jwk = registry.keys.get(kid);
      if (!jwk) throw invalid(`the signer key ${kid.slice(0, 64)} is not in the station's registry`);
      let payload: Uint8Array;
      try {
        let imported = registry.imported.get(kid);
        if (!imported) {
          imported = importJWK(jwk, typeof jwk.alg === 'string' ? jwk.alg : undefined);
          registry.imported.set(kid, imported);
        }
        const key = await imported;
        ({ payload } = await compactVerify(signature, key, { algorithms: [...SIGNATURE_ALGORITHMS] }));
      } catch (err) {
        throw invalid(`the signature does not verify (${(err as { code?: string }).code ?? 'invalid'})`);
      }
      if (!Buffer.from(payload).equals(signedBytes(item)))
        throw invalid('the signature covers another body than the one sent');
      return kid;
    },
  };
}
