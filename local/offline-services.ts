// A command that reads the stack's data (`sibao digest`, `export`, `redrive`) when no `sibao start`
// runs on the data directory: dynalite is started on the directory's own store (and a temporary SES
// emulator beside it), under the directory's lock for the command's duration, so no stack can start
// on it meanwhile. One definition of the checks and messages these commands share.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.js';
import { acquireDataDirLock, DataDirLockedError } from './lock.js';
import { startServices } from './services.js';

/** Start the data directory's own services; what to stop (and the lock to release) goes to `cleanups`. */
export async function openOfflineServices(dataDir: string, cleanups: Array<() => unknown>): Promise<{ dynamoEndpoint: string; sesEndpoint: string }> {
  if (!existsSync(dataDir)) {
    throw new UsageError(`数据目录 ${dataDir} 不存在：请先运行 npm start（或 sibao start --data ${dataDir}）载入数据，或用 --data 指定数据目录`, 'no_data');
  }
  if (!existsSync(join(dataDir, 'dynamodb'))) {
    throw new UsageError(`数据目录 ${dataDir} 中没有本机数据库：请先运行 npm start（或 sibao start --data ${dataDir}）载入数据`, 'no_data');
  }
  try {
    const lock = acquireDataDirLock(dataDir);
    cleanups.push(() => lock.release());
  } catch (err) {
    if (err instanceof DataDirLockedError) throw new UsageError(err.message, err.code);
    throw err;
  }
  const services = await startServices({ dataDir, memory: false, sesPort: 0 });
  cleanups.push(() => services.stop());
  return { dynamoEndpoint: services.dynamoEndpoint, sesEndpoint: services.sesEndpoint };
}
