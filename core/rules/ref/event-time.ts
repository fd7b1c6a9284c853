import type { RouteName } from '../../contract.ts';
import { dateTimeProblem } from '../time.ts';
import { type Payload, str } from '../types.ts';

const EVENT_TIME: Record<RouteName, string> = {
  'parts-trace': 'installation_date',
  logbook: 'completion_date',
  'compliance-audit': 'occurred_at',
};

/** When the recorded event happened (ms), or undefined when the record has no valid time for it. */
export function eventTime(route: RouteName, record: Payload): number | undefined {
  const v = str(record[EVENT_TIME[route]]);
  return v === undefined || dateTimeProblem(v) !== undefined ? undefined : Date.parse(v);
}
