import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, killChild } from './processes';
import { askRedis, redisServerArgs } from './redis-nodes';
import { eventually } from './server';

/** Whether Debian's `redis-sentinel` (and `redis-server`) can be run here. */
export function sentinelInstalled(): boolean {
  return ['redis-sentinel', 'redis-server'].every(
    (bin) => spawnSync(bin, ['--version']).status === 0,
  );
}

/** Three redis-servers (a master, two replicas) watched by three sentinels (quorum 2), in a temp dir. */
export interface SentinelSet {
  readonly masterName: string;
  /** `host:port,…` of the sentinels, as `JOBSERVER_REDIS_SENTINELS` takes them. */
  readonly sentinels: string;
  /** Where the servers' and sentinels' files and logs are. */
  readonly dir: string;
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  /** SIGKILLs the master; resolves with its port once it has exited. */
  killMaster(): Promise<number>;
  /** Resolves with the new master's port once the sentinels name another master than `oldPort`. */
  failedOver(oldPort: number, timeoutMs?: number): Promise<number>;
  /** Stops every process and removes the temp dir. */
  stop(): Promise<void>;
}

const MASTER_NAME = 'mymaster';

/** @param sentinelPorts where the three sentinels listen @defaultValue three free ports */
export async function startSentinelSet(sentinelPorts?: readonly number[]): Promise<SentinelSet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-sentinel-'));
  const children: ChildProcess[] = [];
  const servers = new Map<number, ChildProcess>();
  const start = (args: string[]) => {
    const child = spawn(args[0]!, args.slice(1), { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const serverPorts = [await freePort(), await freePort(), await freePort()];
  const [masterPort] = serverPorts as [number, number, number];
  for (const port of serverPorts) {
    const data = path.join(dir, `redis-${port}`);
    mkdirSync(data);
    const args = [
      'redis-server',
      ...redisServerArgs(port, data),
      '--repl-diskless-sync',
      'yes',
      '--repl-diskless-sync-delay',
      '0',
    ];
    if (port !== masterPort) args.push('--replicaof', '127.0.0.1', String(masterPort));
    servers.set(port, start(args));
  }
  sentinelPorts ??= [await freePort(), await freePort(), await freePort()];
  for (const port of sentinelPorts) {
    const conf = path.join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `logfile ${path.join(dir, `sentinel-${port}.log`)}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 3000`,
        `sentinel parallel-syncs ${MASTER_NAME} 2`,
        '',
      ].join('\n'),
    );
    start(['redis-sentinel', conf]);
  }
  const sentinelMaster = async (): Promise<number | undefined> => {
    for (const port of sentinelPorts!) {
      const address = await askRedis(
        port,
        (r) =>
          r.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME) as Promise<string[] | null>,
      );
      if (address) return Number(address[1]);
    }
    return undefined;
  };
  const set: SentinelSet = {
    masterName: MASTER_NAME,
    sentinels: sentinelPorts!.map((port) => `127.0.0.1:${port}`).join(','),
    dir,
    masterPort: async () =>
      (await sentinelMaster()) ?? Promise.reject(new Error('no sentinel answers')),
    async killMaster() {
      const port = await set.masterPort();
      await killChild(servers.get(port)!, 'SIGKILL');
      return port;
    },
    failedOver: (oldPort, timeoutMs = 30_000) =>
      eventually(async () => {
        const port = await sentinelMaster();
        return port !== undefined && port !== oldPort ? port : undefined;
      }, timeoutMs),
    async stop() {
      await Promise.all(children.map((child) => killChild(child, 'SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // Both replicas in sync, and every sentinel knows them and the two other sentinels.
    await eventually(async () => {
      const info = await askRedis(masterPort, (r) => r.info('replication'));
      return info && (info.match(/state=online/g) ?? []).length === 2 ? true : undefined;
    }, 20_000);
    await eventually(async () => {
      for (const port of sentinelPorts!) {
        const fields = await askRedis(
          port,
          (r) => r.call('SENTINEL', 'master', MASTER_NAME) as Promise<string[]>,
        );
        const value = (name: string) => (fields ? fields[fields.indexOf(name) + 1] : undefined);
        if (value('num-slaves') !== '2' || value('num-other-sentinels') !== '2') return undefined;
      }
      return true;
    }, 20_000);
  } catch (error) {
    await set.stop();
    throw error;
  }
  return set;
}
