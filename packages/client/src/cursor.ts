/**
 * Which messages this client has delivered, so that catch-up pages and live traffic never deliver one twice.
 *
 * While online, one connection carries messages in id order, so a single high-water mark suffices. While
 * catching up, live messages can overtake the pages still to come, so the ids delivered above the mark are
 * remembered until the catch-up reaches the end.
 */
export class MessageCursor {
  private through: number | undefined;
  private syncing = false;
  private readonly deliveredAbove = new Set<number>();

  constructor(start?: number) {
    this.through = start;
  }

  /** Every message up to this id has been delivered, or came before this client; undefined until the first sign-in. */
  get lastMessageId(): number | undefined {
    return this.through;
  }

  /** Begins a catch-up and returns the id to catch up after. A fresh client starts from the server's newest id. */
  beginCatchUp(newestOnServer: number): number {
    this.through ??= newestOnServer;
    this.syncing = true;
    return this.through;
  }

  /** True if the message is new to this client, and records it as delivered. */
  admit(id: number): boolean {
    if (this.through !== undefined && id <= this.through) return false;
    if (!this.syncing) {
      this.through = id;
      return true;
    }
    if (this.deliveredAbove.has(id)) return false;
    this.deliveredAbove.add(id);
    return true;
  }

  /** The last page came: everything up to the highest id delivered is now in hand. */
  endCatchUp(): void {
    for (const id of this.deliveredAbove) this.through = Math.max(this.through ?? 0, id);
    this.deliveredAbove.clear();
    this.syncing = false;
  }
}
