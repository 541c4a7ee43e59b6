import type { Directory } from './directory.js';

/**
 * Who hears of whom without asking. On a server of at most `fullDirectoryMax` people, everyone: a sign-in names
 * everyone and everyone hears everyone's presence. Past it, telling everyone of everyone costs each sign-in as much
 * as the server is big and the server as a whole its size squared, so a user is told of their contacts: themselves
 * and whoever shares a DM or group with them. Anyone else is a `list_users` away.
 */
export class Contacts {
  constructor(
    private readonly directory: Directory,
    private readonly fullDirectoryMax: number,
  ) {}

  /** Whether everyone is told of everyone. */
  get everyone(): boolean {
    return this.directory.users.size <= this.fullDirectoryMax;
  }

  /** The user and everyone who shares a DM or group with them. */
  of(userId: number): Set<number> {
    const contacts = new Set([userId]);
    for (const conversationId of this.directory.conversationIdsOf(userId)) {
      const conversation = this.directory.conversations.get(conversationId);
      if (conversation !== undefined) for (const member of conversation.members) contacts.add(member);
    }
    return contacts;
  }
}
