import { thumbHashToDataURL } from 'thumbhash';

/** A picture's blurred likeness, drawn from its ThumbHash while the thumbnail loads; none from a broken one. */
export function placeholderUrl(hash: string | undefined): string | undefined {
  if (hash === undefined) return undefined;
  try {
    return thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
