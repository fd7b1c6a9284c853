import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Config } from './config/schema.ts';
import type { AvroSchema } from './contract.ts';
import { AirlockError } from './errors.ts';

export type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

/** The registry URL; load.ts requires it of every process that can reach this (all but the edge). */
function registryUrl(config: Config): string {
  if (config.registry.url === undefined) throw new Error('AIRLOCK_REGISTRY_URL is not set');
  return config.registry.url;
}

/** A client of any registry that speaks the Confluent Schema Registry REST API. */
export function createRegistry(config: Config): SchemaRegistry {
  return new SchemaRegistry({ host: registryUrl(config), clientId: `${config.kafka.clientId}-registry` });
}

/** Registers (or finds) a schema under a subject and returns its id for the wire format. */
export async function registerSchema(
  registry: SchemaRegistry,
  subject: string,
  schema: AvroSchema,
): Promise<number> {
  try {
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject },
    );
    return id;
  } catch (cause) {
    // 409 (incompatible with the subject's history) and 422 (invalid schema) will not heal by retrying.
    const status = (cause as { status?: number }).status;
    if (status === 409 || status === 422) {
      throw new AirlockError(
        'INTERNAL',
        `the registry refused ${subject} (HTTP ${status}): ${String(cause)}`,
        {
          cause,
        },
      );
    }
    throw new AirlockError('REGISTRY_UNAVAILABLE', `could not register ${subject}: ${String(cause)}`, {
      cause,
    });
  }
}

/** True when the registry answers its subjects listing. */
export async function registryReachable(config: Config, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(new URL('subjects', `${registryUrl(config).replace(/\/?$/, '/')}`), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Decodes a Confluent wire-format record (magic byte 0, 4-byte schema id, Avro binary). A record
 * that cannot be decoded is a permanent fault (UNDECODABLE_RECORD, to the DLQ); a registry that
 * cannot be reached is transient (REGISTRY_UNAVAILABLE, retried).
 */
export async function decodeRecord(
  registry: SchemaRegistry,
  value: Buffer | null,
): Promise<Record<string, unknown>> {
  if (value === null || value.length < 5 || value[0] !== 0) {
    throw new AirlockError(
      'UNDECODABLE_RECORD',
      'not in the Confluent wire format (magic byte 0 + schema id)',
    );
  }
  const schemaId = value.readUInt32BE(1);
  try {
    await registry.getSchema(schemaId);
  } catch (cause) {
    const status = (cause as { status?: number }).status;
    if (status === 404) {
      throw new AirlockError('UNDECODABLE_RECORD', `schema id ${schemaId} is unknown to the registry`, {
        cause,
      });
    }
    throw new AirlockError('REGISTRY_UNAVAILABLE', `could not fetch schema id ${schemaId}`, { cause });
  }
  try {
    return (await registry.decode(value)) as Record<string, unknown>;
  } catch (cause) {
    throw new AirlockError('UNDECODABLE_RECORD', `Avro payload does not match schema id ${schemaId}`, {
      cause,
    });
  }
}

/**
 * Encodes a value with a registered schema id. A value that does not fit the schema is a permanent
 * fault (a bug upstream: the DLQ, not a retry); failing to fetch the schema is transient.
 */
export async function encodeRecord(
  registry: SchemaRegistry,
  schemaId: number,
  value: unknown,
): Promise<Buffer> {
  try {
    return await registry.encode(schemaId, value);
  } catch (cause) {
    // The package does not export its error classes from its entry point; its validation error is
    // recognised by its class name (a type tag, not a message).
    if ((cause as Error | undefined)?.name === 'ConfluentSchemaRegistryValidationError') {
      throw new AirlockError('SCHEMA_VIOLATION', `the value does not fit schema id ${schemaId}`, { cause });
    }
    throw new AirlockError('REGISTRY_UNAVAILABLE', `could not encode with schema id ${schemaId}`, { cause });
  }
}
