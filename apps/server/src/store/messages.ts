import { QUOTE_EXCERPT_LENGTH, type Attachment, type Message, type Quote } from '@hearth/protocol';
import { type Database, type Tx } from './database.js';
import { statement } from './statement.js';
import type { ChangeLog } from './change-log.js';
import { jsonList, MESSAGE_COLUMNS, QUOTE_JOIN, toMessage, type MessageRow } from './rows.js';
import type { AppendedMessage, AppendRefusal, ChangeRecord, MessageDecision, MessageUpdate, NewMessage, PreparedFile } from './types.js';

const read = (name: string, where: string) => statement(`messages.${name}`, `SELECT ${MESSAGE_COLUMNS} FROM messages m ${QUOTE_JOIN} ${where}`);

const BY_CLIENT_ID = read('by_client_id', 'WHERE m.user_id = $1 AND m.client_id = $2');
const BY_ID = read('by_id', 'WHERE m.id = $1');
const BEFORE = read('before', 'WHERE m.conversation_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3');
const AFTER = read('after', 'WHERE m.conversation_id = $1 AND m.id > $2 ORDER BY m.id ASC LIMIT $3');
const TARGET = statement('messages.target', `SELECT conversation_id, user_id, substr(content, 1, ${QUOTE_EXCERPT_LENGTH}), deleted_at, event FROM messages WHERE id = $1`);
const UPDATE = statement(
  'messages.update',
  // A deleted message's attachments go with it; an edit or a reaction keeps them.
  `UPDATE messages SET content = $1, edited_at = $2, deleted_at = coalesce(deleted_at, $3), mentions = $4, reactions = $5,
     attachments = CASE WHEN coalesce(deleted_at, $3) IS NULL THEN attachments END, preview = $7 WHERE id = $6`,
);
/** A file the sender may send: their own upload, not sent yet. */
const SENDABLE = statement('files.sendable', 'SELECT id, name, size, type, width, height FROM files WHERE id = $1 AND owner_id = $2 AND message_id IS NULL');
const CLAIM = statement('files.claim', 'UPDATE files SET message_id = $1 WHERE id = $2 AND owner_id = $3 AND message_id IS NULL');

/**
 * A file another transaction took between this one reading it sendable and claiming it (PostgreSQL's transactions
 * see each other's commits statement by statement): the batch is stored again a row at a time.
 */
class AttachmentTaken extends Error {}
const PREPARED = statement(
  'files.prepared',
  'UPDATE files SET size = $2, width = $3, height = $4, placeholder = $5, thumbnail = $6, prepared_at = $7 WHERE id = $1 AND prepared_at IS NULL',
);
const NOT_A_PICTURE = statement('files.not_a_picture', 'UPDATE files SET type = $2, prepared_at = $3 WHERE id = $1 AND prepared_at IS NULL');
const SENT_WITH = statement('files.sent_with', 'SELECT message_id FROM files WHERE id = $1');
const SET_ATTACHMENTS = statement('messages.set_attachments', 'UPDATE messages SET attachments = $1 WHERE id = $2');
const PARENTS = statement('messages.parents', 'SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1), EXISTS (SELECT 1 FROM users WHERE id = $2)');
const NEWEST = statement('messages.newest', 'SELECT coalesce(max(id), 0) FROM messages');

/** Messages: stored a batch at a time, read a page at a time, changed one at a time. */
export class Messages {
  /** The newest stored message id, kept here so signing in costs no query; moved as this process commits. */
  private newest = 0;

  constructor(
    private readonly db: Database,
    private readonly log: ChangeLog,
  ) {}

  async load(): Promise<void> {
    this.newest = (await this.db.rows<[number]>(NEWEST))[0]![0];
  }

  /** The newest message id (0 if none). */
  newestId(): number {
    return this.newest;
  }

