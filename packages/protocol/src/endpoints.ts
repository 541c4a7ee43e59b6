/** The WebSocket endpoint, on the same port as the web app. */
export const WS_PATH = '/ws';
/** The web app's page for an invite: `${publicUrl}${JOIN_PATH}${code}`. */
export const JOIN_PATH = '/join/';

/** `GET` tells whether an invite can be redeemed; `POST` redeems it. */
export function invitePath(code: string): string {
  return `/api/invites/${encodeURIComponent(code)}`;
}

/** The web app's page for a sign-in link: `${publicUrl}${SIGN_IN_PATH}${code}`. */
export const SIGN_IN_PATH = '/signin/';

/** `GET` tells whether a sign-in link can be used; `POST` signs a device in with it. */
export function signInPath(code: string): string {
  return `/api/sign-in/${encodeURIComponent(code)}`;
}

/** `POST` uploads a file (the body is its bytes, `?name=` its name), with `Authorization: Bearer <token>`. */
export const FILES_PATH = '/api/files';

/** Where a file is downloaded: `GET`, by members of the conversation its message is in. */
export function filePath(id: string, name: string): string {
  return `/files/${encodeURIComponent(id)}/${encodeURIComponent(name)}`;
}

/** `GET` makes a signed link to a file (`FileLink`), with `Authorization: Bearer <token>`. */
export function fileLinkPath(id: string): string {
  return `${FILES_PATH}/${encodeURIComponent(id)}/link`;
}

/** An incoming webhook's URL path: `POST` posts into its conversation as its bot. */
export function hookPath(token: string): string {
  return `/api/hooks/${encodeURIComponent(token)}`;
}
