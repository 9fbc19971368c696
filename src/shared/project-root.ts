import fs from 'node:fs';
import path from 'node:path';

/** The project's root: the nearest folder above this file with a package.json (works from src/ and dist/). */
export function findProjectRoot(): string {
  let directory = __dirname;
  while (!fs.existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) return process.cwd();
    directory = parent;
  }
  return directory;
}