  /**
   * Stores messages in one transaction, each once per (sender, client_id), and appends a `message` change for each
   * new one. Resolves once committed, with one outcome per message in order: a message the database refuses on its
   * own (its conversation or sender is gone) fails alone, storing and logging nothing, while the rest are stored. If
   * it rejects (the database itself failed), none of them is stored.
   *
   * The batch is first stored plainly, in a few statements. Only if a row is refused (rare: a row deleted from under
   * the server) is it rolled back and stored again with a savepoint around each row: a savepoint per row would cost
   * round trips on every batch, and in PostgreSQL a failed statement spoils its whole transaction.
   */
  async append(batch: readonly NewMessage[]): Promise<AppendedMessage[]> {
    let appended: AppendedMessage[];
    try {
      appended = await this.log.write((tx) => this.appendAll(tx, batch));
    } catch (error) {
      if (!this.db.isConstraintError(error) && !(error instanceof AttachmentTaken)) throw error;
      appended = await this.log.write(async (tx) => {
        const outcomes: AppendedMessage[] = [];
        for (const input of batch) outcomes.push(await this.appendCarefully(tx, input));
        return outcomes;
      });
    }
    for (const outcome of appended) if (outcome.change !== undefined) this.newest = Math.max(this.newest, outcome.message.id);
    return appended;
  }

  /** Up to `limit` messages of a conversation with an id below `before`, newest first. */
  async before(conversationId: number, before: number, limit: number): Promise<Message[]> {
    return (await this.db.rows<MessageRow>(BEFORE, [conversationId, before, limit])).map(toMessage);
  }

  /** Up to `limit` messages of a conversation with an id above `after`, oldest first. */
  async after(conversationId: number, after: number, limit: number): Promise<Message[]> {
    return (await this.db.rows<MessageRow>(AFTER, [conversationId, after, limit])).map(toMessage);
  }

  /**
   * Changes one message in one transaction: reads it, lets `decide` say what it becomes, writes that and appends a
   * `message_updated` change. Content a deletion clears is erased from the file where the dialect can. `missing`
   * when there is no such message; a refusal or `unchanged` writes nothing.
   */
  async update<R>(messageId: number, decide: (message: Message) => MessageDecision<R>, at: number): Promise<MessageUpdate<R>> {
    const outcome = await this.log.write(async (tx): Promise<MessageUpdate<R>> => {
      const current = await messageById(tx, messageId);
      if (current === undefined) return 'missing';
      const decision = decide(current);
      if (decision === 'unchanged') return { message: current };
      if ('refused' in decision) return decision;
      const { state } = decision;
      const preview = state.preview === undefined ? null : JSON.stringify(state.preview);
      await tx.run(UPDATE, [state.content, state.editedAt ?? null, state.deletedAt ?? null, jsonList(state.mentions), jsonList(state.reactions), messageId, preview]);
      const message = (await messageById(tx, messageId))!;
      return { message, change: await this.log.append(tx, { kind: 'message_updated', conversationId: message.conversation_id, subjectId: messageId, createdAt: at }) };
    });
    if (typeof outcome === 'object' && 'change' in outcome && outcome.message.deleted === true) await this.db.erase();
    return outcome;
  }

  /**
   * Records what preparing a sent picture found, once, and tells it to the message's readers as a `message_updated`
   * change carrying the file as it is now. Undefined when there is nothing to tell: it was recorded already, or its
   * message was deleted meanwhile; `gone` when the file itself was removed.
   */
  async prepared(fileId: string, found: PreparedFile, at: number): Promise<{ message: Message; change: ChangeRecord } | 'gone' | undefined> {
    return this.log.write(async (tx) => {
      const [sent] = await tx.rows<[number | string | null]>(SENT_WITH, [fileId]);
      if (sent === undefined) return 'gone';
      const recorded = 'type' in found
        ? await tx.run(NOT_A_PICTURE, [fileId, found.type, at])
        : await tx.run(PREPARED, [fileId, found.size, found.width, found.height, found.placeholder, found.thumbnail ? 1 : 0, at]);
      const current = recorded === 1 && sent[0] !== null ? await messageById(tx, Number(sent[0])) : undefined;
      if (current?.attachments === undefined) return undefined;
      const described: Partial<Attachment> = 'type' in found
        ? { type: found.type }
        : { size: found.size, width: found.width, height: found.height, placeholder: found.placeholder, ...(found.thumbnail ? { thumbnail: true } : {}) };
      const attachments = current.attachments.map((file) => (file.id === fileId ? { ...file, ...described } : file));
      await tx.run(SET_ATTACHMENTS, [JSON.stringify(attachments), current.id]);
      const change = await this.log.append(tx, { kind: 'message_updated', conversationId: current.conversation_id, subjectId: current.id, createdAt: at });
      return { message: { ...current, attachments }, change };
    });
  }

