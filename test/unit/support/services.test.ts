/**
 * When a service the integration tests need is missing, they fail (never skip) with a message that
 * names the service and `npm run stack:up`. Probed here against closed ports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeServices } from '../../support/services.ts';

describe('integration-test service probe', () => {
  it('fails naming every unreachable service and how to start the stack', async () => {
    await assert.rejects(
      probeServices({
        AIRLOCK_KAFKA_BROKERS: '127.0.0.1:1',
        AIRLOCK_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7',
        AIRLOCK_REDIS_URL: 'redis://127.0.0.1:1',
      }),
      (err: Error) => {
        assert.match(err.message, /Kafka at 127\.0\.0\.1:1/);
        assert.match(err.message, /schema registry at http:\/\/127\.0\.0\.1:1/);
        assert.match(err.message, /Redis at redis:\/\/127\.0\.0\.1:1/);
        assert.match(err.message, /npm run stack:up/);
        return true;
      },
    );
  });
});
