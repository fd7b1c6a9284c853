/**
 * The outbox's data keys (AES-256-GCM through node:crypto). A key file outside the data folder holds
 * `{"current": "<id>", "keys": {"<id>": "<base64 of 32 bytes>", …}}`: new records are sealed with
 * the current key; every key listed opens what it sealed, so a rotation (add a key, make it
 * current) loses no old record. Keys are never logged, and never written beside the data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Sealed {
  keyId: string;
  iv: Buffer;
  /** Ciphertext with the 16-byte GCM tag appended. */
  data: Buffer;
}

export interface Keyring {
  seal(plaintext: Buffer, aad: string): Sealed;
  open(sealed: Sealed, aad: string): Buffer;
  currentId: string;
}

export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

export function loadKeyring(file: string): Keyring {
  let parsed: { current?: unknown; keys?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KeyringError(`the data key file ${file} cannot be read as JSON (${(err as Error).message})`);
  }
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries((parsed.keys ?? {}) as Record<string, unknown>)) {
    const key = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id) || key.length !== 32)
      throw new KeyringError(`data key ${id.slice(0, 64)} in ${file}: expected an id and 32 bytes of base64`);
    keys.set(id, key);
  }
  const currentId = typeof parsed.current === 'string' ? parsed.current : '';
  const current = keys.get(currentId);
  if (!current) throw new KeyringError(`the data key file ${file} names no current key it holds`);
  return {
    currentId,
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(aad));
      const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { keyId: currentId, iv, data };
    },
    open({ keyId, iv, data }, aad) {
      const key = keys.get(keyId);
      if (!key)
        throw new KeyringError(
          `data key ${keyId} is not in the key file: was it removed before its records synced?`,
        );
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(data.subarray(data.length - 16));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
    },
  };
}