  /** The whole batch in a few statements: its rows in one, their changes in another. */
  private async appendAll(tx: Tx, batch: readonly NewMessage[]): Promise<AppendedMessage[]> {
    const quotes: (Quote | AppendRefusal | undefined)[] = [];
    const files: (Attachment[] | undefined)[] = [];
    // Two sends of one batch naming the same file: the first takes it.
    const taken = new Set<string>();
    for (const input of batch) {
      const quote = await replyQuote(tx, input);
      const attached = isRefusal(quote) ? undefined : await sendable(tx, input, taken);
      quotes.push(attached === 'attachment_missing' ? attached : quote);
      files.push(attached === 'attachment_missing' ? undefined : attached);
    }
    const insertable = batch.filter((_, i) => !isRefusal(quotes[i]));
    const ids = await this.insert(tx, insertable, files.filter((_, i) => !isRefusal(quotes[i])));
    const fresh: Message[] = [];
    const outcomes: (AppendedMessage | Message)[] = [];
    let next = 0;
    for (const [i, input] of batch.entries()) {
      const quote = quotes[i];
      if (isRefusal(quote)) {
        outcomes.push(await retried(tx, input, quote));
        continue;
      }
      const id = ids[next++];
      if (id === undefined) {
        outcomes.push(await retried(tx, input, 'constraint'));
        continue;
      }
      const message = newMessage(input, id, quote, files[i]);
      if (!(await claim(tx, input, id))) throw new AttachmentTaken();
      fresh.push(message);
      outcomes.push(message);
    }
    const changes = await this.log.appendAll(
      tx,
      fresh.map((m) => ({ kind: 'message', conversationId: m.conversation_id, subjectId: m.id, createdAt: m.created_at })),
    );
    let k = 0;
    return outcomes.map((outcome) => ('id' in outcome ? { message: outcome, change: changes[k++]! } : outcome));
  }

  /** One message of a batch with a savepoint around its row; its change is appended only once its row is in. */
  private async appendCarefully(tx: Tx, input: NewMessage): Promise<AppendedMessage> {
    const quote = await replyQuote(tx, input);
    if (isRefusal(quote)) return retried(tx, input, quote);
    const attached = await sendable(tx, input, new Set());
    if (attached === 'attachment_missing') return retried(tx, input, attached);
    let id: number | undefined;
    try {
      [id] = await tx.savepoint(async () => {
        const ids = await this.insert(tx, [input], [attached]);
        if (ids[0] !== undefined && !(await claim(tx, input, ids[0]))) throw new AttachmentTaken();
        return ids;
      });
    } catch (error) {
      if (error instanceof AttachmentTaken) return { refused: 'attachment_missing' };
      if (!this.db.isConstraintError(error)) throw error;
      return { refused: await whyRefused(tx, input) };
    }
    if (id === undefined) return retried(tx, input, 'constraint');
    const message = newMessage(input, id, quote, attached);
    return { message, change: await this.log.append(tx, { kind: 'message', conversationId: message.conversation_id, subjectId: id, createdAt: message.created_at }) };
  }

  /**
   * Inserts messages in their order: each one's new id, or undefined where its (sender, client_id) is stored already
   * (earlier, or by an earlier row of the same batch). A row the database refuses throws.
   */
  private async insert(tx: Tx, inputs: readonly NewMessage[], files: readonly (Attachment[] | undefined)[]): Promise<(number | undefined)[]> {
    if (inputs.length === 0) return [];
    const column = <T>(pick: (input: NewMessage) => T) => inputs.map(pick);
    const inserted = await tx.rows<[id: number, userId: number, clientId: string]>(this.db.sql.insertMessages, [
      column((i) => i.conversationId),
      column((i) => i.userId),
      column((i) => i.content),
      column((i) => i.clientId),
      column((i) => i.createdAt),
      column((i) => i.replyTo ?? null),
      column((i) => jsonList(i.mentions)),
      files.map((attached) => jsonList(attached)),
    ]);
    const ids = new Map(inserted.map(([id, userId, clientId]) => [`${userId}:${clientId}`, id]));
    const seen = new Set<string>();
    return inputs.map((input) => {
      const key = `${input.userId}:${input.clientId}`;
      // A retry beside its original in one batch: only the first of the two was inserted.
      if (seen.has(key)) return undefined;
      seen.add(key);
      return ids.get(key);
    });
  }
}

