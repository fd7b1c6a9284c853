/**
 * GET /v1/records/{trace_id}: where a record is now — accepted, validated, routed (to which topics),
 * rejected (why), replayed. The record's own sender and the roles allowed to read every record
 * (default compliance_auditor, fleet_ops) of the sender's tenant see it; anyone else gets the same 404 as for a record that
 * does not exist, so a stranger cannot learn that it does.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalOf, readOwner } from '../core/auth/issuers.ts';
import { AirlockError } from '../core/errors.ts';
import type { ResolvedDeps } from './deps.ts';

const TRACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function registerStatusRoute(app: FastifyInstance, deps: ResolvedDeps): void {
  app.get<{ Params: { trace_id: string } }>(
    '/v1/records/:trace_id',
    async (req: FastifyRequest<{ Params: { trace_id: string } }>) => {
      const identity = await deps.authenticate(req);
      if (req.airlock) req.airlock.identity = identity; // for its access decision
      const notFound = () =>
        new AirlockError('NOT_FOUND', `no record ${req.params.trace_id} that you may see`);
      if (!TRACE_ID.test(req.params.trace_id)) throw notFound();
      const timeline = await deps.status.read(req.params.trace_id);
      if (!timeline?.owner) throw notFound();
      // A reader of every record reads every record of its own tenant, never another's (issue #15 §3).
      const owner = readOwner(timeline.owner);
      const readsAll =
        deps.config.ingress.statusReaders.includes(identity.role) && owner.tenant === identity.tenant;
      if (!readsAll && owner.principal !== principalOf(identity)) throw notFound();
      return { trace_id: timeline.traceId, events: timeline.events };
    },
  );
}
