// The signed-in user, provided by the signed-in layout to every page under it.
import { createContext, useContext } from 'react';
import type { User } from '@contract';

export const CurrentUserContext = createContext<User | null>(null);

export function useCurrentUser(): User {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error('useCurrentUser() is for pages under the signed-in layout');
  return user;
}
