import type { ConversationType, Message, NotifyLevel } from './models.js';

/** What notifies a member until they choose: mentions in the lobby (everyone is in it), everything in DMs and groups. */
export function defaultNotifyLevel(type: ConversationType | undefined): NotifyLevel {
  return type === 'lobby' ? 'mentions' : 'all';
}

/** Whether a message notifies a member at this level; a level this code does not know counts as `all`. */
export function notifies(level: NotifyLevel, message: Pick<Message, 'mentions'>, userId: number): boolean {
  if (level === 'none') return false;
  return level !== 'mentions' || message.mentions?.includes(userId) === true;
}
