import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function modelFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return modelFiles(full);
    return entry.name.endsWith('-model.ts') ? [full] : [];
  });
}

describe('src/models.ts', () => {
  // The indexes created at start and the query tools (npm run db:queries) know only the models it loads.
  test('when a feature has a model file, then src/models.ts loads it', () => {
    const models = fs.readFileSync(path.join(root, 'src', 'models.ts'), 'utf8');
    const missing = modelFiles(path.join(root, 'src'))
      .map((file) => `./${path.relative(path.join(root, 'src'), file).replace(/\.ts$/, '')}`)
      .filter((specifier) => !models.includes(`import '${specifier}';`));
    expect(missing).toEqual([]);
  });
});
