import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** The key pair that signs and verifies dev tokens. */
export interface DevSigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export const devSigningKeyAlgorithm = 'ES256';
const fileName = 'dev-auth-key.json';

/**
 * Loads the dev-auth signing key from `<dataDirectory>/dev-auth-key.json`, generating it on first
 * use. The key outlives restarts, so dev tokens stay valid while the server is restarted, and it is
 * private to the developer's account (mode 0600) because anyone holding it can mint admin tokens.
 * The file is created exclusively, so two processes starting together end up with one key.
 */
export async function loadDevSigningKey(dataDirectory: string): Promise<DevSigningKey> {
  const filePath = path.join(dataDirectory, fileName);
  await mkdir(dataDirectory, { recursive: true });
  const existing = await readKeyFile(filePath);
  if (existing !== null) return existing;

  const generated = await generateKeyPair(devSigningKeyAlgorithm, { extractable: true });
  const privateJwk = { ...(await exportJWK(generated.privateKey)), alg: devSigningKeyAlgorithm };
  try {
    await writeFile(filePath, JSON.stringify(privateJwk) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created the file between our read and our write: use its key.
    if (isFileExistsError(error)) return (await readKeyFile(filePath))!;
    throw error;
  }
  return { privateKey: generated.privateKey, publicKey: generated.publicKey };
}

async function readKeyFile(filePath: string): Promise<DevSigningKey | null> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return null;
    throw error;
  }
  // A key that others can read could have been copied: tighten it rather than trust it silently.
  if (((await stat(filePath)).mode & 0o077) !== 0) await chmod(filePath, 0o600);
  const privateJwk = JSON.parse(text) as JWK;
  const { d: _privateComponent, ...publicJwk } = privateJwk;
  return {
    privateKey: (await importJWK(privateJwk, devSigningKeyAlgorithm)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, devSigningKeyAlgorithm)) as CryptoKey,
  };
}

function isFileExistsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST';
}
