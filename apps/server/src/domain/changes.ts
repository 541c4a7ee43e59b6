import type { ChangeEvent, ChangeEventType, ServerEventOf } from '@hearth/protocol';
import type { ChangeRecord, LoggedChange } from '../store/store.js';
import type { Directory } from './directory.js';
import { toMemberState } from './member-states.js';

/** The stream a change belongs to: one user's own, its conversation's, or everyone's. Clients tell gaps per stream. */
export function streamOf(record: Pick<ChangeRecord, 'conversationId' | 'userId'>): string {
  if (record.userId !== undefined) return `u${record.userId}`;
  return record.conversationId === null ? 'all' : `c${record.conversationId}`;
}

/** A change event with its numbers, as the publisher and catch-up send it. */
export type Change = ChangeEvent & { seq: number; prev: number; stream: string };

/** A change as it is sent, live and in catch-up pages alike: its event with the log's numbers. */
export function stamped<T extends ChangeEventType>(record: ChangeRecord, type: T, payload: ServerEventOf<T>['payload']): Change {
  return { type, payload, seq: record.seq, prev: record.prev, stream: streamOf(record) } as Change;
}

/** Tells a logged change as it is now; undefined when what it names is gone. */
export function describeLogged(change: LoggedChange, directory: Directory): Change | undefined {
  switch (change.kind) {
    case 'message':
      return change.message === undefined ? undefined : stamped(change, 'message', change.message);
    case 'message_updated':
      return change.message === undefined ? undefined : stamped(change, 'message_updated', { message: change.message });
    case 'conversation_created':
    case 'conversation_updated': {
      const entry = directory.conversations.get(change.subjectId);
      return entry === undefined ? undefined : stamped(change, change.kind, { conversation: directory.describe(entry) });
    }
    case 'user_joined':
    case 'user_updated': {
      const user = directory.users.get(change.subjectId);
      return user === undefined ? undefined : stamped(change, change.kind, { user });
    }
    case 'member_state_updated':
      return change.memberState === undefined ? undefined : stamped(change, 'member_state_updated', { state: toMemberState(change.memberState, directory) });
  }
}
