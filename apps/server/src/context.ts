import { JOIN_PATH, SIGN_IN_PATH } from '@hearth/protocol';
import type { Bus } from './bus/bus.js';
import type { Config } from './config.js';
import type { Admin } from './domain/admin.js';
import type { Conversations } from './domain/conversations.js';
import type { Directory } from './domain/directory.js';
import type { Feed } from './domain/feed.js';
import type { Groups } from './domain/groups.js';
import type { ClientAddress } from './http/client-address.js';
import type { Invites } from './domain/invites.js';
import type { MemberStates } from './domain/member-states.js';
import type { MessageChanges } from './domain/message-changes.js';
import type { Messages } from './domain/messages.js';
import type { Search } from './domain/search.js';
import type { Sessions } from './domain/sessions.js';
import type { Users } from './domain/users.js';
import type { Logger } from './log.js';
import type { Publisher } from './publish.js';
import type { PushSubscriptions } from './push/subscriptions.js';
import type { UserLimits } from './rate-limit.js';
import type { Presence } from './ws/presence.js';
import type { SendQueue } from './ws/send-queue.js';
import type { SessionActivity } from './ws/session-activity.js';
import type { TypingNotices } from './ws/typing.js';

/** What the request handlers work with, built once at start. */
export interface Context {
  config: Config;
  publicUrl: string;
  clientAddress: ClientAddress;
  log: Logger;
  directory: Directory;
  users: Users;
  sessions: Sessions;
  admin: Admin;
  activity: SessionActivity;
  invites: Invites;
  conversations: Conversations;
  groups: Groups;
  messages: Messages;
  messageChanges: MessageChanges;
  memberStates: MemberStates;
  push: PushSubscriptions;
  /** The server's VAPID public key, for `auth_ok.push_key`. */
  pushKey: string;
  search: Search;
  feed: Feed;
  presence: Presence;
  publisher: Publisher;
  sendQueue: SendQueue;
  userLimits: UserLimits;
  typing: TypingNotices;
  /** The other server processes sharing the database; one that tells nobody anything when there are none. */
  bus: Bus;
}

/** The link that opens the web app's join page for an invite. */
export function inviteUrl(ctx: Pick<Context, 'publicUrl'>, code: string): string {
  return `${ctx.publicUrl}${JOIN_PATH}${code}`;
}

/** The link that signs a device in with a sign-in link's code. */
export function signInUrl(ctx: Pick<Context, 'publicUrl'>, code: string): string {
  return `${ctx.publicUrl}${SIGN_IN_PATH}${code}`;
}
