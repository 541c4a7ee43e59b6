import Type, { type Static } from 'typebox';
import { ERROR_CODES } from './codes.js';
import { OPEN } from './envelope.js';
import { MAX_DEVICE_LABEL_LENGTH } from './limits.js';
import { Attachment, User } from './models.js';

/** How the signing-in device names itself in the user's device list; the server makes one up from its browser if left out. */
const Device = Type.String({ maxLength: MAX_DEVICE_LABEL_LENGTH });

export const RedeemInviteRequest = Type.Object(
  { nickname: Type.String({ maxLength: 256 }), device: Type.Optional(Device) },
  { additionalProperties: false },
);
export type RedeemInviteRequest = Static<typeof RedeemInviteRequest>;

export const RedeemInviteResponse = Type.Object({
  user: User,
  /** The bearer token for `auth`. Shown once: the server keeps only its hash. */
  token: Type.String(),
});
export type RedeemInviteResponse = Static<typeof RedeemInviteResponse>;

export const InviteStatus = Type.Object({ code: Type.String(), available: Type.Literal(true) });
export type InviteStatus = Static<typeof InviteStatus>;

/** `POST /api/sign-in/<code>`: signs this device in with a sign-in link, as a new session. */
export const SignInRequest = Type.Object({ device: Type.Optional(Device) }, { additionalProperties: false });
export type SignInRequest = Static<typeof SignInRequest>;

/** `GET /api/sign-in/<code>`: the link is usable, and signs in as this user. */
export const SignInLinkStatus = Type.Object({ code: Type.String(), user: User, expires_at: Type.Integer({ minimum: 0 }) });
export type SignInLinkStatus = Static<typeof SignInLinkStatus>;

export const HttpError = Type.Object({
  error: Type.Object({ code: Type.Enum(ERROR_CODES, { [OPEN]: true }), message: Type.String() }),
});
export type HttpError = Static<typeof HttpError>;

/** `POST /api/files`: the file as stored, to name in `send_message.attachments` within FILE_UNSENT_TTL_S. */
export const UploadedFile = Attachment;
export type UploadedFile = Static<typeof UploadedFile>;

/**
 * `GET /api/files/<id>/link`: a URL of the file that works without a token, for its asker only and only while they
 * may read the file, until `expires_at` (FILE_LINK_TTL_S): for a page's `<img>` or `<video>`, which cannot send one.
 */
export const FileLink = Type.Object({
  url: Type.String(),
  /** The image's thumbnail, as `url` is signed, when it has one (`Attachment.thumbnail`). */
  thumbnail_url: Type.Optional(Type.String()),
  expires_at: Type.Integer({ minimum: 0 }),
});
export type FileLink = Static<typeof FileLink>;
