/**
 * Resources a run leaves on the machine outside Docker: its folders (minted PKIs, keys included)
 * and host processes (proxies). Each process keeps a small record of what it owns in the cache,
 * written before the resource is created, so that even a kill -9 leaves a trail: the next run
 * finds records whose owner is gone and removes what they name. A live run's record is never
 * touched, so two runs at once never sweep each other.
 *
 * An owner is a pid together with its start time: a pid alone can be reused by an unrelated
 * process after the owner died, and that process must not keep a dead run's leftovers alive.
 */
import { readFileSync, readdirSync, renameSync, rmSync, rmdirSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir } from './cache';
import { processAlive } from './process-alive';

export interface Owner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat); null where unknown. */
  startTicks: number | null;
}

/** What a record can hold: a folder removed with its contents, a folder removed if empty, a process. */
export type OwnedResource =
  | { kind: 'tree'; path: string }
  | { kind: 'empty-dir'; path: string }
  | { kind: 'contents'; path: string }
  | { kind: 'process'; pid: number; startTicks: number | null };

interface OwnerRecord {
  owner: Owner;
  resources: OwnedResource[];
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so count from its ')'. */
export function startTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[22 - 3]);
  } catch {
    return null;
  }
}

export function ownerOf(pid: number): Owner {
  return { pid, startTicks: startTicksOf(pid) };
}

/** True while the process that `owner` names is still the one running under its pid. */
export function ownerAlive(owner: Owner): boolean {
  if (!processAlive(owner.pid)) return false;
  if (owner.startTicks === null) return true;
  const now = startTicksOf(owner.pid);
  return now === null || now === owner.startTicks;
}

const recordsDir = () => path.join(cacheDir(), 'owners');
const recordFile = (owner: Owner) => path.join(recordsDir(), `${owner.pid}-${owner.startTicks ?? 'x'}.json`);

let self: Owner | undefined;
/** This process as an owner; computed once. */
export function selfOwner(): Owner {
  self ??= ownerOf(process.pid);
  return self;
}

let mine: OwnerRecord | undefined;

/** Written synchronously and atomically: a kill can land at any moment. */
function saveMine(): void {
  const file = recordFile(selfOwner());
  if (!mine || mine.resources.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(recordsDir(), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(mine));
  renameSync(`${file}.tmp`, file);
}

function remember(resource: OwnedResource): void {
  mine ??= { owner: selfOwner(), resources: [] };
  mine.resources.push(resource);
  saveMine();
}

function forget(resource: OwnedResource): void {
  if (!mine) return;
  mine.resources = mine.resources.filter((held) => held !== resource);
  saveMine();
}

/** Remove one resource; false when it has to stay for now (a shared folder another run still uses). */
function release(resource: OwnedResource): boolean {
  switch (resource.kind) {
    case 'tree':
      rmSync(resource.path, { recursive: true, force: true });
      return true;
    case 'contents':
      for (const entry of readdirSync(resource.path, { withFileTypes: true }).map((e) => e.name)) {
        rmSync(path.join(resource.path, entry), { recursive: true, force: true });
      }
      return true;
    case 'empty-dir':
      try {
        rmdirSync(resource.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
        if (code !== 'ENOENT') throw error;
      }
      return true;
    case 'process':
      if (ownerAlive({ pid: resource.pid, startTicks: resource.startTicks })) {
        try {
          process.kill(resource.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      return true;
  }
}

/** Release in order; a resource that must stay is kept in the record, for a later sweep. */
function releaseAll(resources: OwnedResource[]): OwnedResource[] {
  return resources.filter((resource) => {
    try {
      return !release(resource);
    } catch {
      return true;
    }
  });
}

/**
 * Claim and create a folder (mode 0700: it is for keys): the folder, and each missing parent up
 * to the first existing one, so that nothing empty stays behind. A folder that already exists is
 * claimed for its contents only. Returns the release, which removes them.
 *
 * Claimed before it is created, so a kill in between leaves a record rather than a folder; and
 * created here rather than later, so a sweep cannot remove a shared parent (an ended run's
 * certs/) in between and have it re-created unclaimed.
 */
export function claimFolder(dir: string): () => void {
  const absolute = path.resolve(dir);
  const claimed: OwnedResource[] = [];
  const claim = (resource: OwnedResource) => {
    claimed.push(resource);
    remember(resource);
  };
  if (existsSync(absolute)) {
    claim({ kind: 'contents', path: absolute });
  } else {
    claim({ kind: 'tree', path: absolute });
    for (let parent = path.dirname(absolute); !existsSync(parent) && parent !== path.dirname(parent); parent = path.dirname(parent)) {
      claim({ kind: 'empty-dir', path: parent });
    }
    const firstCreated = mkdirSync(absolute, { recursive: true, mode: 0o700 });
    // A parent that existed when checked can have been swept since: then it was created here too.
    for (let parent = path.dirname(absolute); firstCreated && parent.length >= firstCreated.length; parent = path.dirname(parent)) {
      if (!claimed.some((held) => 'path' in held && held.path === parent)) claim({ kind: 'empty-dir', path: parent });
    }
  }
  return () => {
    const kept = releaseAll(claimed);
    for (const resource of claimed) if (!kept.includes(resource)) forget(resource);
  };
}

/**
 * Claim a host process this one started (a proxy): a later run kills it if this one died without
 * stopping it. Returns the release, to call once the process is stopped.
 */
export function claimProcess(pid: number): () => void {
  const resource: OwnedResource = { kind: 'process', ...ownerOf(pid) };
  remember(resource);
  return () => forget(resource);
}

/** Records of owners that are gone: remove what they name. Returns how many resources were removed. */
export function sweepDeadOwners(): number {
  let entries: string[];
  try {
    entries = readdirSync(recordsDir()).filter((name) => name.endsWith('.json'));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of entries) {
    const file = path.join(recordsDir(), name);
    let record: OwnerRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // another sweeper took it, or it is being written
    }
    if (ownerAlive(record.owner)) continue;
    const kept = releaseAll(record.resources);
    removed += record.resources.length - kept.length;
    if (kept.length === 0) rmSync(file, { force: true });
    else writeFileSync(file, JSON.stringify({ ...record, resources: kept }));
  }
  return removed;
}
