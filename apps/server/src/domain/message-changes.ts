import { ErrorCode, isAdmin, MAX_REACTIONS_PER_MESSAGE, type LinkPreview, type Message, type Reaction, type User } from '@hearth/protocol';
import type { MessageDecision, MessageState, Store } from '../store/store.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { mentionsIn } from './mentions.js';
import { ok, refuse, type Refusal, type Result } from './result.js';
import { nowSeconds } from './tokens.js';

/** A message after an action: with the change to publish, or without when the action changed nothing. */
export interface Changed {
  message: Message;
  change?: Change;
}

const refused = (code: Refusal['code'], message: string): { refused: Refusal } => ({ refused: { code, message } });
const NOT_FOUND = refused(ErrorCode.MessageNotFound, 'No such message');
const DELETED = refused(ErrorCode.MessageDeleted, 'That message was deleted');
const LINE = refused(ErrorCode.GroupEventLine, 'A line telling of a group change stays as the server wrote it');

/** Who may edit a message: its sender. */
function mayEdit(actor: User, message: Message): boolean {
  return message.user_id === actor.id;
}

/** Who may delete a message: its sender, or an admin (moderation). */
function mayDelete(actor: User, message: Message): boolean {
  return mayEdit(actor, message) || isAdmin(actor);
}

/** What is done to messages once sent: editing, deleting, reactions. Each is one transaction and one change. */
export class MessageChanges {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  edit(actor: User, messageId: number, content: string): Promise<Result<Changed>> {
    return this.change(actor, messageId, (message) => {
      if (!mayEdit(actor, message)) return refused(ErrorCode.NotYourMessage, 'Only its sender can edit a message');
      if (message.deleted) return DELETED;
      if (message.content === content) return 'unchanged';
      const mentions = mentionsIn(content, message.conversation_id, this.directory);
      return { state: { ...stateOf(message), content, editedAt: nowSeconds(), mentions } };
    });
  }

  /** Clears the content, mentions and reactions; the message stays in place, marked deleted. */
  delete(actor: User, messageId: number): Promise<Result<Changed>> {
    return this.change(actor, messageId, (message) => {
      if (!mayDelete(actor, message)) return refused(ErrorCode.NotYourMessage, 'Only its sender or an admin can delete a message');
      if (message.deleted) return 'unchanged';
      return { state: { content: '', editedAt: message.edited_at, deletedAt: nowSeconds() } };
    });
  }

  /** Takes the link preview off a message: its sender's choice, so only they may. */
  removePreview(actor: User, messageId: number): Promise<Result<Changed>> {
    return this.change(actor, messageId, (message) => {
      if (!mayEdit(actor, message)) return refused(ErrorCode.NotYourMessage, 'Only its sender can remove a message’s link preview');
      if (message.deleted) return DELETED;
      if (message.preview === undefined) return 'unchanged';
      return { state: { ...stateOf(message), preview: undefined } };
    });
  }

  /**
   * Adds what the server found at a message's first link (consumers/previews.ts): the server's own act, so no actor.
   * A message deleted meanwhile, or that has a preview already, is left as it is.
   */
  async addPreview(messageId: number, preview: LinkPreview): Promise<Changed | undefined> {
    const outcome = await this.store.messages.update(
      messageId,
      (message): MessageDecision<never> => (message.deleted || message.preview !== undefined ? 'unchanged' : { state: { ...stateOf(message), preview } }),
      nowSeconds(),
    );
    if (typeof outcome !== 'object' || 'refused' in outcome || outcome.change === undefined) return undefined;
    return { message: outcome.message, change: stamped(outcome.change, 'message_updated', { message: outcome.message }) };
  }

  react(actor: User, messageId: number, emoji: string): Promise<Result<Changed>> {
    return this.change(actor, messageId, (message) => {
      if (message.deleted) return DELETED;
      const reactions = message.reactions ?? [];
      const same = reactions.find((r) => r.emoji === emoji);
      if (same?.user_ids.includes(actor.id)) return 'unchanged';
      if (same === undefined && reactions.length >= MAX_REACTIONS_PER_MESSAGE) {
        return refused(ErrorCode.TooManyReactions, `A message can have at most ${MAX_REACTIONS_PER_MESSAGE} different reactions`);
      }
      const next = same === undefined
        ? [...reactions, { emoji, user_ids: [actor.id] }]
        : reactions.map((r) => (r === same ? { emoji, user_ids: [...r.user_ids, actor.id] } : r));
      return { state: { ...stateOf(message), reactions: next } };
    });
  }

  unreact(actor: User, messageId: number, emoji: string): Promise<Result<Changed>> {
    return this.change(actor, messageId, (message) => {
      const reactions = message.reactions ?? [];
      const same = reactions.find((r) => r.emoji === emoji);
      if (same === undefined || !same.user_ids.includes(actor.id)) return 'unchanged';
      const next = reactions
        .map((r): Reaction => (r === same ? { emoji, user_ids: r.user_ids.filter((id) => id !== actor.id) } : r))
        .filter((r) => r.user_ids.length > 0);
      return { state: { ...stateOf(message), reactions: next } };
    });
  }

  /** Runs a decision on the stored message, for members of its conversation only. */
  private async change(actor: User, messageId: number, decide: (message: Message) => MessageDecision<Refusal>): Promise<Result<Changed>> {
    const outcome = await this.store.messages.update(
      messageId,
      // Outsiders learn nothing: a message they cannot read looks exactly like one that does not exist.
      // A group change line records an act: nobody edits, deletes or reacts to it, its maker included.
      (message) => (!this.directory.isMember(actor.id, message.conversation_id) ? NOT_FOUND : message.event !== undefined ? LINE : decide(message)),
      nowSeconds(),
    );
    if (outcome === 'missing') return refuse(NOT_FOUND.refused.code, NOT_FOUND.refused.message);
    if ('refused' in outcome) return { ok: false, error: outcome.refused };
    const { message, change } = outcome;
    return ok(change === undefined ? { message } : { message, change: stamped(change, 'message_updated', { message }) });
  }
}

/** The changeable fields of a message as it is. */
function stateOf(message: Message): MessageState {
  return { content: message.content, editedAt: message.edited_at, mentions: message.mentions, reactions: message.reactions, preview: message.preview };
}
