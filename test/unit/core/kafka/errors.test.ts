import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyKafkaError, KAFKA_ERRORS, kindOfType } from '../../../../core/kafka/errors.ts';

const kafkaError = (type: string, extra: object = {}) => Object.assign(new Error(type), { type, ...extra });

describe('Kafka error table', () => {
  it('a fenced producer outranks a refusal, a refusal outranks a transient fault', () => {
    const both = kafkaError('KAFKA_JSON_ERROR', {
      errors: [kafkaError('MESSAGE_TOO_LARGE'), kafkaError('PRODUCER_FENCED')],
    });
    assert.equal(classifyKafkaError(both).kind, 'fenced');
    const refused = kafkaError('x', {
      errors: [kafkaError('REQUEST_TIMED_OUT'), kafkaError('POLICY_VIOLATION')],
    });
    assert.deepEqual(classifyKafkaError(refused), {
      kind: 'refused',
      types: ['x', 'REQUEST_TIMED_OUT', 'POLICY_VIOLATION'],
    });
  });

  it('an unknown type, a plain error or no error at all is transient: never the DLQ for our own outage', () => {
    assert.equal(kindOfType('SOMETHING_NEW_IN_KAFKA_5'), 'transient');
    assert.equal(kindOfType('constructor'), 'transient', 'the table is not read through the prototype');
    assert.equal(classifyKafkaError(new Error('socket hang up')).kind, 'transient');
    assert.equal(classifyKafkaError(undefined).kind, 'transient');
  });

  it('names every refusal the consumer stages send to the DLQ as DESTINATION_REJECTED', () => {
    const refused = Object.entries(KAFKA_ERRORS)
      .filter(([, k]) => k === 'refused')
      .map(([t]) => t)
      .sort();
    assert.deepEqual(refused, [
      'INVALID_RECORD',
      'INVALID_TOPIC_EXCEPTION',
      'MESSAGE_TOO_LARGE',
      'POLICY_VIOLATION',
      'RECORD_LIST_TOO_LARGE',
      'TOPIC_AUTHORIZATION_FAILED',
    ]);
  });
});
