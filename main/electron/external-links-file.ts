// Loads the operator's external-links.json from the data folder (see external-links.ts).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  appDocsPrefixes,
  externalLinksFileName,
  type LinkAllowList,
  maxExternalLinksFileBytes,
  parseLinkAllowList,
} from './external-links.ts';

/** The app's docs plus the operator's prefixes; a missing file is no problem, anything odd is. */
export async function loadLinkAllowList(dataDir: string): Promise<LinkAllowList> {
  const file = join(dataDir, externalLinksFileName);
  const docsOnly = (problem?: string): LinkAllowList => ({
    prefixes: [...appDocsPrefixes],
    problems: problem ? [problem] : [],
  });
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? docsOnly() : docsOnly(`${file} cannot be read: ${code ?? String(err)}`);
  }
  // A FIFO or device would block or never end; a huge file is not a list of links.
  if (!info.isFile()) return docsOnly(`${file} is not a regular file; ignored`);
  if (info.size > maxExternalLinksFileBytes) {
    return docsOnly(`${file} is larger than ${maxExternalLinksFileBytes} bytes; ignored`);
  }
  try {
    const parsed = parseLinkAllowList(await readFile(file, 'utf8'));
    return { prefixes: [...appDocsPrefixes, ...parsed.prefixes], problems: parsed.problems };
  } catch (err) {
    return docsOnly(`${file} cannot be read: ${(err as Error).message}`);
  }
}