/** The quote a reply carries, or why its target refuses it; undefined for a message that answers none. */
async function replyQuote(tx: Tx, input: NewMessage): Promise<Quote | AppendRefusal | undefined> {
  if (input.replyTo === undefined) return undefined;
  const [target] = await tx.rows<[conversationId: number, userId: number, excerpt: string, deletedAt: number | null, event: string | null]>(TARGET, [input.replyTo]);
  if (target === undefined || target[0] !== input.conversationId) return 'reply_missing';
  if (target[3] !== null) return 'reply_deleted';
  // A group change line is the server's record of an act, not something said: it is not answered.
  if (target[4] !== null) return 'reply_to_line';
  return { user_id: target[1], excerpt: target[2] };
}

/**
 * The files a send carries, as its message will list them: each must be the sender's own upload, not sent yet (nor
 * taken by an earlier send of this batch). Undefined for a send without files.
 */
async function sendable(tx: Tx, input: NewMessage, taken: Set<string>): Promise<Attachment[] | 'attachment_missing' | undefined> {
  if (input.attachments === undefined || input.attachments.length === 0) return undefined;
  const files: Attachment[] = [];
  for (const id of input.attachments) {
    const [row] = await tx.rows<[string, string, number, string, number | null, number | null]>(SENDABLE, [id, input.userId]);
    if (row === undefined || taken.has(id)) return 'attachment_missing';
    const [, name, size, type, width, height] = row;
    const file: Attachment = { id, name, size: Number(size), type };
    if (width !== null && height !== null) Object.assign(file, { width, height });
    files.push(file);
  }
  for (const id of input.attachments) taken.add(id);
  return files;
}

/** Marks a new message's files as sent with it; false if one was taken meanwhile. */
async function claim(tx: Tx, input: NewMessage, messageId: number): Promise<boolean> {
  for (const id of input.attachments ?? []) if ((await tx.run(CLAIM, [messageId, id, input.userId])) !== 1) return false;
  return true;
}

/**
 * A send not stored now: a retry, perhaps of a send earlier in this same batch (its row is visible inside the
 * transaction), is answered with what was stored, even when its reply target has been deleted since; else refused.
 */
async function retried(tx: Tx, input: NewMessage, refusal: AppendRefusal): Promise<AppendedMessage> {
  const [row] = await tx.rows<MessageRow>(BY_CLIENT_ID, [input.userId, input.clientId]);
  return row === undefined ? { refused: refusal } : { message: toMessage(row) };
}

async function messageById(tx: Tx, id: number): Promise<Message | undefined> {
  const [row] = await tx.rows<MessageRow>(BY_ID, [id]);
  return row === undefined ? undefined : toMessage(row);
}

/** Why an insert was refused: a foreign-key error does not say which row it missed, so look. Off the hot path. */
async function whyRefused(tx: Tx, message: NewMessage): Promise<AppendRefusal> {
  const [[conversation, sender]] = (await tx.rows<[unknown, unknown]>(PARENTS, [message.conversationId, message.userId])) as [[unknown, unknown]];
  if (!conversation) return 'conversation_missing';
  if (!sender) return 'sender_missing';
  return 'constraint';
}

/** The message a new row holds, as the sender's reply and everyone's delivery tell it. */
function newMessage(input: NewMessage, id: number, quote: Quote | undefined, attachments: Attachment[] | undefined): Message {
  const message: Message = {
    id,
    conversation_id: input.conversationId,
    user_id: input.userId,
    content: input.content,
    client_id: input.clientId,
    created_at: input.createdAt,
  };
  if (input.replyTo !== undefined) Object.assign(message, { reply_to: input.replyTo, quote });
  if (jsonList(input.mentions) !== null) message.mentions = [...input.mentions!];
  if (attachments !== undefined) message.attachments = attachments;
  return message;
}

const isRefusal = (quote: Quote | AppendRefusal | undefined): quote is AppendRefusal => typeof quote === 'string';
