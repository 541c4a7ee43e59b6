import { JOIN_PATH } from '@hearth/protocol';

/** The app's pages: joining through an invite, or everything else (the chat, or the page asking for an invite). */
export type Route = { page: 'join'; code: string } | { page: 'home' };

export function currentRoute(path = location.pathname): Route {
  if (path.startsWith(JOIN_PATH)) {
    const code = decode(path.slice(JOIN_PATH.length)).replace(/\/+$/, '');
    if (code !== '') return { page: 'join', code };
  }
  return { page: 'home' };
}

/** Leaves the join page for the chat without a reload, so the invite code does not stay in the address bar. */
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
