// Courses, their members, assignments and progress, and a trainee's own assignments, as the pages read and change them
// (`api.listCourses`, `getCourse`, `getCourseProgress`, `listMyAssignments` and the changes). Courses have no live push:
// a change made here asks the course, its progress and the lists again; others' show on the next visit.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { CoursePatch, NewCourse, NewCourseAssignment } from '@contract';
import { api } from './client';
import { queryKeys } from './query-keys';

export const coursesQuery = queryOptions({
  queryKey: queryKeys.courseList,
  queryFn: async ({ signal }) => (await api.listCourses(undefined, { signal })).items,
  staleTime: 0,
});

export function courseQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.course(id),
    queryFn: ({ signal }) => api.getCourse({ params: { id } }, { signal }),
    staleTime: 0,
  });
}

export function courseProgressQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.courseProgress(id),
    queryFn: ({ signal }) => api.getCourseProgress({ params: { id } }, { signal }),
    staleTime: 0,
  });
}

export const myAssignmentsQuery = queryOptions({
  queryKey: queryKeys.myAssignments,
  queryFn: ({ signal }) => api.listMyAssignments(undefined, { signal }),
  staleTime: 0,
});

/** After any change to a course: it, its progress and every course list are stale. */
function useRefreshCourses() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: queryKeys.courses });
}

export function useCreateCourse() {
  const refresh = useRefreshCourses();
  return useMutation({ mutationFn: (body: NewCourse) => api.createCourse({ body }), onSuccess: refresh });
}

export function useUpdateCourse(id: string) {
  const refresh = useRefreshCourses();
  return useMutation({ mutationFn: (patch: CoursePatch) => api.updateCourse({ params: { id }, body: patch }), onSettled: refresh });
}

export function useAddCourseMember(id: string) {
  const refresh = useRefreshCourses();
  return useMutation({ mutationFn: (userId: string) => api.addCourseMember({ params: { id, userId } }), onSettled: refresh });
}

export function useRemoveCourseMember(id: string) {
  const refresh = useRefreshCourses();
  return useMutation({ mutationFn: (userId: string) => api.removeCourseMember({ params: { id, userId } }), onSettled: refresh });
}

export function useCreateCourseAssignment(id: string) {
  const refresh = useRefreshCourses();
  return useMutation({
    mutationFn: (body: NewCourseAssignment) => api.createCourseAssignment({ params: { id }, body }),
    onSuccess: refresh,
  });
}

export function useDeleteCourseAssignment(id: string) {
  const refresh = useRefreshCourses();
  return useMutation({
    mutationFn: (assignmentId: string) => api.deleteCourseAssignment({ params: { id, assignmentId } }),
    onSettled: refresh,
  });
}
