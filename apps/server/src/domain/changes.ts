import { streamKey, type ChangeEventType, type ServerEventOf, type StampedChange, type StreamKey } from '@hearth/protocol';
import type { ChangeRecord } from '../store/store.js';

/** A change event with its numbers, as the publisher and catch-up send it. */
export type Change = StampedChange;

/**
 * Who hears a change, decided where the change is made: the one user it names (their own state, a group they were
 * added to or left), its conversation's members, or everyone.
 */
export function streamOf(record: Pick<ChangeRecord, 'conversationId' | 'userId'>): StreamKey {
  if (record.userId !== undefined) return streamKey({ kind: 'user', id: record.userId });
  return record.conversationId === null ? streamKey({ kind: 'all' }) : streamKey({ kind: 'conversation', id: record.conversationId });
}

/** A change as it is sent, live and in catch-up pages alike: its event with the log's numbers. */
export function stamped<T extends ChangeEventType>(record: ChangeRecord, type: T, payload: ServerEventOf<T>['payload']): Change {
  return { type, payload, seq: record.seq, prev: record.prev, stream: streamOf(record) } as Change;
}
