import type { Context } from '../context.js';
import type { GroupChanged } from '../domain/groups.js';
import type { Result } from '../domain/result.js';
import type { Connection } from './connection.js';
import { limitedBy } from './dispatch.js';

/**
 * Renaming a group, adding, removing or leaving: counted against the user's send limit like an edit (each tells
 * every member), every change of the act published in order, and the requester hearing its own as the reply, once;
 * only replied when nothing changed.
 */
export async function changeGroup(ctx: Context, conn: Connection, id: string | undefined, act: () => Promise<Result<GroupChanged>>): Promise<void> {
  const limited = await limitedBy(ctx.userLimits.sends, conn.user!.id);
  if (limited !== undefined) return conn.fail(limited.error.code, limited.error.message, id, { retry_after_ms: limited.error.retryAfterMs });
  const result = await act();
  if (!result.ok) return conn.fail(result.error.code, result.error.message, id);
  const { conversation, changes, reply } = result.value;
  if (reply === undefined) return conn.reply('conversation_updated', { conversation }, id);
  for (const change of changes) ctx.publisher.publish(change, change === reply ? { conn, requestId: id } : undefined);
}
