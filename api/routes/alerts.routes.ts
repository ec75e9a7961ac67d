import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentAlert } from '../presenters/alerts.js';
import type { AlertService } from '../services/alert.service.js';

/** The alert inbox: alerts in the caller's scope, and the responsible person's acknowledge → confirm or dismiss. */
export const alertsRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertService }> = async (app, { alerts }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listAlerts,
    handler: async (request) => {
      const { status, limit, offset } = request.query;
      const { items, total } = await alerts.list(actorOf(request), status, { limit, offset });
      return { items: items.map(presentAlert), total, limit, offset };
    },
  });

  app.route({
    ...endpoints.getAlert,
    handler: async (request) => presentAlert(await alerts.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.acknowledgeAlert,
    handler: async (request) => presentAlert(await alerts.act(actorOf(request), request.params.id, 'acknowledge')),
  });

  app.route({
    ...endpoints.confirmAlert,
    handler: async (request) => presentAlert(await alerts.act(actorOf(request), request.params.id, 'confirm')),
  });

  app.route({
    ...endpoints.dismissAlert,
    handler: async (request) => presentAlert(await alerts.act(actorOf(request), request.params.id, 'dismiss', request.body.reason)),
  });
};
