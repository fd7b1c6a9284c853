/**
 * The history stores' names (DESIGN.md "History stores"): each one compacted changelog,
 * `<historyPrefix><name>.v1`. What an entry of each means is the rules' (rules/history.ts).
 */
export const HISTORY_STORE_NAMES = ['parts', 'audit', 'aircraft', 'crs', 'idempotency'] as const;
export type HistoryStoreName = (typeof HISTORY_STORE_NAMES)[number];
