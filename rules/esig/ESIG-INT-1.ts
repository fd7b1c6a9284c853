import { createHash } from 'node:crypto';
import { ALL_RULE_SETS } from '../rule-set.ts';
import { finding, type Rule, str } from '../types.ts';

/**
 * ESIG-INT-1: `content_sha256` is a SHA-256 (64 lowercase hex), and when the record version itself
 * is sent (`content`, canonical JSON), its hash is exactly that: a version edited after signing
 * fails. The gateway hashes the bytes it was given; canonicalising (RFC 8785) is the sender's.
 */
export const ESIG_INT_1: Rule = {
  id: 'ESIG-INT-1',
  routes: ['compliance-audit'],
  ruleSets: ALL_RULE_SETS,
  structural: true,
  check(record) {
    const declared = str(record.content_sha256) ?? '';
    if (!/^[0-9a-f]{64}$/.test(declared))
      return [
        finding(
          'ESIG-INT-1',
          'ERROR',
          '/content_sha256',
          'content_sha256 must be 64 lowercase hex characters',
        ),
      ];
    const content = str(record.content);
    if (content === undefined) return [];
    if (createHash('sha256').update(content, 'utf8').digest('hex') === declared) return [];
    return [
      finding(
        'ESIG-INT-1',
        'ERROR',
        '/content',
        'the content does not hash to content_sha256: altered after signing',
      ),
    ];
  },
};
