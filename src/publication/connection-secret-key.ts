/**
 * The master secret that seals the platform connections' secrets (shared/secret-box.ts):
 * `publication.secretKey` from config; outside production an unset one is generated once and kept in
 * the data folder (shared/local-secret.ts), beside the database but not in it.
 */
import type { AppConfig } from '../shared/config';
import { AppError } from '../shared/errors';
import { resolveLocalSecret } from '../shared/local-secret';

/** The master secret; throws, with a Chinese message the admin can pass on, when production has none set. */
export function resolveConnectionSecretKey(config: Pick<AppConfig, 'publication' | 'dataDir' | 'environment'>): string {
  try {
    return resolveLocalSecret(config, {
      configured: config.publication.secretKey,
      fileName: 'connection-secrets.key',
      missing: {
        code: 'PUBLICATION_SECRET_KEY_MISSING',
        message: 'set publication.secretKey (env PUBLICATION_SECRET_KEY) to store platform connections',
      },
    });
  } catch (error) {
    throw new AppError(
      'PUBLICATION_SECRET_KEY_MISSING',
      '服务器未设置平台密钥的加密密钥（配置项 publication.secretKey，环境变量 PUBLICATION_SECRET_KEY），' +
        '暂不能保存或使用公众号连接，请联系运维人员设置后重试',
      { status: 503, expose: true, cause: error },
    );
  }
}
