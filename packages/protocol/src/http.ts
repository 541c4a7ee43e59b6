import Type, { type Static } from 'typebox';
import { ERROR_CODES } from './codes.js';
import { OPEN } from './envelope.js';
import { User } from './models.js';

export const RedeemInviteRequest = Type.Object({ nickname: Type.String({ maxLength: 256 }) }, { additionalProperties: false });
export type RedeemInviteRequest = Static<typeof RedeemInviteRequest>;

export const RedeemInviteResponse = Type.Object({
  user: User,
  /** The bearer token for `auth`. Shown once: the server keeps only its hash. */
  token: Type.String(),
});
export type RedeemInviteResponse = Static<typeof RedeemInviteResponse>;

export const InviteStatus = Type.Object({ code: Type.String(), available: Type.Literal(true) });
export type InviteStatus = Static<typeof InviteStatus>;

export const HttpError = Type.Object({
  error: Type.Object({ code: Type.Enum(ERROR_CODES, { [OPEN]: true }), message: Type.String() }),
});
export type HttpError = Static<typeof HttpError>;
