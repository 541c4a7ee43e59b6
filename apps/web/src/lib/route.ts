import { JOIN_PATH, SIGN_IN_PATH } from '@hearth/protocol';

/**
 * The app's pages: joining through an invite, signing this device in through a sign-in link, or everything else (the
 * chat, or the page asking for an invite).
 */
export type Route = { page: 'join'; code: string } | { page: 'signin'; code: string } | { page: 'home' };

export function currentRoute(path = location.pathname): Route {
  for (const [prefix, page] of [
    [JOIN_PATH, 'join'],
    [SIGN_IN_PATH, 'signin'],
  ] as const) {
    if (!path.startsWith(prefix)) continue;
    const code = decode(path.slice(prefix.length)).replace(/\/+$/, '');
    if (code !== '') return { page, code };
  }
  return { page: 'home' };
}

/** Leaves the join or sign-in page for the chat without a reload, so the code does not stay in the address bar. */
export function goHome(): void {
  history.replaceState(null, '', '/');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
