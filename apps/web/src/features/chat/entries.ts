import type { Message, User } from '@hearth/protocol';
import type { PendingMessage } from '@hearth/client';
import type { Entry } from '../../lib/rows.js';
import type { FailedSend } from '../../state/outgoing.svelte.js';

/** One line of the message pane: stored, still on its way, or refused. */
export type PaneEntry = Entry & { content: string; replyTo?: number; /** Files it carries. */ attachments: number } & (
    | { status: 'sent'; message: Message }
    | { status: 'pending' }
    | { status: 'failed'; failed: FailedSend }
  );

export function paneEntries(
  messages: readonly Message[],
  pending: readonly PendingMessage[],
  failed: readonly FailedSend[],
  me: User,
): PaneEntry[] {
  return [
    ...messages.map((m) => ({ ...base(`m${m.id}`, m.user_id, m.created_at, m.content, m.reply_to, m.attachments), ...(m.event === undefined ? {} : { apart: true }), status: 'sent' as const, message: m })),
    ...pending.map((p) => ({ ...base(`p${p.client_id}`, me.id, Math.floor(p.queued_at / 1000), p.content, p.reply_to, p.attachments), status: 'pending' as const })),
    ...failed.map((f) => ({ ...base(`f${f.client_id}`, me.id, Math.floor(f.failed_at / 1000), f.content, f.reply_to, f.attachments), status: 'failed' as const, failed: f })),
  ];
}

function base(key: string, user_id: number, created_at: number, content: string, replyTo: number | undefined, files: readonly unknown[] | undefined) {
  const attachments = files?.length ?? 0;
  return replyTo === undefined ? { key, user_id, created_at, content, attachments } : { key, user_id, created_at, content, replyTo, attachments };
}
