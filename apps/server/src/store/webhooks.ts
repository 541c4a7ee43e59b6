import type { Webhook } from '@hearth/protocol';
import type { Database } from './database.js';
import { statement } from './statement.js';

const COLUMNS = 'id, bot_id, conversation_id, created_at';
type Row = [id: number, botId: number, conversationId: number, createdAt: number | string];

const INSERT = statement(
  'webhooks.insert',
  `INSERT INTO webhooks (bot_id, conversation_id, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
);
const ALL = statement('webhooks.all', `SELECT ${COLUMNS} FROM webhooks ORDER BY id DESC`);
const BY_TOKEN = statement('webhooks.by_token', `SELECT ${COLUMNS} FROM webhooks WHERE token_hash = $1`);
const DELETE = statement('webhooks.delete', 'DELETE FROM webhooks WHERE id = $1');

const toWebhook = ([id, botId, conversationId, createdAt]: Row): Webhook => ({ id, bot_id: botId, conversation_id: conversationId, created_at: Number(createdAt) });

/** Incoming webhooks: which bot posts where through a URL whose token only the sender knows (its hash is kept). */
export class Webhooks {
  constructor(private readonly db: Database) {}

  async create(botId: number, conversationId: number, tokenHash: string, createdBy: number | null, at: number): Promise<Webhook> {
    return toWebhook((await this.db.rows<Row>(INSERT, [botId, conversationId, tokenHash, createdBy, at]))[0]!);
  }

  async all(): Promise<Webhook[]> {
    return (await this.db.rows<Row>(ALL)).map(toWebhook);
  }

  async byTokenHash(tokenHash: string): Promise<Webhook | undefined> {
    const [row] = await this.db.rows<Row>(BY_TOKEN, [tokenHash]);
    return row === undefined ? undefined : toWebhook(row);
  }

  /** Whether there was such a webhook. */
  async delete(id: number): Promise<boolean> {
    return (await this.db.run(DELETE, [id])) === 1;
  }
}
