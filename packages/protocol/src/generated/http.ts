// @ts-nocheck
// The checks are TypeBox’s generated JavaScript; the declared types of the exports are what callers see.
// Generated from src/http.ts by scripts/validators.ts. Do not edit: run `npm run generate -w @hearth/protocol`.
import { Guard } from 'typebox/guard';
import type { FileLink, HttpError, RedeemInviteResponse, SignInLinkStatus, UploadedFile } from '../http.js';

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

/** Whether a body is an uploaded file, accepting fields the protocol does not declare. */
export const isUploadedFile: (value: unknown) => value is UploadedFile = /* @__PURE__ */ (() => {
  const External = [/^[A-Za-z0-9_-]+$/u];
  const check_0 = ((value) => ((typeof value === "object" && value !== null && !(Array.isArray(value))) && (((("id" in value && "name" in value) && "size" in value) && "type" in value) && ((((((((typeof value.id === "string" && (((value.id.length >= 44 || (value.id.length >= 22 && Guard.CodePointCount(value.id) >= 22)) && (value.id.length <= 22 || (value.id.length <= 44 && Guard.CodePointCount(value.id) <= 22))) && External[0].test(value.id))) && (typeof value.name === "string" && ((value.name.length >= 2 || (value.name.length >= 1 && Guard.CodePointCount(value.name) >= 1)) && (value.name.length <= 200 || (value.name.length <= 400 && Guard.CodePointCount(value.name) <= 200))))) && (Number.isInteger(value.size) && (!((Number.isFinite(value.size) || typeof value.size === "bigint")) || value.size >= 1))) && typeof value.type === "string") && (value.width === undefined || (!("width" in value) || (Number.isInteger(value.width) && (!((Number.isFinite(value.width) || typeof value.width === "bigint")) || value.width >= 1))))) && (value.height === undefined || (!("height" in value) || (Number.isInteger(value.height) && (!((Number.isFinite(value.height) || typeof value.height === "bigint")) || value.height >= 1))))) && (value.placeholder === undefined || (!("placeholder" in value) || (typeof value.placeholder === "string" && (value.placeholder.length <= 48 || (value.placeholder.length <= 96 && Guard.CodePointCount(value.placeholder) <= 48)))))) && (value.thumbnail === undefined || (!("thumbnail" in value) || (typeof value.thumbnail === "boolean" && value.thumbnail === true)))))));
  return (value) => check_0(value);
})();

/** Whether a body is a signed file link, accepting fields the protocol does not declare. */
export const isFileLink: (value: unknown) => value is FileLink = /* @__PURE__ */ (() => {
  const check_0 = ((value) => ((typeof value === "object" && value !== null && !(Array.isArray(value))) && (("url" in value && "expires_at" in value) && ((typeof value.url === "string" && (value.thumbnail_url === undefined || (!("thumbnail_url" in value) || typeof value.thumbnail_url === "string"))) && (Number.isInteger(value.expires_at) && (!((Number.isFinite(value.expires_at) || typeof value.expires_at === "bigint")) || value.expires_at >= 0))))));
  return (value) => check_0(value);
})();
