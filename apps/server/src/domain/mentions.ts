import { MAX_MENTIONS, mentionedIds } from '@hearth/protocol';
import type { Directory } from './directory.js';

/** The members of a conversation that content mentions (anyone, in the lobby), each once, at most MAX_MENTIONS. */
export function mentionsIn(content: string, conversationId: number, directory: Directory): number[] {
  if (!content.includes('<@')) return [];
  const conversation = directory.conversations.get(conversationId);
  if (conversation === undefined) return [];
  const canSee = (id: number) => (conversation.type === 'lobby' ? directory.users.has(id) : conversation.members.has(id));
  return mentionedIds(content).filter(canSee).slice(0, MAX_MENTIONS);
}
