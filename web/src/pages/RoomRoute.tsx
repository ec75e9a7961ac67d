import { getRouteApi } from '@tanstack/react-router';
import { useCurrentUser } from '../current-user';
import { RoomPage } from './RoomPage';

const route = getRouteApi('/signed-in/rooms/$id');

/** `#/rooms/<id>`: the live room page for the room in the address. */
export function RoomRoute() {
  const { id } = route.useParams();
  const user = useCurrentUser();
  return <RoomPage key={id} id={id} user={user} />;
}
