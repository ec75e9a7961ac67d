// The classes that went live while the app is open (the live push's `class.started`, sent to their enrolled trainees):
// each until it is dismissed or followed to the class.
import type { Room } from '@contract';
import { noticeStore } from './notice-store';

const store = noticeStore<Room>();

export const showClassNotice = (room: Room): void => store.update((rooms) => [room, ...rooms.filter((shown) => shown.id !== room.id)]);
export const dismissClassNotice = (roomId: string): void =>
  store.update((rooms) => (rooms.some((shown) => shown.id === roomId) ? rooms.filter((shown) => shown.id !== roomId) : rooms));
export const clearClassNotices = (): void => store.clear();
export const useClassNotices = (): readonly Room[] => store.use();
