/** Where the real services of an integration run are (test/support/services.ts finds them). */
export interface Services {
  brokers: string[];
  registryUrl: string;
  redisUrl: string;
  /** The Python interpreter with Confluent's client (the interop test). */
  python: string | undefined;
}
