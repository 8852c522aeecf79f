import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginManifest } from '@nomaflow/contracts';

export interface PluginPackage {
  dir: string;
  name: string;
  version: string;
  main: string | undefined;
  manifest: PluginManifest;
}

async function readPackageJson(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Plugin package folders under each dir: the dir itself when its package.json has a "nomaflow" key,
 * else its children (and `@scope/*` grandchildren, so a node_modules folder works too).
 */
export async function findPluginPackages(dirs: readonly string[]): Promise<PluginPackage[]> {
  const found: PluginPackage[] = [];
  const consider = async (dir: string) => {
    const pkg = await readPackageJson(dir);
    if (!pkg || typeof pkg.nomaflow !== 'object' || pkg.nomaflow === null) return false;
    found.push({
      dir,
      name: typeof pkg.name === 'string' ? pkg.name : dir,
      version: typeof pkg.version === 'string' ? pkg.version : '',
      main: typeof pkg.main === 'string' ? pkg.main : undefined,
      manifest: pkg.nomaflow as PluginManifest,
    });
    return true;
  };
  for (const dir of dirs) {
    if (!(await isDirectory(dir)) || (await consider(dir))) continue;
    for (const entry of (await readdir(dir)).sort()) {
      const child = join(dir, entry);
      if (!(await isDirectory(child))) continue;
      if (entry.startsWith('@')) {
        for (const scoped of (await readdir(child)).sort()) await consider(join(child, scoped));
      } else {
        await consider(child);
      }
    }
  }
  return found;
}
