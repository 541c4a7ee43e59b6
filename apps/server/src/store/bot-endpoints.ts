import type { Database } from './database.js';
import { statement } from './statement.js';

export interface BotEndpoint {
  botId: number;
  url: string;
  secret: string;
}

const SET = statement(
  'bot_endpoints.set',
  `INSERT INTO bot_endpoints (bot_id, url, secret, created_at) VALUES ($1, $2, $3, $4)
   ON CONFLICT (bot_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, created_at = excluded.created_at`,
);
const CLEAR = statement('bot_endpoints.clear', 'DELETE FROM bot_endpoints WHERE bot_id = $1');
const ALL = statement('bot_endpoints.all', 'SELECT bot_id, url, secret FROM bot_endpoints');

/** Where bots are told of messages (outgoing webhooks), with the secret each request is signed with. */
export class BotEndpoints {
  constructor(private readonly db: Database) {}

  async set(botId: number, endpoint: { url: string; secret: string } | null, at: number): Promise<void> {
    if (endpoint === null) await this.db.run(CLEAR, [botId]);
    else await this.db.run(SET, [botId, endpoint.url, endpoint.secret, at]);
  }

  async all(): Promise<BotEndpoint[]> {
    return (await this.db.rows<[number, string, string]>(ALL)).map(([botId, url, secret]) => ({ botId, url, secret }));
  }
}
