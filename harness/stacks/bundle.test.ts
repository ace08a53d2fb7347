/** The harness's own workers get the workflow bundle without its source map, the code unchanged. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withoutSourceMap } from './bundle';

test('the inline source map is replaced by an empty one, once, beside the bundle', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bundle-'));
  try {
    const map = Buffer.from(JSON.stringify({ version: 3, sources: ['workflows.ts'], names: [], mappings: 'AAAA' })).toString('base64');
    const code = 'var __TEMPORAL__;\nexports.greetingWorkflow = () => "hi";\n';
    const bundle = path.join(dir, 'workflows-1234.js');
    await writeFile(bundle, `${code}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}`);

    const stripped = await withoutSourceMap(bundle);
    expect(stripped).toBe(path.join(dir, 'workflows-1234-no-source-map.js'));
    const [body, url] = (await readFile(stripped, 'utf8')).split('//# sourceMappingURL=data:application/json;base64,');
    expect(body).toBe(code);
    expect(JSON.parse(Buffer.from(url.trim(), 'base64').toString())).toEqual({ version: 3, sources: [], names: [], mappings: '' });
    expect(await withoutSourceMap(bundle)).toBe(stripped);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("asked many times at once, as a run's workers ask, it writes the file once", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bundle-'));
  try {
    const bundle = path.join(dir, 'workflows-5678.js');
    await writeFile(bundle, `var x;\n//# sourceMappingURL=data:application/json;base64,${Buffer.from('{}').toString('base64')}`);
    const paths = await Promise.all(Array.from({ length: 23 }, () => withoutSourceMap(bundle)));
    expect(new Set(paths)).toEqual(new Set([path.join(dir, 'workflows-5678-no-source-map.js')]));
    expect((await readdir(dir)).sort()).toEqual(['workflows-5678-no-source-map.js', 'workflows-5678.js']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
