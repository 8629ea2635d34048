import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';

/** Every package a built JavaScript folder imports or requires (no relative paths, no built-ins). */
export function importedPackages(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'.\s/][^"'\s]*)["']/g;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(m|c)?js$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    for (const m of readFileSync(file, 'utf8').matchAll(pattern)) {
      const specifier = m[1] as string;
      if (isBuiltin(specifier)) continue;
      const parts = specifier.split('/');
      const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
      found.set(name, [...(found.get(name) ?? []), file]);
    }
  }
  return found;
}
