/**
 * The WeChat runtime the pages call, faked at its edge: wx.request answers from an in-memory API (routes
 * registered per test, every call recorded), wx.login hands out fresh codes, storage is a Map, and
 * navigation, toasts, modals and pull-down refresh are recorded jest mocks.
 */
// miniprogram-simulate defines the global `wx` (and Component) when it loads.
import 'miniprogram-simulate';
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

export type FakeRoute = (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeWx {
  requests: FakeRequest[];
  storage: Map<string, unknown>;
  /** Registers `METHOD /api/v1/path` (`:name` matches one path segment); later routes win. */
  route(pattern: string, answer: FakeRoute | FakeAnswer): void;
  /** Makes wx.request fail with no answer (e.g. 'request:fail timeout'). */
  failNetwork(errMsg: string | null): void;
  /** Which button the next wx.showModal reports as tapped. */
  answerModal(confirm: boolean, content?: string): void;
  /** Downloaded files by their temporary path. */
  files: Map<string, string>;
  mocks: {
    navigateTo: jest.Mock;
    redirectTo: jest.Mock;
    reLaunch: jest.Mock;
    showToast: jest.Mock;
    showModal: jest.Mock;
    stopPullDownRefresh: jest.Mock;
    setClipboardData: jest.Mock;
    openDocument: jest.Mock;
    login: jest.Mock;
  };
}

export const apiBase = 'http://127.0.0.1:3000';

export const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
export const failure = (status: number, code: string, message: string): FakeAnswer => ({
  status,
  body: { error: { code, message } },
});

/** Replaces the parts of `wx` the mini-program uses; call in beforeEach. */
export function installFakeWx(): FakeWx {
  const routes: Array<{ method: string; pattern: RegExp; answer: FakeRoute }> = [];
  const requests: FakeRequest[] = [];
  const storage = new Map<string, unknown>();
  let networkFailure: string | null = null;
  let modalAnswer = { confirm: true, content: '' };
  let loginCount = 0;

  const settle = <T>(value: T) =>
    jest.fn((options?: { success?: (result: T) => void }) => {
      setTimeout(() => options?.success?.(value), 0);
      return Promise.resolve(value);
    });

  const mocks = {
    navigateTo: settle({ errMsg: 'navigateTo:ok' }),
    redirectTo: settle({ errMsg: 'redirectTo:ok' }),
    reLaunch: settle({ errMsg: 'reLaunch:ok' }),
    showToast: settle({ errMsg: 'showToast:ok' }),
    stopPullDownRefresh: settle({ errMsg: 'stopPullDownRefresh:ok' }),
    setClipboardData: settle({ errMsg: 'setClipboardData:ok' }),
    openDocument: settle({ errMsg: 'openDocument:ok' }),
    showModal: jest.fn((options?: { success?: (result: unknown) => void }) => {
      const result = { confirm: modalAnswer.confirm, cancel: !modalAnswer.confirm, content: modalAnswer.content };
      setTimeout(() => options?.success?.(result), 0);
      return Promise.resolve(result);
    }),
    login: jest.fn((options: { success?: (result: { code: string }) => void }) => {
      loginCount += 1;
      const result = { code: `wx-code-${loginCount}`, errMsg: 'login:ok' };
      setTimeout(() => options.success?.(result), 0);
    }),
  };

  const files = new Map<string, string>();

  /** Records the call and answers it from the routes, on a later tick as WeChat does. */
  const call = (
    options: { url: string; method?: string; header?: object; data?: unknown; fail?: (failure: never) => void },
    answered: (answer: FakeAnswer) => void,
  ) => {
    const url = new URL(options.url);
    const header = (options.header ?? {}) as Record<string, string>;
    const recorded: FakeRequest = {
      method: options.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      body: typeof options.data === 'string' ? JSON.parse(options.data) : options.data,
      authorization: header.Authorization,
    };
    requests.push(recorded);
    setTimeout(async () => {
      if (networkFailure) {
        options.fail?.({ errMsg: networkFailure } as never);
        return;
      }
      const route = [...routes]
        .reverse()
        .find((candidate) => candidate.method === recorded.method && candidate.pattern.test(recorded.path));
      answered(
        route
          ? await route.answer(recorded)
          : failure(404, 'NOT_FOUND', `测试没有登记 ${recorded.method} ${recorded.path}`),
      );
    }, 0);
  };

  const request = (options: WechatMiniprogram.RequestOption) => {
    call(options, (answer) =>
      options.success?.({
        statusCode: answer.status,
        data: answer.body,
        header: {},
        cookies: [],
        errMsg: 'request:ok',
      } as never),
    );
    return { abort: () => undefined } as WechatMiniprogram.RequestTask;
  };

  const downloadFile = (options: WechatMiniprogram.DownloadFileOption) => {
    call(options, (answer) => {
      const tempFilePath = `wxfile://tmp/download-${files.size + 1}`;
      files.set(tempFilePath, typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
      options.success?.({ statusCode: answer.status, tempFilePath, errMsg: 'downloadFile:ok' } as never);
    });
    return { abort: () => undefined } as WechatMiniprogram.DownloadTask;
  };

  Object.assign(wx, {
    request,
    downloadFile,
    openDocument: mocks.openDocument,
    getFileSystemManager: () => ({ readFileSync: (filePath: string) => files.get(filePath) ?? '' }),
    login: mocks.login,
    getAccountInfoSync: () => ({
      miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' },
      plugin: {},
    }),
    getWindowInfo: () => ({ pixelRatio: 2, windowWidth: 375, windowHeight: 667, screenWidth: 375, screenHeight: 667 }),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key: string, value: unknown) => storage.set(key, JSON.parse(JSON.stringify(value))),
    removeStorageSync: (key: string) => storage.delete(key),
    navigateTo: mocks.navigateTo,
    redirectTo: mocks.redirectTo,
    reLaunch: mocks.reLaunch,
    showToast: mocks.showToast,
    showModal: mocks.showModal,
    stopPullDownRefresh: mocks.stopPullDownRefresh,
    setClipboardData: mocks.setClipboardData,
  });

  return {
    requests,
    storage,
    files,
    mocks,
    route(pattern, answer) {
      const [method, path] = pattern.split(' ');
      const regex = new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
      routes.push({ method, pattern: regex, answer: typeof answer === 'function' ? answer : () => answer });
    },
    failNetwork(errMsg) {
      networkFailure = errMsg;
    },
    answerModal(confirm, content = '') {
      modalAnswer = { confirm, content };
    },
  };
}
