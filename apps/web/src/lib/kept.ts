import type { ClientPayload, Conversation, User } from '@hearth/protocol';

/**
 * What the person typed and has not seen stored: sends waiting for the server and each conversation's draft. It is
 * kept in localStorage, which is written at once, so a reload or a closed tab loses nothing; IndexedDB writes are
 * asynchronous and may not finish before a tab closes. Keys carry the user's id, so two people who share a browser
 * never see each other's drafts, and entries are merged by key so several tabs of one person share them.
 */

/**
 * A send not yet acknowledged, or one the server refused: the protocol's send_message payload as it goes (what the
 * person wrote, its idempotency key, the message it answers), and why and when it was refused.
 */
export type KeptSend = ClientPayload<'send_message'> & {
  /** Why the server refused it, and when (milliseconds since the epoch); both absent while it is on its way. */
  reason?: string;
  failed_at?: number;
};

const sendsKey = (userId: number) => `hearth.sends.${userId}`;
const draftsKey = (userId: number) => `hearth.drafts.${userId}`;
const shellKey = (userId: number) => `hearth.shell.${userId}`;

export class KeptSends {
  private readonly key: string;

  constructor(userId: number) {
    this.key = sendsKey(userId);
  }

  all(): KeptSend[] {
    return Object.values(read(this.key)).filter(isKeptSend);
  }

  put(send: KeptSend): void {
    update(this.key, (sends) => ({ ...sends, [send.client_id]: send }));
  }

  remove(clientId: string): void {
    update(this.key, ({ [clientId]: _, ...rest }) => rest);
  }
}

export class KeptDrafts {
  private readonly key: string;

  constructor(userId: number) {
    this.key = draftsKey(userId);
  }

  get(conversationId: number): string {
    const draft = read(this.key)[conversationId];
    return typeof draft === 'string' ? draft : '';
  }

  set(conversationId: number, text: string): void {
    update(this.key, ({ [conversationId]: _, ...rest }) => (text === '' ? rest : { ...rest, [conversationId]: text }));
  }
}

/** The conversations and people of the last sign-in: a page opened without a network shows them, and what waits to be sent. */
export interface KeptShell {
  conversations: Conversation[];
  users: User[];
}

export class KeptShells {
  private readonly key: string;

  constructor(userId: number) {
    this.key = shellKey(userId);
  }

  get(): KeptShell | undefined {
    const { conversations, users } = read(this.key);
    return Array.isArray(conversations) && Array.isArray(users) ? { conversations, users } : undefined;
  }

  set(shell: KeptShell): void {
    update(this.key, () => ({ ...shell }));
  }
}

/** The IndexedDB database of the recent history kept for a page opened offline (lib/history-cache.ts). */
export const historyDatabase = (userId: number) => `hearth.history.${userId}`;

/** Signing out, or a token refused for good, leaves nothing of the person's writing or their history behind. */
export function forgetKept(userId: number): void {
  localStorage.removeItem(sendsKey(userId));
  localStorage.removeItem(draftsKey(userId));
  localStorage.removeItem(shellKey(userId));
  // Open connections are asked to close (versionchange); the deletion completes once they have.
  if (typeof indexedDB !== 'undefined') indexedDB.deleteDatabase(historyDatabase(userId));
}

type Stored = Record<string, unknown>;

function read(key: string): Stored {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Stored) : {};
  } catch {
    return {};
  }
}

/** Read, change and write back in one go, so another tab's entries written meanwhile are kept. */
function update(key: string, change: (stored: Stored) => Stored): void {
  const next = change(read(key));
  try {
    if (Object.keys(next).length === 0) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(next));
  } catch {
    // Storage full or disabled (some private modes): the page works on, only without surviving a reload.
  }
}

function isKeptSend(value: unknown): value is KeptSend {
  const send = value as Partial<KeptSend> | null;
  return (
    typeof send?.client_id === 'string' &&
    typeof send.conversation_id === 'number' &&
    typeof send.content === 'string' &&
    (send.reply_to === undefined || typeof send.reply_to === 'number')
  );
}
