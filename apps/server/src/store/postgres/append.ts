import type { AppendedMessage, NewMessage } from '../store.js';
import type { ChangeLog } from './change-log.js';
import { insertMessage, storedMessage, whyRefused } from './messages.js';
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
  const appendAll = (careful: boolean) => (tx: Tx) => each(batch, (input) => appendOne(tx, log, input, careful));
  try {
    return await writer.transaction(appendAll(false));
  } catch (error) {
    if (!isConstraintError(error)) throw error;
    return writer.transaction(appendAll(true));
  }
}

/** One message of a batch; its change is appended only once its row is in, so a refused row moves no stream tip. */
async function appendOne(tx: Tx, log: ChangeLog, input: NewMessage, careful: boolean): Promise<AppendedMessage> {
  if (careful) await tx.client.query('SAVEPOINT message');
  let inserted;
  try {
    inserted = await insertMessage(tx, input);
  } catch (error) {
    if (!careful || !isConstraintError(error)) throw error;
    await tx.client.query('ROLLBACK TO SAVEPOINT message');
    return { refused: await whyRefused(tx, input) };
  }
  if (careful) await tx.client.query('RELEASE SAVEPOINT message');
  // A retry, perhaps of a send earlier in this same batch: its row is visible inside the transaction. A retry
  // is answered with what was stored even when its reply target has been deleted since.
  if (inserted === undefined || typeof inserted === 'string') {
    const stored = await storedMessage(tx, input.userId, input.clientId);
    if (stored !== undefined) return { message: stored };
    return { refused: inserted ?? 'constraint' };
  }
  return { message: inserted, change: await log.append(tx, 'message', inserted.conversation_id, inserted.id, inserted.created_at) };
}

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
