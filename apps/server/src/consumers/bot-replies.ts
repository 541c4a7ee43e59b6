import { parseClientEvent, type Message } from '@hearth/protocol';
import type { Directory } from '../domain/directory.js';
import type { Messages } from '../domain/messages.js';
import type { Logger } from '../log.js';
import type { UserLimits } from '../rate-limit.js';
import type { SendOrigin } from '../ws/handlers/messages.js';

/**
 * Posts a bot's answer to a message as its reply, as if the bot had sent it: the same checks as a send (through the
 * protocol's parser), paid from the bot's own allowance, stored with everyone's sends and told to the conversation.
 */
export function botReplier(messages: Messages<SendOrigin>, directory: Directory, limits: UserLimits, log: Logger) {
  return async (botId: number, to: Message, text: string, clientId: string): Promise<void> => {
    const bot = directory.users.get(botId);
    if (bot === undefined || bot.deactivated === true) return;
    const parsed = parseClientEvent(JSON.stringify({ type: 'send_message', payload: { conversation_id: to.conversation_id, content: text, client_id: clientId, reply_to: to.id } }));
    if (!parsed.ok || parsed.event.type !== 'send_message') return log.warn({ botId, code: parsed.ok ? 'unknown' : parsed.error.code }, 'a bot’s webhook answered with what cannot be sent');
    const taken = await limits.sends.takeAll(botId, 1);
    if (taken.granted === 0) return log.warn({ botId }, 'a bot’s webhook answered faster than its allowance: the answer was dropped');
    const queued = messages.send(bot, parsed.event.payload, {
      respond: (sent) => void (sent.ok || log.warn({ botId, code: sent.error.code }, 'a bot’s webhook answer was not stored')),
    });
    if (!queued.ok) log.warn({ botId, code: queued.error.code }, 'a bot’s webhook answer was refused');
  };
}
