/**
 * `npm run ref:load -- <kind> <file.json|file.ndjson|file.csv> [--delete key,key…]`: loads an ERP
 * export into a reference-data topic (kinds: technicians, fleet, approvals, backups, releases, tools;
 * docs/rules.md), every record validated first — one bad record refuses the file and nothing is
 * published.
 * `npm run ref:load -- --demo` loads scripts/ref-demo (what the sample records refer to).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/load.ts';
import { createKafka } from '../core/kafka/client.ts';
import { ensureTopics } from '../core/kafka/topics.ts';
import { createLogger } from '../core/logger.ts';
import { REF_KIND_NAMES, type RefKind, refTopics } from '../rules/refdata.ts';
import { loadDemoReference, loadFile } from './lib/ref-demo.ts';
import { publishReference, RefFileError } from './lib/ref-load.ts';
import { withStackEnv } from './lib/stack-env.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { demo: { type: 'boolean', default: false }, delete: { type: 'string' } },
});
const usage = `usage: npm run ref:load -- <${REF_KIND_NAMES.join('|')}> <file.json|file.ndjson|file.csv> [--delete key,key…]
       npm run ref:load -- --demo`;
const [kind, file] = positionals;
if (!values.demo && (!kind || !(REF_KIND_NAMES as string[]).includes(kind) || (!file && !values.delete))) {
  console.error(usage);
  process.exit(2);
}
const config = loadConfig(withStackEnv(process.env), 'tool');
const logger = createLogger({ log: { level: 'warn' } }, 'ref-load', 2);
const kafka = createKafka(config, logger, 'ref-load');
const topics = refTopics(config.topics);
await ensureTopics(kafka, config, logger);
try {
  if (values.demo) {
    await loadDemoReference(kafka, topics);
    console.log(`loaded the demo reference data into ${Object.values(topics).join(', ')}`);
  } else {
    const k = kind as RefKind;
    if (file)
      console.log(`${await loadFile(kafka, topics[k], k, file)} ${k} record(s) loaded into ${topics[k]}`);
    const deletes = (values.delete ?? '').split(',').filter((s) => s.length > 0);
    if (deletes.length > 0) {
      await publishReference(kafka, topics[k], [], deletes);
      console.log(`${deletes.length} ${k} record(s) deleted (tombstones) from ${topics[k]}`);
    }
  }
} catch (err) {
  console.error(err instanceof RefFileError ? `refused, nothing published:\n${err.message}` : String(err));
  process.exit(err instanceof RefFileError ? 2 : 1);
}
