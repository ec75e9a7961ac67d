import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentAuditEntry } from '../presenters/audit.js';
import type { AuditTrailService } from '../services/audit-trail.service.js';

/** The audit trail, read by administrators. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ trail: AuditTrailService }> = async (app, { trail }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listAuditEntries,
    handler: async (request) => {
      const { items, total } = await trail.list(actorOf(request), request.query);
      return { items: items.map(presentAuditEntry), total, limit: request.query.limit, offset: request.query.offset };
    },
  });
};
