import type { LoggedChange } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { toMemberState } from './member-states.js';

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
