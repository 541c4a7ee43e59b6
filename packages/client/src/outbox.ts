import type { Message } from '@hearth/protocol';
import type { ChatError } from './errors.js';
import { Signal, type Unsubscribe } from './listeners.js';

/** A message sent but not yet acknowledged by the server, e.g. to show it greyed out. */
export interface PendingMessage {
  /** The idempotency key every attempt carries, so the server stores the message once. */
  readonly client_id: string;
  readonly conversation_id: number;
  readonly content: string;
  /** The message it answers. */
  readonly reply_to?: number;
  /** Files uploaded for it (`uploadFile`), sent with it. */
  readonly attachments?: readonly string[];
  /** When it was sent, in milliseconds since the epoch. */
  readonly queued_at: number;
}

interface Entry {
  message: PendingMessage;
  /** Written to the current connection and waiting for its reply. */
  inFlight: boolean;
  resolve(message: Message): void;
  reject(error: ChatError): void;
}

/** Sends waiting for their acknowledgement, oldest first. They survive reconnects until answered. */
export class Outbox {
  private entries: Entry[] = [];
  private snapshot: readonly PendingMessage[] = [];
  private readonly changed = new Signal<readonly PendingMessage[]>();

  get pending(): readonly PendingMessage[] {
    return this.snapshot;
  }

  onChange(listener: (pending: readonly PendingMessage[]) => void): Unsubscribe {
    return this.changed.add(listener);
  }

  add(message: PendingMessage): Promise<Message> {
    return new Promise((resolve, reject) => {
      this.entries.push({ message, inFlight: false, resolve, reject });
      this.update();
    });
  }

  /** The oldest send, marked as written, unless one is already waiting for its reply. */
  takeNext(): PendingMessage | undefined {
    const next = this.entries[0];
    if (next === undefined || next.inFlight) return undefined;
    next.inFlight = true;
    return next.message;
  }

  /** No reply came (the connection dropped, or the server asked to slow down): the entry goes out again, with the same client_id. */
  retry(message: PendingMessage): void {
    const entry = this.find(message);
    if (entry !== undefined) entry.inFlight = false;
  }

  deliver(message: PendingMessage, stored: Message): void {
    this.remove(message)?.resolve(stored);
  }

  fail(message: PendingMessage, error: ChatError): void {
    this.remove(message)?.reject(error);
  }

  failAll(error: ChatError): void {
    const entries = this.entries;
    this.entries = [];
    this.update();
    for (const entry of entries) entry.reject(error);
  }

  private find(message: PendingMessage): Entry | undefined {
    return this.entries.find((entry) => entry.message === message);
  }

  private remove(message: PendingMessage): Entry | undefined {
    const entry = this.find(message);
    if (entry === undefined) return undefined;
    this.entries = this.entries.filter((e) => e !== entry);
    this.update();
    return entry;
  }

  private update(): void {
    this.snapshot = this.entries.map((entry) => entry.message);
    this.changed.emit(this.snapshot);
  }
}
