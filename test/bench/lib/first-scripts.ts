// The scripts a page needs before its first screen: its module entry and the chunks the build
// preloads for it (`<link rel="modulepreload">`), as named in the built index.html. Lazy chunks
// are not among them: they load after.

export function firstScriptsOf(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const isEntry = /^<script\b/.test(tag) && /\btype="module"/.test(tag);
    const isPreload = /^<link\b/.test(tag) && /\brel="modulepreload"/.test(tag);
    const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if ((isEntry || isPreload) && url) found.push(url);
  }
  return found;
}
