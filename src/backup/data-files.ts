import { chmod, copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Copies a folder tree, keeping each file's mode (the JWT secret stays owner-only), and skipping
 * what `skip` names by path relative to `from`. Returns how many files were copied.
 */
export async function copyTree(
  from: string,
  to: string,
  skip: (path: string) => boolean = () => false,
): Promise<number> {
  let copied = 0;
  const walk = async (folder: string): Promise<void> => {
    const target = join(to, relative(from, folder));
    await mkdir(target, { recursive: true, mode: 0o700 });
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const source = join(folder, entry.name);
      if (skip(relative(from, source))) continue;
      if (entry.isDirectory()) {
        await walk(source);
      } else if (entry.isFile()) {
        const destination = join(target, entry.name);
        await copyFile(source, destination);
        await chmod(destination, (await stat(source)).mode & 0o777);
        copied += 1;
      }
    }
  };
  await walk(from);
  return copied;
}

/** True when the folder is absent or holds nothing. */
export async function isEmptyFolder(folder: string): Promise<boolean> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.length === 0;
}
