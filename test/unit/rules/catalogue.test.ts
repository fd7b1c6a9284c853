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
  [/^MEAS-/, 'meas'],
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
  /** The id its name gives: `<ID>.ts`, `<ID>.known.ts` or `<ID>.history.ts`. */
  id: string;
  /** The half of an id that needs reference data (`.known`) or the record's history (`.history`). */
  half: 'known' | 'history' | undefined;
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
      const half = /\.(known|history)\.ts$/.exec(file)?.[1] as RuleFile['half'];
      out.push({
        family,
        file: `${family}/${file}`,
        id: file.replace(/(\.known|\.history)?\.ts$/, ''),
        half,
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

  it('an id lives in one file, or beside it its reference-data half (<ID>.known.ts) or history half (<ID>.history.ts)', () => {
    const byId = Map.groupBy(files, (f) => f.id);
    for (const [id, group] of byId) {
      const plain = group.filter((f) => !f.half);
      assert.ok(plain.length <= 1, `${id}: ${group.map((f) => f.file).join(', ')}`);
      // A rule that needs nothing but its history may be that half alone (TRACE-SEQ-1 …).
      if (plain.length === 0) assert.equal(group.length, 1, `${id}: ${group.map((f) => f.file).join(', ')}`);
      for (const half of ['known', 'history'] as const)
        assert.ok(group.filter((f) => f.half === half).length <= 1, `${id} has two ${half} halves`);
    }
  });

  it("a rule that reads the history is its id's history half, or the only file of its id", () => {
    for (const f of files) {
      const reads = f.rules[0]?.history === true;
      const alone = files.filter((g) => g.id === f.id).length === 1;
      if (f.half === 'history') assert.ok(reads, `${f.file} does not read the history`);
      else if (reads) assert.ok(alone && !f.half, `${f.file} reads the history: name it ${f.id}.history.ts`);
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
