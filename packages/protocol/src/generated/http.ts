// @ts-nocheck
// The checks are TypeBox’s generated JavaScript; the declared types of the exports are what callers see.
// Generated from src/http.ts by scripts/validators.ts. Do not edit: run `npm run generate -w @hearth/protocol`.
import { Guard } from 'typebox/guard';
import type { HttpError, RedeemInviteResponse, SignInLinkStatus } from '../http.js';

/** Whether a body is a redeemed invite, accepting fields the protocol does not declare. */
export const isRedeemInviteResponse: (value: unknown) => value is RedeemInviteResponse = /* @__PURE__ */ (() => {
  const check_0 = ((value) => ((typeof value === "object" && value !== null && !(Array.isArray(value))) && (("user" in value && "token" in value) && (((typeof value.user === "object" && value.user !== null && !(Array.isArray(value.user))) && (("id" in value.user && "nickname" in value.user) && (((((Number.isInteger(value.user.id) && (!((Number.isFinite(value.user.id) || typeof value.user.id === "bigint")) || (value.user.id >= 1 && value.user.id <= 9007199254740991))) && typeof value.user.nickname === "string") && (value.user.role === undefined || (!("role" in value.user) || typeof value.user.role === "string"))) && (value.user.deactivated === undefined || (!("deactivated" in value.user) || (typeof value.user.deactivated === "boolean" && value.user.deactivated === true)))) && (value.user.status === undefined || (!("status" in value.user) || (typeof value.user.status === "string" && (value.user.status.length <= 80 || (value.user.status.length <= 160 && Guard.CodePointCount(value.user.status) <= 80)))))))) && typeof value.token === "string"))));
  return (value) => check_0(value);
})();

/** Whether a body is an HTTP error, accepting codes and fields the protocol does not declare. */
export const isHttpError: (value: unknown) => value is HttpError = /* @__PURE__ */ (() => {
  const check_0 = ((value) => ((typeof value === "object" && value !== null && !(Array.isArray(value))) && ("error" in value && ((typeof value.error === "object" && value.error !== null && !(Array.isArray(value.error))) && (("code" in value.error && "message" in value.error) && (typeof value.error.code === "string" && typeof value.error.message === "string"))))));
  return (value) => check_0(value);
})();

/** Whether a body tells whom a sign-in link signs in as, accepting fields the protocol does not declare. */
export const isSignInLinkStatus: (value: unknown) => value is SignInLinkStatus = /* @__PURE__ */ (() => {
  const check_0 = ((value) => ((typeof value === "object" && value !== null && !(Array.isArray(value))) && ((("code" in value && "user" in value) && "expires_at" in value) && ((typeof value.code === "string" && ((typeof value.user === "object" && value.user !== null && !(Array.isArray(value.user))) && (("id" in value.user && "nickname" in value.user) && (((((Number.isInteger(value.user.id) && (!((Number.isFinite(value.user.id) || typeof value.user.id === "bigint")) || (value.user.id >= 1 && value.user.id <= 9007199254740991))) && typeof value.user.nickname === "string") && (value.user.role === undefined || (!("role" in value.user) || typeof value.user.role === "string"))) && (value.user.deactivated === undefined || (!("deactivated" in value.user) || (typeof value.user.deactivated === "boolean" && value.user.deactivated === true)))) && (value.user.status === undefined || (!("status" in value.user) || (typeof value.user.status === "string" && (value.user.status.length <= 80 || (value.user.status.length <= 160 && Guard.CodePointCount(value.user.status) <= 80))))))))) && (Number.isInteger(value.expires_at) && (!((Number.isFinite(value.expires_at) || typeof value.expires_at === "bigint")) || value.expires_at >= 0))))));
  return (value) => check_0(value);
})();
