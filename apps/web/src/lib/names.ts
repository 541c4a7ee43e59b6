import type { Conversation, User } from '@hearth/protocol';

/** How a conversation is named in the sidebar and its header: the lobby, a group's title, or the other members. */
export function conversationTitle(conversation: Conversation, me: number): string {
  if (conversation.type === 'lobby') return 'Lobby';
  if (conversation.type === 'group' && conversation.title !== undefined) return conversation.title;
  return memberNames(conversation, me);
}

/** The other members' names, up to three: what a DM, or a group without a title, is called. */
export function memberNames(conversation: Conversation, me: number): string {
  const others = otherMembers(conversation, me);
  if (others.length === 0) return 'Just you';
  const names = others.map((user) => user.nickname);
  if (conversation.type === 'dm' || names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} +${names.length - 3}`;
}

export function otherMembers(conversation: Conversation, me: number): User[] {
  return conversation.members
    .filter((user) => user.id !== me)
    .sort(byName);
}

/** The other person in a DM. */
export function dmPartner(conversation: Conversation, me: number): User | undefined {
  return conversation.type === 'dm' ? otherMembers(conversation, me)[0] : undefined;
}

export function byName(a: User, b: User): number {
  return a.nickname.localeCompare(b.nickname, undefined, { sensitivity: 'base' });
}
