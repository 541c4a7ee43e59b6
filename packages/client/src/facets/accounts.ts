import type { ClientPayload, Device, ServerPayload, User } from '@hearth/protocol';
import type { Request } from './request.js';

/** This user's own account: nickname, status, devices, sign-in links and Web Push. */
export type AccountRequests = ReturnType<typeof accountRequests>;

export function accountRequests(request: Request) {
  return {
    /** Changes this user's nickname (the rules of joining apply); everyone hears `user_updated`. */
    async setNickname(nickname: string): Promise<User> {
      return (await request('set_nickname', { nickname })).user;
    },

    /** Sets what this user says they are up to, one line of at most 80 characters; an empty one clears it. */
    async setStatus(status: string): Promise<User> {
      return (await request('set_status', { status })).user;
    },

    /** This user's devices, most recently used first; this one is marked `current`. */
    async sessions(): Promise<Device[]> {
      return (await request('list_sessions', {})).sessions;
    },

    /** Signs one of this user's devices out (this one too, which then closes with `signed_out`); the devices left. */
    async revokeSession(sessionId: number): Promise<Device[]> {
      return (await request('revoke_session', { session_id: sessionId })).sessions;
    },

    /** Signs out every device of this user but this one. */
    async revokeOtherSessions(): Promise<Device[]> {
      return (await request('revoke_other_sessions', {})).sessions;
    },

    /** A one-time link that signs another device in: as this user, or (admins) as `userId`, to recover their account. */
    createSignInLink(userId?: number): Promise<ServerPayload<'sign_in_link'>> {
      return request('create_sign_in_link', { user_id: userId });
    },

    /**
     * Has the server send Web Push notifications to a browser push subscription (`PushSubscription.toJSON()`, made with
     * `session.push_key`) while none of this user's connections is open.
     */
    async subscribePush(subscription: ClientPayload<'subscribe_push'>): Promise<void> {
      await request('subscribe_push', subscription);
    },

    async unsubscribePush(endpoint: string): Promise<void> {
      await request('unsubscribe_push', { endpoint });
    },
  };
}
