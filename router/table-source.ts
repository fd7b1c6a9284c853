/**
 * Where the router's table comes from: AIRLOCK_ROUTER_TABLE_FILE, or the default (each route to its
 * own topic). Loading also registers every (destination, record type) schema the table needs, so a
 * table is swapped in only when it can be served; a reload (file change or SIGHUP) that fails
 * validation or registration keeps the running table.
 */
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import type { Config } from '../core/config/schema.ts';
import { ROUTES, type RouteContract, type RouteName } from '../core/contract.ts';
import type { Logger } from '../core/logger.ts';
import { registerSchema, type SchemaRegistry } from '../core/registry.ts';
import { type ActiveTable, destinationKeys, schemaKey } from './route-record.ts';
import { defaultRoutingSpec, parseRoutingTable } from './table.ts';

export async function loadTable(
  config: Config,
  contracts: ReadonlyMap<RouteName, RouteContract>,
  registry: SchemaRegistry,
): Promise<ActiveTable> {
  const file = config.router.tableFile;
  const spec: unknown = file ? JSON.parse(readFileSync(file, 'utf8')) : defaultRoutingSpec();
  const rules = parseRoutingTable(spec, config, contracts);
  const schemaIds = new Map<string, number>();
  for (const rule of rules) {
    const contract = contracts.get(rule.route);
    if (!contract) continue;
    for (const topic of rule.destinations) {
      // A topic's own record type goes under <topic>-value (TopicNameStrategy, what a default
      // Confluent deserializer expects); a type fanned out to another route's topic goes under
      // <topic>-<full name> (TopicRecordNameStrategy), so the two never clash on compatibility.
      const native = ROUTES[rule.route].destination(config) === topic;
      const fullName = `${contract.recordSchema.namespace}.${contract.recordSchema.name}`;
      const subject = native ? `${topic}-value` : `${topic}-${fullName}`;
      schemaIds.set(
        schemaKey(topic, rule.route),
        await registerSchema(registry, subject, contract.recordSchema),
      );
    }
  }
  return { rules, schemaIds, keys: destinationKeys(config) };
}

export function watchTable(
  config: Config,
  contracts: ReadonlyMap<RouteName, RouteContract>,
  registry: SchemaRegistry,
  logger: Logger,
  swap: (table: ActiveTable) => void,
): () => void {
  const file = config.router.tableFile;
  if (!file) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const reload = (why: string) => {
    loadTable(config, contracts, registry).then(
      (table) => {
        swap(table);
        logger.info({ file, why, rules: table.rules.map((r) => r.name) }, 'routing table reloaded');
      },
      (err: unknown) => logger.error({ err, file, why }, 'routing table refused; the running table stays'),
    );
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const watcher: FSWatcher = watch(file, () => {
    clearTimeout(timer);
    timer = setTimeout(() => reload('file changed'), 200);
  });
  return () => {
    process.off('SIGHUP', onHup);
    clearTimeout(timer);
    watcher.close();
  };
}
