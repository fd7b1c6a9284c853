import type { RouteName } from '../../core/contract.ts';
import type { Payload } from '../types.ts';
import { type Moment, momentAt, momentOf } from './time.ts';

const EVENT_TIME: Record<RouteName, string> = {
  'parts-trace': 'installation_date',
  logbook: 'completion_date',
  'compliance-audit': 'occurred_at',
  measurements: 'measured_at',
};

/** When the recorded event happened, or undefined when the record has no valid time for it. */
export function eventMoment(route: RouteName, record: Payload): Moment | undefined {
  return momentOf(record[EVENT_TIME[route]]);
}

/** The event's moment, else `now` (the receipt the record is judged as of). */
export function eventMomentOr(route: RouteName, record: Payload, now: Date): Moment {
  return eventMoment(route, record) ?? momentAt(now);
}
