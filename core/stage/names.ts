/** The one list of Airlock's stages: the names in logs, DLQ headers, status events and metrics. */
export const STAGE_NAMES = ['ingress', 'validators', 'router', 'dlq-replayer', 'edge'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** The consumer stages: a consumer group each, consume → transform → produce in transactions. */
export type ConsumerStageName = Extract<StageName, 'validators' | 'router'>;
