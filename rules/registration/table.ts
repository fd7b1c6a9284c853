/**
 * ICAO Annex 7 nationality marks and the per-state registration formats of REGULATORY.md §2,
 * each with the rule set its state of registry selects (CTX-RS-1). Transcribed from the catalogue's
 * table; its vectors live in ./vectors/registration.json and the tests assert the rows are disjoint.
 */
import type { RuleSet } from '../rule-set.ts';

export interface RegistrationRow {
  readonly marks: readonly string[];
  readonly state: string;
  readonly ruleSet: RuleSet;
  readonly pattern: RegExp;
}

export const REGISTRATION_TABLE: readonly RegistrationRow[] = [
  {
    marks: ['N'],
    state: 'United States',
    ruleSet: 'FAA',
    pattern: /^N(?:[1-9][0-9]{0,4}|[1-9][0-9]{0,3}[A-HJ-NP-Z]|[1-9][0-9]{0,2}[A-HJ-NP-Z]{2})$/,
  },
  { marks: ['C'], state: 'Canada', ruleSet: 'OTHER', pattern: /^C-[FGI][A-Z]{3}$/ },
  { marks: ['G'], state: 'United Kingdom', ruleSet: 'UK_CAA', pattern: /^G-[A-Z]{4}$/ },
  { marks: ['D'], state: 'Germany', ruleSet: 'EASA', pattern: /^D-(?:[A-CE-IK-O][A-Z]{3}|[0-9]{4})$/ },
  { marks: ['F'], state: 'France', ruleSet: 'EASA', pattern: /^F-[A-Z]{4}$/ },
  { marks: ['EI'], state: 'Ireland', ruleSet: 'EASA', pattern: /^EI-[A-Z]{3,4}$/ },
  {
    marks: ['PH'],
    state: 'Netherlands',
    ruleSet: 'EASA',
    pattern: /^PH-(?:[A-Z]{3}|[1-9][0-9]{2,3}|[1-9][A-Z][1-9]|1[A-Z]{2})$/,
  },
  { marks: ['I'], state: 'Italy', ruleSet: 'EASA', pattern: /^I-(?:[A-Z]{4}|[0-9A-Z][0-9]{3})$/ },
  { marks: ['EC'], state: 'Spain', ruleSet: 'EASA', pattern: /^EC-(?:[A-Z]{3}|[A-Z]{2}[0-9]|[0-9]{3})$/ },
  {
    marks: ['HB'],
    state: 'Switzerland (also Liechtenstein)',
    ruleSet: 'EASA',
    pattern: /^HB-(?:[A-Z]{3}|[0-9]{1,4})$/,
  },
  { marks: ['OE'], state: 'Austria', ruleSet: 'EASA', pattern: /^OE-(?:[A-Z]{3}|[0-9]{4})$/ },
  { marks: ['SE'], state: 'Sweden', ruleSet: 'EASA', pattern: /^SE-(?:[A-Z]{3}|[A-Z][0-9]{2})$/ },
  { marks: ['LN'], state: 'Norway', ruleSet: 'EASA', pattern: /^LN-[A-Z]{3}$/ },
  { marks: ['OY'], state: 'Denmark', ruleSet: 'EASA', pattern: /^OY-(?:[A-Z]{3}|[0-9]{2,4})$/ },
  { marks: ['OH'], state: 'Finland', ruleSet: 'EASA', pattern: /^OH-(?:[A-Z]{3}|[0-9]{3}|[GU][0-9]{3})$/ },
  { marks: ['OO'], state: 'Belgium', ruleSet: 'EASA', pattern: /^OO-(?:[A-Z]{3}|[0-9]{2,3}|[A-Z][0-9]{2})$/ },
  { marks: ['SP'], state: 'Poland', ruleSet: 'EASA', pattern: /^SP-(?:[A-Z]{3}|[A-Z0-9]{4})$/ },
  { marks: ['CS'], state: 'Portugal', ruleSet: 'EASA', pattern: /^CS-[A-Z]{3}$/ },
  { marks: ['SX'], state: 'Greece', ruleSet: 'EASA', pattern: /^SX-[A-Z]{3}$/ },
  {
    marks: ['OK'],
    state: 'Czechia',
    ruleSet: 'EASA',
    pattern: /^OK-(?:[A-Z]{3}(?:[0-9]{2})?|[0-9]{4}|A[0-9]{3}|X[0-9]{3}[A-Z])$/,
  },
  {
    marks: ['JA'],
    state: 'Japan',
    ruleSet: 'OTHER',
    pattern: /^JA(?:[0-9]{4}|[0-9]{3}[A-Z]|[0-9]{2}[A-Z]{2})$/,
  },
  {
    marks: ['B'],
    state: 'China (PRC); B-H/K/L Hong Kong, B-M Macao, Taiwan 5 digits',
    ruleSet: 'OTHER',
    pattern: /^B-(?:[0-9]{4}|[0-9]{3}[A-Z]|[0-9]{2}[A-Z]{2}|[HKLM][A-Z]{2}|[0-9]{5})$/,
  },
  { marks: ['VH'], state: 'Australia', ruleSet: 'OTHER', pattern: /^VH-[A-Z]{3}$/ },
  {
    marks: ['PP', 'PR', 'PS', 'PT', 'PU'],
    state: 'Brazil',
    ruleSet: 'OTHER',
    pattern: /^P[PRSTU]-[A-Z]{3}$/,
  },
  { marks: ['VT'], state: 'India', ruleSet: 'OTHER', pattern: /^VT-[A-Z]{3}$/ },
  { marks: ['A6'], state: 'United Arab Emirates', ruleSet: 'OTHER', pattern: /^A6-[A-Z]{3}$/ },
  { marks: ['9V'], state: 'Singapore', ruleSet: 'OTHER', pattern: /^9V-[A-Z]{3}$/ },
];
