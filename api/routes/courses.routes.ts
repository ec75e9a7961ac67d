import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { endpoints } from '../contract/index.js';
import { courseProgressCsv } from '../domain/course-csv.js';
import { actorOf } from '../http/authentication.js';
import {
  presentAssignment,
  presentCourse,
  presentCourseDetail,
  presentCourseMember,
  presentCourseProgress,
} from '../presenters/courses.js';
import type { CourseService } from '../services/course.service.js';

/** Courses (ADR 0030): instructors' groups of trainees, their assignments and progress; a trainee's own assignments. */
export const coursesRoutes: FastifyPluginAsyncTypebox<{ courses: CourseService }> = async (app, { courses }) => {
  app.addHook('onRequest', app.authenticate);

  app.route({
    ...endpoints.createCourse,
    handler: async (request, reply) => reply.status(201).send(presentCourseDetail(await courses.create(actorOf(request), request.body))),
  });

  app.route({
    ...endpoints.listCourses,
    handler: async (request) => ({ items: (await courses.list(actorOf(request))).map(presentCourse) }),
  });

  app.route({
    ...endpoints.getCourse,
    handler: async (request) => presentCourseDetail(await courses.get(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.updateCourse,
    handler: async (request) => presentCourseDetail(await courses.update(actorOf(request), request.params.id, request.body)),
  });

  app.route({
    ...endpoints.addCourseMember,
    handler: async (request, reply) => {
      const { member, created } = await courses.addMember(actorOf(request), request.params.id, request.params.userId);
      return reply.status(created ? 201 : 200).send(presentCourseMember(member));
    },
  });

  app.route({
    ...endpoints.removeCourseMember,
    handler: async (request, reply) => {
      await courses.removeMember(actorOf(request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  });

  app.route({
    ...endpoints.createCourseAssignment,
    handler: async (request, reply) =>
      reply.status(201).send(presentAssignment(await courses.addAssignment(actorOf(request), request.params.id, request.body))),
  });

  app.route({
    ...endpoints.deleteCourseAssignment,
    handler: async (request, reply) => {
      await courses.removeAssignment(actorOf(request), request.params.id, request.params.assignmentId);
      return reply.status(204).send(null);
    },
  });

  app.route({
    ...endpoints.getCourseProgress,
    handler: async (request) => presentCourseProgress(await courses.progress(actorOf(request), request.params.id)),
  });

  app.route({
    ...endpoints.getCourseProgressCsv,
    handler: async (request, reply) => {
      const table = await courses.progress(actorOf(request), request.params.id);
      const day = table.at.toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="course-progress-${day}.csv"`)
        .send(courseProgressCsv(table.columns, table));
    },
  });

  app.route({
    ...endpoints.listMyAssignments,
    handler: async (request) => {
      const { items, totals, at } = await courses.mine(actorOf(request));
      return {
        items: items.map((item) => ({
          course: { id: item.course.id, title: item.course.title },
          assignment: presentAssignment(item.assignment),
          progress: item.progress,
        })),
        totals,
        at: at.toISOString(),
      };
    },
  });
};
