import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, killChild } from './processes';
import { askRedis, redisServerArgs } from './redis-nodes';
import { eventually } from './server';

/** A three-master Redis Cluster (no replicas) of local `redis-server`s in a temp dir. */
export interface RedisClusterSet {
  /** `host:port,…` of the nodes, as `JOBSERVER_REDIS_CLUSTER_NODES` takes them. */
  readonly nodes: string;
  readonly ports: readonly number[];
  /** Stops the nodes and removes the temp dir. */
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisClusterSet> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobserver-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports = [await freePort(), await freePort(), await freePort()];
  const stop = async () => {
    await Promise.all(children.map((child) => killChild(child, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const data = path.join(dir, String(port));
      mkdirSync(data);
      const args = [
        ...redisServerArgs(port, data),
        '--cluster-port',
        String(await freePort()),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(data, 'nodes.conf'),
      ];
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    await eventually(
      async () => ((await Promise.all(ports.map(ping))).every(Boolean) ? true : undefined),
      10_000,
    );
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await eventually(async () => {
      const states = await Promise.all(
        ports.map((port) => askRedis(port, (r) => r.cluster('INFO') as Promise<string>)),
      );
      return states.every((info) => info?.includes('cluster_state:ok')) ? true : undefined;
    }, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => `127.0.0.1:${port}`).join(','), ports, stop };
}

const ping = (port: number) => askRedis(port, (r) => r.ping());
