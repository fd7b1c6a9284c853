import { finding, type Rule, text } from '../types.ts';

/**
 * EASA-145.A.50-a, the record half: a CRS is issued after verifying the work against the 145.A.45
 * maintenance data, so an entry with a CRS names that data (`maintenance_data_ref`). Whether the
 * certifying staff were authorised needs the roster: rules/log/EASA-145.A.50-a.known.ts.
 */
export const EASA_145_A_50_A: Rule = {
  id: 'EASA-145.A.50-a',
  routes: ['logbook'],
  ruleSets: ['EASA', 'UK_CAA'],
  structural: false,
  check(record) {
    if (record.crs === null || record.crs === undefined || text(record.maintenance_data_ref)) return [];
    return [
      finding(
        'EASA-145.A.50-a',
        'ERROR',
        '/maintenance_data_ref',
        'a CRS certifies work done to maintenance data: name it, e.g. AMM 32-41-11',
      ),
    ];
  },
};
