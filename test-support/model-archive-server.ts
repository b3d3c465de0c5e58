import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A tiny sherpa-onnx-like model folder packed with the system `tar cjf`, as the releases are. */
export interface ModelArchiveFixture {
  root: string;
  archiveRoot: string;
  files: Record<string, string>;
  archive: Buffer;
  sha256: string;
  cleanup(): void;
}

export function buildModelArchive(archiveRoot = 'tiny-model-2024-01-01'): ModelArchiveFixture {
  const root = mkdtempSync(path.join(tmpdir(), 'earshot-archive-'));
  const dir = path.join(root, archiveRoot);
  mkdirSync(path.join(dir, 'test_wavs'), { recursive: true });
  // Random bytes so bzip2 cannot shrink the archive: the body must be long enough to be cut mid-transfer.
  const noise = randomBytes(400_000);
  const files: Record<string, string> = {
    model: 'model.onnx',
    tokens: 'tokens.txt',
  };
  writeFileSync(path.join(dir, 'model.onnx'), noise);
  writeFileSync(path.join(dir, 'tokens.txt'), '<blk> 0\na 1\nb 2\n');
  writeFileSync(path.join(dir, 'test_wavs', 'trans.txt'), 'a b\n');
  execFileSync('tar', ['cjf', path.join(root, 'model.tar.bz2'), '-C', root, archiveRoot]);
  const archive = readFileSync(path.join(root, 'model.tar.bz2'));
  return {
    root,
    archiveRoot,
    files,
    archive,
    sha256: createHash('sha256').update(archive).digest('hex'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * A models/catalog.json entry for the fixture archive served at `url` (a download, not bundled);
 * `over` changes single fields, e.g. a wrong size or a bundled model.
 */
export function fixtureCatalogEntry(
  fixture: ModelArchiveFixture,
  url: string | null,
  sha256: string | null,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: 'tiny',
    title: 'Tiny',
    family: 'nemo-ctc',
    engine_support: 'supported',
    languages: ['en'],
    bundled: false,
    path: null,
    url,
    size_bytes: fixture.archive.length,
    size_approx: false,
    sha256,
    sha256_source: sha256 ? 'the test fixture' : null,
    archive_root: fixture.archiveRoot,
    files: fixture.files,
    license: 'MIT',
    notes: 'test',
    ...over,
  };
}

export interface ServedRequest {
  path: string;
  range: string | undefined;
}

/** How the server misbehaves; change it between requests. */
export interface ServerBehaviour {
  /** Send 206 for `Range: bytes=N-` (else ignore Range and send 200 with everything). */
  honourRange: boolean;
  /** Destroy the socket after this many body bytes, for the next `cutRequests` requests. */
  cutAfterBytes: number | null;
  cutRequests: number;
  /** Flip one byte of the body (a corrupted mirror). */
  corrupt: boolean;
  /** Send this many body bytes, then hold the response open (a stalled mirror); null: never. */
  stallAfterBytes?: number | null;
}

export interface ArchiveServer {
  /** URL of the archive behind one redirect, as GitHub release URLs are. */
  url: string;
  /** URL of the archive itself. */
  directUrl: string;
  requests: ServedRequest[];
  behaviour: ServerBehaviour;
  stop(): Promise<void>;
}

/** node:http on 127.0.0.1 serving one archive at /files/model.tar.bz2 and a redirect at /download/model.tar.bz2. */
export async function startArchiveServer(body: Buffer): Promise<ArchiveServer> {
  const requests: ServedRequest[] = [];
  const behaviour: ServerBehaviour = { honourRange: true, cutAfterBytes: null, cutRequests: 0, corrupt: false };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push({ path: url, range: req.headers.range });
    if (url === '/download/model.tar.bz2') {
      res.writeHead(302, { location: '/files/model.tar.bz2' }).end();
      return;
    }
    if (url !== '/files/model.tar.bz2') {
      res.writeHead(404).end('not found');
      return;
    }
    let data = body;
    if (behaviour.corrupt) {
      data = Buffer.from(body);
      data[data.length >> 1] ^= 0xff;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && behaviour.honourRange) {
      start = Number(m[1]);
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
    } else {
      res.writeHead(200, { 'content-length': data.length });
    }
    const rest = data.subarray(start);
    if (behaviour.stallAfterBytes != null) {
      res.write(rest.subarray(0, behaviour.stallAfterBytes));
      return;
    }
    if (behaviour.cutAfterBytes !== null && behaviour.cutRequests > 0) {
      behaviour.cutRequests--;
      res.write(rest.subarray(0, behaviour.cutAfterBytes), () => {
        // Let the bytes reach the client, then drop the connection mid-body.
        setImmediate(() => res.socket?.destroy());
      });
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/download/model.tar.bz2`,
    directUrl: `${base}/files/model.tar.bz2`,
    requests,
    behaviour,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
