import Type, { type Static } from 'typebox';
import { ErrorCode, ERROR_CODES } from './codes.js';
import { OPEN } from './envelope.js';
import { User } from './models.js';

/** The WebSocket endpoint, on the same port as the web app. */
export const WS_PATH = '/ws';
/** The web app's page for an invite: `${publicUrl}${JOIN_PATH}${code}`. */
export const JOIN_PATH = '/join/';

/** `GET` tells whether an invite can be redeemed; `POST` redeems it. */
export function invitePath(code: string): string {
  return `/api/invites/${encodeURIComponent(code)}`;
}

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

/** The HTTP status that goes with each error code an HTTP endpoint can answer. */
export const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidJson]: 400,
  [ErrorCode.InvalidPayload]: 400,
  [ErrorCode.InvalidNickname]: 400,
  [ErrorCode.InviteNotFound]: 404,
  [ErrorCode.InviteUsed]: 410,
  [ErrorCode.NicknameTaken]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.InternalError]: 500,
};
