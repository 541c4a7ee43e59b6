/** The protocol this package speaks; `auth_ok.protocol_version` says which one the server speaks. */
export const PROTOCOL_VERSION = 2;
/** Files one message may carry (`send_message.attachments`). */
export const MAX_ATTACHMENTS = 10;
/** Longest file name kept for an upload, in characters; a longer one is cut, keeping its extension. */
export const MAX_FILE_NAME_LENGTH = 200;
/** An upload not sent with a message within this many seconds is deleted. */
export const FILE_UNSENT_TTL_S = 24 * 3600;
/** Seconds a signed file link (`GET /api/files/<id>/link`) works, for a page's `<img>` that cannot send a token. */
export const FILE_LINK_TTL_S = 600;
/** Characters of a file id: 128 random bits in base64url. */
export const FILE_ID_LENGTH = 22;
/** Characters of an image's placeholder (`Attachment.placeholder`): a ThumbHash is at most 25 bytes. */
export const MAX_PLACEHOLDER_LENGTH = 48;
/** Bytes of an HTTP API request's JSON body: a message of MAX_CONTENT_LENGTH characters, escaped, fits. */
export const API_BODY_MAX_BYTES = 64 * 1024;
/** Characters of a link preview's title and site name, cut to this. */
export const MAX_PREVIEW_TITLE_LENGTH = 200;
/** Characters of a link preview's description, cut to this. */
export const MAX_PREVIEW_DESCRIPTION_LENGTH = 300;
/** The longer side of an image's thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 480;
/** Longest message content, in characters (Unicode code points), before trimming. */
export const MAX_CONTENT_LENGTH = 4000;
/** Messages per `load_history` page when `limit` is left out. */
export const HISTORY_PAGE_DEFAULT = 50;
/** Largest `limit` a `load_history` request may ask for. */
export const HISTORY_PAGE_MAX = 100;
/** Changes per `catch_up` page when `limit` is left out, and the largest allowed. */
export const CATCH_UP_PAGE_DEFAULT = 200;
export const CATCH_UP_PAGE_MAX = 500;
/** A `catch_up` page stops once its changes pass this many bytes of JSON (always holding at least one change). */
export const CATCH_UP_PAGE_MAX_BYTES = 256 * 1024;
/** People per `list_users` page when `limit` is left out, and the largest `limit` (or number of `ids`) allowed. */
export const USERS_PAGE_DEFAULT = 200;
export const USERS_PAGE_MAX = 500;
/** Invites per `list_invites` page when `limit` is left out, and the largest `limit` allowed. */
export const INVITES_PAGE_DEFAULT = 200;
export const INVITES_PAGE_MAX = 200;
/** Longest `search` query, in characters. */
export const SEARCH_QUERY_MAX_LENGTH = 200;
/** Messages per `search` page when `limit` is left out, and the largest `limit` allowed. */
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 50;
/** The last word of a `search` query also matches longer words it begins once it has this many characters. */
export const SEARCH_PREFIX_MIN_LENGTH = 3;
/** Different emoji on one message; adding another is refused with `too_many_reactions`. */
export const MAX_REACTIONS_PER_MESSAGE = 20;
/** Longest reaction, in UTF-16 code units: room for the longest emoji sequences (families, flags of regions). */
export const MAX_EMOJI_LENGTH = 32;
/** Characters of the original message a reply's `quote` carries. */
export const QUOTE_EXCERPT_LENGTH = 140;
/** Users a message's `mentions` lists at most; further mention tokens stay in the text only. */
export const MAX_MENTIONS = 50;
/** A client sends `typing` for a conversation at most this often while someone writes; the server drops more. */
export const TYPING_NOTICE_INTERVAL_MS = 2_000;
/** How long a client shows someone as typing after their last notice. */
export const TYPING_SHOWN_MS = 6_000;
/** Longest Web Push endpoint URL accepted in `subscribe_push`. */
export const MAX_PUSH_ENDPOINT_LENGTH = 1_024;
/** Push subscriptions a user may have (their devices) by default; subscribing another is refused with `too_many_push_subscriptions`. */
export const MAX_PUSH_SUBSCRIPTIONS = 10;
/** Unread messages are counted up to this many per conversation; a client shows more as "999+". */
export const UNREAD_COUNT_MAX = 1_000;
/** Members of a group, the creator included. */
export const MAX_GROUP_MEMBERS = 32;
/** Longest group title, in characters after trimming. */
export const MAX_GROUP_TITLE_LENGTH = 64;
/** Longest device label a sign-in may give, in characters. */
export const MAX_DEVICE_LABEL_LENGTH = 64;
/** Seconds a sign-in link (for another device, or for recovery) stays usable. It works once. */
export const SIGN_IN_LINK_TTL_S = 600;
/** An invite's life when `create_invite` does not say, and the longest it may ask for, in seconds. */
export const INVITE_TTL_DEFAULT_S = 7 * 24 * 3600;
export const INVITE_TTL_MAX_S = 90 * 24 * 3600;
/** The most uses `create_invite` may allow; one use when it does not say. */
export const INVITE_MAX_USES_MAX = 1_000;
/** Longest status a user shows beside their name (`set_status`), in characters after trimming. */
export const MAX_STATUS_LENGTH = 80;
/** Nickname length in characters after trimming. */
export const NICKNAME_MIN_LENGTH = 1;
export const NICKNAME_MAX_LENGTH = 32;
/** Longest request `id` and `client_id`. */
export const MAX_REQUEST_ID_LENGTH = 64;
export const MAX_CLIENT_ID_LENGTH = 64;
/** Longest token accepted in `auth` (issued tokens are 43 characters). */
export const MAX_TOKEN_LENGTH = 256;
/** Largest WebSocket frame the server reads; larger ones close the connection with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
