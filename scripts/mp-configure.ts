/**
 * npm run mp:configure — copies the appid from miniprogram/app/config.ts (the mini-program's one
 * deployment file) into miniprogram/project.config.json, where WeChat DevTools reads it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deployment } from '../miniprogram/app/config';

const projectFile = path.resolve(__dirname, '../miniprogram/project.config.json');
const project = JSON.parse(fs.readFileSync(projectFile, 'utf8')) as { appid: string };
if (project.appid === deployment.appId) {
  process.stdout.write(`project.config.json already uses appid ${deployment.appId}\n`);
} else {
  project.appid = deployment.appId;
  fs.writeFileSync(projectFile, `${JSON.stringify(project, null, 2)}\n`);
  process.stdout.write(`project.config.json now uses appid ${deployment.appId}\n`);
}
