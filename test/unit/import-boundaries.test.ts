/** The floor plan of LAYOUT.md, kept true: checked on the real tree, and on graphs made to break it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  boundaryViolations,
  type Edge,
  type ImportGraph,
  importLoops,
  readImportGraph,
  ruleIoViolations,
} from '../support/import-graph.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const graph = readImportGraph(ROOT);

const value = (to: string): Edge => ({ to, typeOnly: false });
const type = (to: string): Edge => ({ to, typeOnly: true });
const made = (edges: Record<string, Edge[]>): ImportGraph => new Map(Object.entries(edges));

describe('import boundaries (LAYOUT.md)', () => {
  it('reads the real tree: every stage, core/ and rules/ are in the graph', () => {
    for (const f of ['ingress/main.ts', 'validators/verdict.ts', 'router/table.ts', 'rules/index.ts']) {
      assert.ok(graph.has(f), `${f} is in the import graph`);
    }
    assert.ok(
      (graph.get('validators/verdict.ts') ?? []).some((e) => e.to === 'rules/index.ts'),
      'the verdict imports the rules through their one door',
    );
  });

  it('has no import loops', () => {
    assert.deepEqual(importLoops(graph), []);
  });

  it('core/ and rules/ import no stage, core/ no rule, stages meet only through verdict.ts and table.ts', () => {
    assert.deepEqual(boundaryViolations(graph), []);
  });

  it('no rule file reaches I/O (kafkajs, ioredis, node:fs, node:net …) through a value import', () => {
    assert.deepEqual(ruleIoViolations(graph), []);
  });

  it('every relative import names a file that exists', () => {
    const missing = [...graph].flatMap(([from, edges]) =>
      edges
        .filter((e) => e.to.includes('/') && e.to.endsWith('.ts') && !graph.has(e.to))
        .map((e) => `${from} -> ${e.to}`),
    );
    assert.deepEqual(missing, []);
  });

  describe('the checks fail when they should', () => {
    it('finds a loop, also one made of type imports only', () => {
      const loops = importLoops(
        made({
          'a.ts': [type('b.ts')],
          'b.ts': [value('c.ts')],
          'c.ts': [type('a.ts')],
          'd.ts': [value('a.ts')],
        }),
      );
      assert.deepEqual(loops, [['a.ts', 'b.ts', 'c.ts']]);
    });

    it('finds core/ importing a stage or a rule, a stage importing another, production importing a test', () => {
      const found = boundaryViolations(
        made({
          'core/x.ts': [value('ingress/app.ts'), type('rules/types.ts')],
          'rules/y.ts': [type('validators/verdict.ts')],
          'router/main.ts': [value('validators/verdict.ts')],
          'dlq-replayer/plan.ts': [
            value('validators/verdict.ts'),
            value('router/table.ts'),
            value('router/main.ts'),
          ],
          'ingress/app.ts': [value('test/support/kafka.ts')],
          'validators/verdict.ts': [],
          'router/table.ts': [],
          'test/support/kafka.ts': [],
          'rules/types.ts': [],
        }),
      );
      assert.deepEqual(found.map((v) => v.split(':')[0]).sort(), [
        'core/x.ts -> ingress/app.ts',
        'core/x.ts -> rules/types.ts',
        'dlq-replayer/plan.ts -> router/main.ts',
        'ingress/app.ts -> test/support/kafka.ts',
        'router/main.ts -> validators/verdict.ts',
        'rules/y.ts -> validators/verdict.ts',
      ]);
    });

    it('finds a rule reaching I/O through a helper, and ignores type-only imports', () => {
      const found = ruleIoViolations(
        made({
          'rules/acr/ACR-X-1.ts': [value('rules/lib/helper.ts'), type('core/contract.ts')],
          'rules/lib/helper.ts': [value('core/kafka/client.ts')],
          'core/kafka/client.ts': [value('kafkajs')],
          'core/contract.ts': [value('node:fs')],
        }),
      );
      assert.ok(
        found.some((v) =>
          v.startsWith('rules/acr/ACR-X-1.ts -> rules/lib/helper.ts -> core/kafka/client.ts -> kafkajs'),
        ),
      );
      assert.ok(!found.some((v) => v.includes('node:fs')), 'a type-only import carries no I/O');
    });
  });
});
