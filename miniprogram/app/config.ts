/**
 * The mini-program's one deployment file: its appid and the API base URL for each WeChat environment.
 * `npm run mp:configure` copies `appId` into project.config.json (WeChat DevTools reads it there); a test
 * fails when the two disagree. Base URLs must be listed as 合法域名 (request) in the WeChat admin console.
 */
export type EnvVersion = 'develop' | 'trial' | 'release';

export const deployment = {
  /** 'touristappid' opens DevTools in tourist mode; replace with the unit's own appid before uploading. */
  appId: 'touristappid',
  apiBaseUrls: {
    develop: 'http://127.0.0.1:3000',
    trial: 'https://shenfa-trial.example.gov.cn',
    release: 'https://shenfa.example.gov.cn',
  } satisfies Record<EnvVersion, string>,
  requestTimeoutMs: 15000,
} as const;
