/**
 * The catalogue's floor plan (LAYOUT.md, issue #10): one rule per file, named by its id, in the
 * folder of its id's family, listed by that family's index once, and applied once by the catalogue.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FAMILIES, RULES } from '../../../rules/catalogue.ts';
import type { Rule } from '../../../rules/types.ts';

const RULES_DIR = new URL('../../../rules/', import.meta.url);
/** Which family folder a rule id belongs to, by its prefix (REGULATORY.md's sections). */
const FAMILY_OF: [RegExp, string][] = [
  [/^CTX-/, 'ctx'],
  [/^REG-/, 'reg'],
  [/^TIME-/, 'time'],
  [/^(SN|PN|LOT|PART)-/, 'part'],
  [/^ACR-/, 'acr'],
  [/^TRACE-/, 'trace'],
  [/^(FAA|EASA)-/, 'log'],
  [/^CAMO-/, 'camo'],
  [/^ESIG-/, 'esig'],
  [/^RET-/, 'ret'],
];
const familyOf = (id: string) => FAMILY_OF.find(([re]) => re.test(id))?.[1];

const isRule = (v: unknown): v is Rule =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Rule).id === 'string' &&
  typeof (v as Rule).check === 'function';

interface RuleFile {
  family: string;
  file: string;
  /** The id its name gives: `<ID>.ts` or `<ID>.known.ts`. */
  id: string;
  known: boolean;
  rules: Rule[];
}

async function ruleFiles(): Promise<RuleFile[]> {
  const out: RuleFile[] = [];
  for (const family of Object.keys(FAMILIES)) {
    for (const file of readdirSync(new URL(`${family}/`, RULES_DIR))) {
      // Rule files are named by their upper-case id; helpers (purge.ts, approver.ts) and index.ts are not.
      if (!/^[A-Z].*\.ts$/.test(file)) continue;
      const mod = (await import(
        pathToFileURL(new URL(`${family}/${file}`, RULES_DIR).pathname).href
      )) as Record<string, unknown>;
      const known = file.endsWith('.known.ts');
      out.push({
        family,
        file: `${family}/${file}`,
        id: file.replace(/(\.known)?\.ts$/, ''),
        known,
        rules: Object.values(mod).filter(isRule),
      });
    }
  }
  return out;
}

describe('rules/: one rule per file, named by its id, in its family', async () => {
  const files = await ruleFiles();

  it('finds the rule files of every family', () => {
    assert.ok(files.length >= RULES.length - 1, `${files.length} rule files`);
    for (const family of Object.keys(FAMILIES))
      assert.ok(
        files.some((f) => f.family === family),
        family,
      );
  });

  it("every rule file exports exactly one rule, whose id is the file's name", () => {
    for (const f of files) {
      assert.equal(f.rules.length, 1, `${f.file} exports ${f.rules.length} rules`);
      assert.equal(f.rules[0]?.id, f.id, `${f.file} holds ${f.rules[0]?.id}`);
    }
  });

  it("every rule file sits in its id's family folder", () => {
    for (const f of files)
      assert.equal(familyOf(f.id), f.family, `${f.file}: ${f.id} belongs in ${familyOf(f.id)}/`);
  });

  it('an id lives in one file, or in two when the second is its reference-data half (<ID>.known.ts)', () => {
    const byId = Map.groupBy(files, (f) => f.id);
    for (const [id, group] of byId) {
      const plain = group.filter((f) => !f.known);
      assert.equal(plain.length, 1, `${id}: ${group.map((f) => f.file).join(', ')}`);
      assert.ok(group.length <= 2, `${id} lives in ${group.length} files`);
    }
  });

  it("each family's index lists exactly its folder's rules, and the catalogue applies each rule once", () => {
    for (const [family, list] of Object.entries(FAMILIES)) {
      const inFolder = new Set(files.filter((f) => f.family === family).flatMap((f) => f.rules));
      assert.deepEqual(new Set(list), inFolder, `rules/${family}/index.ts`);
    }
    assert.equal(new Set(RULES).size, RULES.length, 'no rule object twice in RULES');
    assert.equal(RULES.length, files.length, 'one catalogue entry per rule file');
  });
});
