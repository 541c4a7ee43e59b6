import type { ChatClient } from '@hearth/client';

const MAX_DICE = 100;
const MAX_SIDES = 1000;
/** Someone reloading the page goes offline and online again; greet them once in a while, not every time. */
const GREETING_INTERVAL_MS = 10 * 60_000;

/** What the bot says to a message, if anything. */
export function answer(content: string): string | undefined {
  const [command, ...args] = content.trim().split(/\s+/);
  if (command === '!ping') return 'pong';
  if (command === '!roll') return roll(args.join(' '));
  return undefined;
}

/** Rolls dice written as NdM: `2d6` → "🎲 2d6: 3 + 5 = 8". */
export function roll(spec: string): string {
  const rolled = rollDice(spec);
  if (rolled === undefined) return usage('!roll');
  const { dice, sides, rolls } = rolled;
  return `🎲 ${dice}d${sides}: ${rolls.join(' + ')} = ${rolls.reduce((sum, n) => sum + n, 0)}`;
}

/** `!sheet NdM`: the rolls as a CSV file, one die a row, to open in a spreadsheet; undefined for another command. */
export function sheet(content: string): { name: string; data: Uint8Array; caption: string } | undefined {
  const [command, ...args] = content.trim().split(/\s+/);
  if (command !== '!sheet') return undefined;
  const spec = args.join(' ');
  const rolled = rollDice(spec);
  if (rolled === undefined) return { name: '', data: new Uint8Array(), caption: usage('!sheet') };
  const { dice, sides, rolls } = rolled;
  const csv = ['die,roll', ...rolls.map((n, i) => `${i + 1},${n}`)].join('\n') + '\n';
  return { name: 'rolls.csv', data: new TextEncoder().encode(csv), caption: `🎲 ${dice}d${sides}: ${rolls.length} rolls` };
}

function rollDice(spec: string): { dice: number; sides: number; rolls: number[] } | undefined {
  const match = /^(\d{1,3})d(\d{1,4})$/i.exec(spec);
  const dice = Number(match?.[1]);
  const sides = Number(match?.[2]);
  if (match === null || dice < 1 || dice > MAX_DICE || sides < 2 || sides > MAX_SIDES) return undefined;
  return { dice, sides, rolls: Array.from({ length: dice }, () => 1 + Math.floor(Math.random() * sides)) };
}

const usage = (command: string) => `Usage: ${command} NdM, with 1 to ${MAX_DICE} dice of 2 to ${MAX_SIDES} sides, e.g. ${command} 2d6`;

/**
 * Answers commands in every conversation the bot is in, each as a reply to the command, and marks a roll with 🎲 so
 * it shows who asked; sends `!sheet` rolls as a file; says hello in the lobby to people coming online.
 */
export function runBot(client: ChatClient): void {
  const greetedAt = new Map<number, number>();
  const say = (conversationId: number, content: string) =>
    client.sendMessage(conversationId, content).catch((error: Error) => console.error(`[bot] not sent: ${error.message}`));

  client.on('message', function replyToCommand({ payload: message }) {
    if (message.user_id === client.session?.user.id) return;
    const file = sheet(message.content);
    if (file !== undefined && file.name === '') void say(message.conversation_id, file.caption);
    else if (file !== undefined) {
      client.sendFile(message.conversation_id, file.data, file.name, file.caption).catch((error: Error) => console.error(`[bot] no file sent: ${error.message}`));
    }
    const reply = answer(message.content);
    if (reply === undefined) return;
    if (reply.startsWith('🎲')) client.react(message.id, '🎲').catch((error: Error) => console.error(`[bot] no reaction: ${error.message}`));
    client.reply(message, reply).catch((error: Error) => console.error(`[bot] not sent: ${error.message}`));
  });

  client.on('user_online', function greet({ payload: { user } }) {
    const lobby = client.session?.conversations.find((c) => c.type === 'lobby');
    if (lobby === undefined || user.id === client.session?.user.id) return;
    if (Date.now() - (greetedAt.get(user.id) ?? -Infinity) < GREETING_INTERVAL_MS) return;
    greetedAt.set(user.id, Date.now());
    void say(lobby.id, `Hello, ${user.nickname}! Say !roll 2d6 to roll some dice.`);
  });
}
