/**
 * The mini-program opens in WeChat DevTools only if its files agree: every page and component has its
 * four files, every usingComponents path exists, the appid matches the one deployment config, and no
 * inline style uses rpx (the preview could not convert it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { deployment } from '../../miniprogram/app/config';
import { appRoot } from './support/render';

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const appJson = readJson(path.join(appRoot, 'app.json')) as { pages: string[] };
const components = fs.readdirSync(path.join(appRoot, 'components')).map((name) => `components/${name}/${name}`);

describe('mini-program project files', () => {
  test.each([...appJson.pages, ...components])(
    'when %s is loaded, then its .ts, .json, .wxml and .wxss exist',
    (modulePath) => {
      for (const extension of ['ts', 'json', 'wxml', 'wxss']) {
        expect(fs.existsSync(path.join(appRoot, `${modulePath}.${extension}`))).toBe(true);
      }
      const json = readJson(path.join(appRoot, `${modulePath}.json`)) as { usingComponents?: Record<string, string> };
      for (const used of Object.values(json.usingComponents ?? {})) {
        const target = used.startsWith('/')
          ? path.join(appRoot, used)
          : path.join(appRoot, path.dirname(modulePath), used);
        expect(fs.existsSync(`${target}.json`)).toBe(true);
      }
      expect(fs.readFileSync(path.join(appRoot, `${modulePath}.wxml`), 'utf8')).not.toMatch(/style="[^"]*rpx/);
    },
  );

  test('when DevTools opens the project, then its appid is the one in app/config.ts and TypeScript is compiled', () => {
    const project = readJson(path.join(appRoot, '../project.config.json'));
    expect(project.appid).toBe(deployment.appId);
    expect(project.miniprogramRoot).toBe('app/');
    expect(project.setting.useCompilerPlugins).toEqual(['typescript']);
  });

  test('when a version is released, then every environment has an https API base URL except develop', () => {
    expect(deployment.apiBaseUrls.trial).toMatch(/^https:\/\//);
    expect(deployment.apiBaseUrls.release).toMatch(/^https:\/\//);
  });
});
