/**
 * Stable error codes. Clients branch on the code, never on the human message.
 * Every `error` and `auth_error` frame, and every HTTP error body, carries one of these.
 */
export const ErrorCode = {
  /** The frame is not valid JSON. */
  InvalidJson: 'invalid_json',
  /** The frame is JSON but not an envelope `{ type, payload, id? }`. */
  InvalidFrame: 'invalid_frame',
  /** `type` names no client event. */
  UnknownType: 'unknown_type',
  /** The payload does not match the event's schema; `path` points at the field. */
  InvalidPayload: 'invalid_payload',
  /** `send_message` or `edit_message` content shows nothing once trimmed: only whitespace or invisible characters. */
  ContentEmpty: 'content_empty',
  /** `send_message` or `edit_message` content is longer than MAX_CONTENT_LENGTH. */
  ContentTooLong: 'content_too_long',
  /** The message does not exist, or is in a conversation the user is not a member of. */
  MessageNotFound: 'message_not_found',
  /** Editing or deleting a message someone else sent. */
  NotYourMessage: 'not_your_message',
  /** Editing, reacting to or replying to a message that was deleted. */
  MessageDeleted: 'message_deleted',
  /** Editing, deleting, reacting to or replying to a line that tells of a group change (a message with `event`). */
  GroupEventLine: 'group_event_line',
  /** `reply_to` names a message in another conversation, or none. */
  InvalidReply: 'invalid_reply',
  /** The message already has MAX_REACTIONS_PER_MESSAGE different emoji. */
  TooManyReactions: 'too_many_reactions',
  /** A reaction that is not one emoji. */
  InvalidEmoji: 'invalid_emoji',
  /** A push endpoint that is not an https URL of a push service. */
  InvalidPushSubscription: 'invalid_push_subscription',
  /** The push endpoint is already another user's: an endpoint belongs to whoever subscribed it first. */
  PushEndpointTaken: 'push_endpoint_taken',
  /** The user already has as many push subscriptions as the server keeps for one user. */
  TooManyPushSubscriptions: 'too_many_push_subscriptions',
  /** A `search` query holds no word to look for: only spaces, punctuation or symbols. */
  InvalidQuery: 'invalid_query',
  /** The user's role does not allow this: administration needs an admin, roles and admins the owner. */
  Forbidden: 'forbidden',
  /** An upload is larger than the server's limit per file (`maxFileBytes`). */
  FileTooLarge: 'file_too_large',
  /** An upload would take the user's files past the server's storage quota (`storageQuotaBytes`). */
  StorageQuotaExceeded: 'storage_quota_exceeded',
  /** An upload with no bytes, or without a name. */
  InvalidFile: 'invalid_file',
  /**
   * A file id names no file the user may use or read: an attachment that is not the sender's own upload, or is
   * already sent with another message; a download of a file in no conversation of the user's (not told apart).
   */
  FileNotFound: 'file_not_found',
  /**
   * A picture sent moments ago that the server is still preparing (orientation applied, metadata such as the place it
   * was taken removed): asked for again after `Retry-After`, it is there. Its uploader may read it meanwhile.
   */
  FileNotReady: 'file_not_ready',
  /** An HTTP API request whose JSON body is larger than API_BODY_MAX_BYTES. */
  BodyTooLarge: 'body_too_large',
  /** `revoke_session` names no session of this user. */
  SessionNotFound: 'session_not_found',
  /** Renaming, adding to, removing from or leaving a conversation that is not a group. */
  NotAGroup: 'not_a_group',
  /** `rotate_bot_key` or `rename_bot` names someone who is not a bot; `set_role` names a bot (a bot stays a bot). */
  NotABot: 'not_a_bot',
  /** A webhook URL whose token is unknown (or deleted), or `delete_webhook` of no webhook. */
  WebhookNotFound: 'webhook_not_found',
  /** `set_bot_endpoint` with a URL the server would never send to: not https, a private address, a port not allowed. */
  InvalidEndpoint: 'invalid_endpoint',
  /** A group title longer than MAX_GROUP_TITLE_LENGTH once trimmed (an empty one takes the name away). */
  InvalidTitle: 'invalid_title',
  /** A status longer than MAX_STATUS_LENGTH once trimmed, or with a line break (an empty one clears it). */
  InvalidStatus: 'invalid_status',
  /** The account was deactivated by an admin: it cannot sign in, or be added, messaged or given a sign-in link. */
  AccountDeactivated: 'account_deactivated',
  /** A request other than `auth` arrived before authentication. */
  AuthRequired: 'auth_required',
  /** The token is unknown. */
  InvalidToken: 'invalid_token',
  /** No `auth` arrived within the auth timeout. */
  AuthTimeout: 'auth_timeout',
  /** `auth` was sent on a connection that is already authenticated. */
  AlreadyAuthenticated: 'already_authenticated',
  /** The conversation does not exist or the user is not a member (the two are not told apart). */
  ConversationNotFound: 'conversation_not_found',
  /** A user id names nobody. */
  UserNotFound: 'user_not_found',
  /** `create_dm` with one's own id. */
  CannotDmSelf: 'cannot_dm_self',
  /** `create_group` leaves nobody but the creator once duplicates and the creator are removed. */
  GroupTooSmall: 'group_too_small',
  /** `create_group` would exceed MAX_GROUP_MEMBERS. */
  GroupTooLarge: 'group_too_large',
  /** Too many requests; `retry_after_ms` says when to try again. */
  RateLimited: 'rate_limited',
  /** The user already has the maximum number of open connections. */
  TooManyConnections: 'too_many_connections',
  /** The nickname breaks the nickname rules. */
  InvalidNickname: 'invalid_nickname',
  /** Someone already has this nickname (ignoring case). */
  NicknameTaken: 'nickname_taken',
  /** The nickname looks like someone else's: it differs only by accents or marks, or by letters of another script that look the same. */
  NicknameConfusable: 'nickname_confusable',
  /** No invite has this code. */
  InviteNotFound: 'invite_not_found',
  /** The invite has already been redeemed as often as it allows. */
  InviteUsed: 'invite_used',
  /** The invite's time ran out. */
  InviteExpired: 'invite_expired',
  /** An admin revoked the invite. */
  InviteRevoked: 'invite_revoked',
  /** No sign-in link has this code. */
  SignInLinkNotFound: 'sign_in_link_not_found',
  /** The sign-in link was used already, or has expired: each works once, for SIGN_IN_LINK_TTL_S. */
  SignInLinkExpired: 'sign_in_link_expired',
  /**
   * `catch_up.after` is older than the change log still kept (or newer than any change): the changes in between
   * cannot be told. Reload state from `auth_ok` and `load_history`, then continue from `auth_ok.cursor`.
   */
  ResyncRequired: 'resync_required',
  /** The server failed; nothing was stored by the failed request. */
  InternalError: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export const ERROR_CODES = Object.values(ErrorCode) as ErrorCode[];

/** WebSocket close codes the server uses. 4000–4999 are the application's own range. */
export const CloseCode = {
  /** The server is shutting down; reconnect later. */
  GoingAway: 1001,
  /** The upgrade came from an origin that is not allowed. */
  PolicyViolation: 1008,
  /** A frame was larger than MAX_FRAME_BYTES. */
  MessageTooBig: 1009,
  /** The token was refused; do not reconnect with it. */
  AuthFailed: 4001,
  /** No `auth` frame arrived in time. */
  AuthTimeout: 4002,
  /** The first frame was not `auth`. */
  AuthRequired: 4003,
  /** The user has too many open connections. */
  TooManyConnections: 4004,
  /** The connection kept sending past its rate limit. */
  RateLimited: 4005,
  /** The connection stopped reading and its send buffer passed the limit; reconnect and catch up. */
  SlowConsumer: 4006,
  /** The device was signed out (its session revoked); its token no longer works. */
  SessionRevoked: 4007,
  /** An admin deactivated the account; its tokens no longer work. */
  AccountDeactivated: 4008,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting with the same token is pointless. */
export const FATAL_CLOSE_CODES: readonly number[] = [CloseCode.AuthFailed, CloseCode.PolicyViolation, CloseCode.SessionRevoked, CloseCode.AccountDeactivated];

/** The HTTP status that goes with each error code an HTTP endpoint can answer. */
export const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidJson]: 400,
  [ErrorCode.InvalidPayload]: 400,
  [ErrorCode.InvalidNickname]: 400,
  [ErrorCode.InvalidToken]: 401,
  [ErrorCode.InvalidFile]: 400,
  [ErrorCode.FileTooLarge]: 413,
  [ErrorCode.StorageQuotaExceeded]: 413,
  [ErrorCode.FileNotFound]: 404,
  [ErrorCode.FileNotReady]: 503,
  [ErrorCode.BodyTooLarge]: 413,
  [ErrorCode.WebhookNotFound]: 404,
  [ErrorCode.UnknownType]: 404,
  [ErrorCode.ContentEmpty]: 400,
  [ErrorCode.ContentTooLong]: 400,
  [ErrorCode.InvalidReply]: 400,
  [ErrorCode.InvalidEmoji]: 400,
  [ErrorCode.TooManyReactions]: 409,
  [ErrorCode.ConversationNotFound]: 404,
  [ErrorCode.MessageNotFound]: 404,
  [ErrorCode.NotYourMessage]: 403,
  [ErrorCode.MessageDeleted]: 410,
  [ErrorCode.GroupEventLine]: 409,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.InviteNotFound]: 404,
  [ErrorCode.InviteUsed]: 410,
  [ErrorCode.NicknameTaken]: 409,
  [ErrorCode.NicknameConfusable]: 409,
  [ErrorCode.InviteExpired]: 410,
  [ErrorCode.InviteRevoked]: 410,
  [ErrorCode.SignInLinkNotFound]: 404,
  [ErrorCode.SignInLinkExpired]: 410,
  [ErrorCode.AccountDeactivated]: 403,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.InternalError]: 500,
};
