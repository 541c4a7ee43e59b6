import { randomBytes } from 'node:crypto';
import { checkNickname, ErrorCode, isAdmin, nicknameKey, type User, type Webhook } from '@hearth/protocol';
import type { Store } from '../store/store.js';
import type { KeyRefusal } from '../store/bots.js';
import { stamped, type Change } from './changes.js';
import type { Directory } from './directory.js';
import { ok, refuse, type Result } from './result.js';
import { hashToken, newToken, nowSeconds } from './tokens.js';
import type { Renamed } from './users.js';

/** How a bot's key shows among its devices. */
export const BOT_KEY_LABEL = 'Bot key';

const notAdmin = (): Result<never> => refuse(ErrorCode.Forbidden, 'Only admins may manage bots');
const notABot = (): Result<never> => refuse(ErrorCode.NotABot, 'That account is not a bot');

const KEY_REFUSALS: Record<KeyRefusal, () => Result<never>> = {
  missing: () => refuse(ErrorCode.UserNotFound, 'No such user'),
  not_a_bot: notABot,
  deactivated: () => refuse(ErrorCode.AccountDeactivated, 'That bot was deleted: reactivate it first'),
};

/** A bot and its key, with the change that tells of a new bot. */
export interface BotKeyed {
  user: User;
  token: string;
  change?: Change;
  /** Sessions of the old key, to close. */
  revoked: number[];
}

/**
 * Bot accounts, the admins' to make: members with role `bot` that a program signs in as with a key. The key is a
 * session token, made here, shown once and stored hashed; a new one replaces every session of the bot.
 */
export class Bots {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
  ) {}

  async create(actor: User, rawNickname: string): Promise<Result<BotKeyed>> {
    if (!isAdmin(actor)) return notAdmin();
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const token = newToken();
    const made = await this.store.bots.create({
      nickname: checked.nickname,
      nicknameKey: nicknameKey(checked.nickname),
      tokenHash: hashToken(token),
      label: BOT_KEY_LABEL,
      lobbyId: this.directory.lobbyId,
      at: nowSeconds(),
    });
    if (!made.ok) return refuse(ErrorCode.NicknameTaken, `The nickname "${checked.nickname}" is taken`);
    return ok({ user: made.user, token, change: stamped(made.change, 'user_joined', { user: made.user }), revoked: [] });
  }

  async rotateKey(actor: User, userId: number): Promise<Result<BotKeyed>> {
    if (!isAdmin(actor)) return notAdmin();
    const token = newToken();
    const rotated = await this.store.bots.rotateKey(userId, { tokenHash: hashToken(token), label: BOT_KEY_LABEL }, nowSeconds());
    if (!rotated.ok) return KEY_REFUSALS[rotated.reason]();
    return ok({ user: rotated.user, token, revoked: rotated.revoked });
  }

  /**
   * Where the bot is told of messages, with a new secret for signing them; `null` stops it. `allowed` is the outbound
   * guard's check: a URL it would never send to is refused now rather than failing at every message.
   */
  async setEndpoint(actor: User, botId: number, url: string | null, allowed: (url: string) => boolean): Promise<Result<{ url: string | null; secret?: string }>> {
    if (!isAdmin(actor)) return notAdmin();
    const bot = this.directory.users.get(botId);
    if (bot === undefined) return refuse(ErrorCode.UserNotFound, 'No such user');
    if (bot.role !== 'bot') return notABot();
    if (url === null) {
      await this.store.botEndpoints.set(botId, null, nowSeconds());
      return ok({ url: null });
    }
    if (!allowed(url)) return refuse(ErrorCode.InvalidEndpoint, 'The server does not send to that address: it must be https, public, on an allowed port');
    const secret = randomBytes(32).toString('base64url');
    await this.store.botEndpoints.set(botId, { url, secret }, nowSeconds());
    return ok({ url, secret });
  }

  /** A webhook posting as the bot into a conversation it is in, and its token (for its URL), shown once. */
  async createWebhook(actor: User, botId: number, conversationId: number): Promise<Result<{ webhook: Webhook; token: string }>> {
    if (!isAdmin(actor)) return notAdmin();
    const bot = this.directory.users.get(botId);
    if (bot === undefined) return refuse(ErrorCode.UserNotFound, 'No such user');
    if (bot.role !== 'bot') return notABot();
    if (bot.deactivated === true) return KEY_REFUSALS.deactivated();
    if (!this.directory.isMember(botId, conversationId)) return refuse(ErrorCode.ConversationNotFound, 'The bot is not in that conversation: add it first');
    const token = newToken();
    return ok({ webhook: await this.store.webhooks.create(botId, conversationId, hashToken(token), actor.id, nowSeconds()), token });
  }

  async webhooks(actor: User): Promise<Result<Webhook[]>> {
    return isAdmin(actor) ? ok(await this.store.webhooks.all()) : notAdmin();
  }

  async deleteWebhook(actor: User, id: number): Promise<Result<Webhook[]>> {
    if (!isAdmin(actor)) return notAdmin();
    if (!(await this.store.webhooks.delete(id))) return refuse(ErrorCode.WebhookNotFound, 'No such webhook');
    return ok(await this.store.webhooks.all());
  }

  async rename(actor: User, userId: number, rawNickname: string): Promise<Result<Renamed>> {
    if (!isAdmin(actor)) return notAdmin();
    const bot = this.directory.users.get(userId);
    if (bot === undefined) return refuse(ErrorCode.UserNotFound, 'No such user');
    if (bot.role !== 'bot') return notABot();
    const checked = checkNickname(rawNickname);
    if (!checked.ok) return refuse(checked.code, checked.message);
    const outcome = await this.store.accounts.rename({ userId, nickname: checked.nickname, nicknameKey: nicknameKey(checked.nickname), at: nowSeconds() });
    if (!outcome.ok) return outcome.reason === 'nickname_taken' ? refuse(ErrorCode.NicknameTaken, `The nickname "${checked.nickname}" is taken`) : refuse(ErrorCode.UserNotFound, 'No such user');
    return ok(outcome.change === undefined ? { user: outcome.user } : { user: outcome.user, change: stamped(outcome.change, 'user_updated', { user: outcome.user }) });
  }
}
