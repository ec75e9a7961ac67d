type Listener<Args extends unknown[]> = (...args: Args) => void;

/** A minimal typed event emitter (the browser has no node:events). */
export class TypedEmitter<Events extends Record<string, unknown[]>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never[]>>>();

  on<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as unknown as Listener<never[]>);
    return () => set.delete(listener as unknown as Listener<never[]>);
  }

  protected emit<Name extends keyof Events>(name: Name, ...args: Events[Name]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as unknown as Listener<Events[Name]>)(...args);
      } catch (error) {
        console.error(`room listener for ${String(name)} failed`, error);
      }
    }
  }
}
