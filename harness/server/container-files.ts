/**
 * Files in a running container, through the Docker API's archive endpoints: the server image is
 * FROM scratch, so there is no shell to exec. Contents stay in memory; nothing is printed.
 */
import type Dockerode from 'dockerode';
import { extract, pack } from 'tar-stream';

/** A file's content with the owner and mode it has (or is to have) in the container. */
export interface ContainerFile {
  name: string;
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

/** The file at `dir/name` in the container. */
export async function readContainerFile(container: Dockerode.Container, dir: string, name: string): Promise<ContainerFile> {
  const archive = (await container.getArchive({ path: `${dir}/${name}` })) as NodeJS.ReadableStream & AsyncIterable<Buffer>;
  const reading = extract();
  const found = new Promise<ContainerFile>((resolve, reject) => {
    let file: ContainerFile | undefined;
    reading.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.name === name) {
          file = { name, content: Buffer.concat(chunks), mode: header.mode ?? 0o644, uid: header.uid ?? 0, gid: header.gid ?? 0 };
        }
        next();
      });
      stream.resume();
    });
    reading.on('finish', () => (file ? resolve(file) : reject(new Error(`the container's archive of ${dir}/${name} holds no such file`))));
    reading.on('error', reject);
  });
  reading.end(await collect(archive));
  return found;
}

/** Write `files` into `dir` of the container in one archive, each with its owner and mode. */
export async function writeContainerFiles(container: Dockerode.Container, dir: string, files: ContainerFile[]): Promise<void> {
  const archive = pack();
  for (const { name, content, mode, uid, gid } of files) archive.entry({ name, mode, uid, gid }, content);
  archive.finalize();
  await container.putArchive(await collect(archive), { path: dir });
}

/** A whole (small) archive in memory: tar-stream's streams are streamx ones, Docker's are Node's. */
async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
