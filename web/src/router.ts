// Plain `href`s for the live room page (pages/RoomPage.tsx builds its links by hand), made by the router so they
// always match its routes. Everything else links with TanStack Router's <Link> and useNavigate().
import { router } from './routes';

export function specimenHref(id: string): string {
  return router.history.createHref(router.buildLocation({ to: '/specimens/$id', params: { id } }).href);
}
