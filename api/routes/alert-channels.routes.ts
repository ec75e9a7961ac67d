import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { actorOf } from '../http/authentication.js';
import { presentAlertChannel } from '../presenters/alert-channels.js';
import type { AlertChannelService } from '../services/alert-channel.service.js';

/** Alert channels (ADR 0014): where each unit's alerts go; administrators only. */
export const alertChannelsRoutes: FastifyPluginAsyncTypebox<{ channels: AlertChannelService }> = async (app, { channels }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.listAlertChannels,
    handler: async (request) => ({ items: (await channels.list(actorOf(request))).map((channel) => presentAlertChannel(channel)) }),
  });

  app.route({
    ...endpoints.createAlertChannel,
    handler: async (request, reply) => {
      const { channel, secret } = await channels.create(actorOf(request), request.body);
      return reply.status(201).send(presentAlertChannel(channel, secret));
    },
  });

  app.route({
    ...endpoints.updateAlertChannel,
    handler: async (request) => {
      const { channel, secret } = await channels.update(actorOf(request), request.params.id, request.body);
      return presentAlertChannel(channel, secret);
    },
  });
};
