/**
 * The rule sets of REGULATORY.md §0: which authority's rules judge a record, from its state of
 * registry (CTX-RS-1). The bottom of the rules package: it imports nothing.
 */
export const RULE_SETS = ['FAA', 'EASA', 'UK_CAA', 'OTHER'] as const;
export type RuleSet = (typeof RULE_SETS)[number];

export const ALL_RULE_SETS = RULE_SETS;
