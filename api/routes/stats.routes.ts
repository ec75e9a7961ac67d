import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import type { StatDimension } from '../domain/vocabulary.js';
import { actorOf } from '../http/authentication.js';
import { presentStatCount, presentTurnaround } from '../presenters/statistics.js';
import type { StatisticsService } from '../services/statistics.service.js';
import type { SurveillanceFilterResolver } from '../services/surveillance-filters.js';

export interface StatsRoutesOptions {
  statistics: StatisticsService;
  surveillanceFilters: SurveillanceFilterResolver;
}

/** Surveillance statistics for the dashboard: counts, overview, positive rates, density and turnaround, in scope. */
export const statsRoutes: FastifyPluginAsyncTypebox<StatsRoutesOptions> = async (app, { statistics, surveillanceFilters }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.statCounts,
    handler: async (request) => {
      const { by, ...filters } = request.query;
      // The contract's pattern admits only known dimensions.
      const dimensions = by.split(',') as StatDimension[];
      const rows = await statistics.counts(actorOf(request), await surveillanceFilters.resolve(filters), dimensions);
      return { items: rows.map(presentStatCount) };
    },
  });

  app.route({
    ...endpoints.statsOverview,
    handler: async (request) => statistics.overview(actorOf(request), await surveillanceFilters.resolve(request.query)),
  });

  app.route({
    ...endpoints.positiveRates,
    handler: async (request) => ({
      items: await statistics.positiveRates(actorOf(request), await surveillanceFilters.resolve(request.query)),
    }),
  });

  app.route({
    ...endpoints.portDensity,
    handler: async (request) => ({ items: await statistics.density(actorOf(request), await surveillanceFilters.resolve(request.query)) }),
  });

  app.route({
    ...endpoints.turnaround,
    handler: async (request) => {
      const { by, ...filters } = request.query;
      const { rows, slowest } = await statistics.turnaround(actorOf(request), await surveillanceFilters.resolve(filters), by);
      return presentTurnaround(by, rows, slowest);
    },
  });
};
