import type { Message, Quote } from '@hearth/protocol';
import type { AppendedMessage, AppendRefusal, NewMessage } from '../store.js';
import type { ChangeLog } from './change-log.js';
import { insertMessages, newMessage, replyQuote, storedMessage, whyRefused } from './messages.js';
import type { Tx, Writer } from './writer.js';

/**
 * Stores a batch of messages in one transaction, where a row the database refuses (its sender or conversation
 * deleted from under the server, a constraint) fails alone and the others are stored.
 *
 * In PostgreSQL a failed statement spoils its whole transaction, unlike SQLite, which backs out that statement
 * only. A savepoint around every row would keep the others, but costs two more round trips a row, and beyond 64
 * in one transaction makes every snapshot in the database slower to check. So the batch is first stored plainly;
 * only if a row is refused is it rolled back and stored again, now with a savepoint around each row. Any other
 * failure rejects, and none of the batch is stored.
 */
export async function appendMessages(writer: Writer, log: ChangeLog, batch: readonly NewMessage[]): Promise<AppendedMessage[]> {
  try {
    return await writer.transaction((tx) => appendAll(tx, log, batch));
  } catch (error) {
    if (!isConstraintError(error)) throw error;
    return writer.transaction((tx) => each(batch, (input) => appendCarefully(tx, log, input)));
  }
}

/** The whole batch in a few statements: its rows in one, their changes in another. */
async function appendAll(tx: Tx, log: ChangeLog, batch: readonly NewMessage[]): Promise<AppendedMessage[]> {
  const quotes = await each(batch, (input) => replyQuote(tx, input));
  const insertable = batch.filter((_, i) => !isRefusal(quotes[i]));
  const ids = await insertMessages(tx, insertable);
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
    const message = newMessage(input, id, quote);
    fresh.push(message);
    outcomes.push(message);
  }
  const changes = await log.appendMany(tx, 'message', fresh.map((m) => ({ conversationId: m.conversation_id, subjectId: m.id, createdAt: m.created_at })));
  let k = 0;
  return outcomes.map((outcome) => ('id' in outcome ? { message: outcome, change: changes[k++]! } : outcome));
}

/** One message of a batch with a savepoint around its row; its change is appended only once its row is in. */
async function appendCarefully(tx: Tx, log: ChangeLog, input: NewMessage): Promise<AppendedMessage> {
  const quote = await replyQuote(tx, input);
  if (isRefusal(quote)) return retried(tx, input, quote);
  await tx.client.query('SAVEPOINT message');
  let id;
  try {
    [id] = await insertMessages(tx, [input]);
  } catch (error) {
    if (!isConstraintError(error)) throw error;
    await tx.client.query('ROLLBACK TO SAVEPOINT message');
    return { refused: await whyRefused(tx, input) };
  }
  await tx.client.query('RELEASE SAVEPOINT message');
  if (id === undefined) return retried(tx, input, 'constraint');
  const message = newMessage(input, id, quote);
  return { message, change: await log.append(tx, 'message', message.conversation_id, message.id, message.created_at) };
}

/**
 * A send not stored now: a retry, perhaps of a send earlier in this same batch (its row is visible inside the
 * transaction), is answered with what was stored, even when its reply target has been deleted since; else refused.
 */
async function retried(tx: Tx, input: NewMessage, refusal: AppendRefusal): Promise<AppendedMessage> {
  const stored = await storedMessage(tx, input.userId, input.clientId);
  return stored === undefined ? { refused: refusal } : { message: stored };
}

const isRefusal = (quote: Quote | AppendRefusal | undefined): quote is AppendRefusal => typeof quote === 'string';

/** Runs one after another, in order: the statements share one connection. */
async function each<T, R>(items: readonly T[], act: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await act(item));
  return results;
}

/** SQLSTATE class 23, integrity constraint violation (foreign key, unique, check, not null): the row is at fault. */
function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('23');
}
