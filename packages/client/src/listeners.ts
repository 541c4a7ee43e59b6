import type { ServerEvent, ServerEventOf, ServerEventType } from '@hearth/protocol';

export type Unsubscribe = () => void;

/** A list of listeners for one kind of happening. */
export class Signal<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): Unsubscribe {
    // Wrapped so that the same function subscribed twice is called twice and unsubscribes one at a time.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) callSafely(listener, value);
  }
}

/** Subscribers to server events, by event type. */
export class Subscriptions {
  private readonly signals = new Map<ServerEventType, Signal<ServerEvent>>();

  on<T extends ServerEventType>(type: T, handler: (event: ServerEventOf<T>) => void): Unsubscribe {
    let signal = this.signals.get(type);
    if (signal === undefined) this.signals.set(type, (signal = new Signal()));
    return signal.add(handler as (event: ServerEvent) => void);
  }

  emit(event: ServerEvent): void {
    this.signals.get(event.type)?.emit(event);
  }
}

/** A listener that throws must not stop the others or the client; its error is rethrown on its own. */
function callSafely<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
