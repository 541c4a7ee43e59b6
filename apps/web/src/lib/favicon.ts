/**
 * The page's icon, with a count of what waits when there is one, so a tab in the background says it. An icon drawn
 * from a data: URL may not load anything, so the artwork is fetched once and drawn inside the badged icon.
 */
let link: HTMLLinkElement | null | undefined;
let original = '';
let artwork: Promise<string> | undefined;
let shown = 0;

export function showCountInIcon(count: number): void {
  link ??= document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (link === null) return;
  original ||= link.href;
  shown = count;
  if (count === 0) return void (link.href = original);
  artwork ??= fetch(original).then((response) => (response.ok ? response.text() : ''), () => '');
  void artwork.then((svg) => {
    if (link && shown === count && svg !== '') link.href = badged(svg, count);
  });
}

function badged(svg: string, count: number): string {
  const label = count > 99 ? '99+' : String(count);
  const r = label.length > 2 ? 15 : 13;
  const art = svg.replace('<svg ', '<svg width="64" height="64" ');
  const badge =
    `<circle cx="${64 - r}" cy="${r}" r="${r}" fill="#c5221f" stroke="#fff" stroke-width="3"/>` +
    `<text x="${64 - r}" y="${r}" dy=".36em" text-anchor="middle" font-family="system-ui,sans-serif" font-weight="700" ` +
    `font-size="${label.length > 2 ? 14 : 19}" fill="#fff">${label}</text>`;
  return `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${art}${badge}</svg>`)}`;
}
