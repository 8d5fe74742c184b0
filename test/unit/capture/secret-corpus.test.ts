// The secrets corpus (test/fixtures/secrets) through the real capture worker and an on-disk
// store: each known credential format is refused whole, never stored nor recallable, and the skip
// (returned to the caller and logged) names the kind and line, never the value. Ordinary code,
// this repository's own included, is never flagged.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureWorker } from '../../../src/daemon/capture/capture-worker';
import { findSecret } from '../../../src/daemon/capture/secrets';
import { ManualClock } from '../../../src/shared/clock';
import { memoryLogger } from '../../../src/shared/logger';
import { defaultSettings } from '../../../src/shared/settings';
import { type SecretSample, cleanSamples, repositoryCorpus, secretCorpus } from '../../fixtures/secrets/corpus';
import { type MemoryDb, openMemoryDb } from '../recall/memory-db';

const corpus = secretCorpus();
const families = [...new Set(corpus.map((s) => s.family))];

describe('secrets corpus', () => {
  let m: MemoryDb;
  let log: ReturnType<typeof memoryLogger>;
  let worker: CaptureWorker;

  beforeEach(() => {
    m = openMemoryDb();
    log = memoryLogger();
    worker = new CaptureWorker({ store: m.store, clock: new ManualClock(), log, settings: defaultSettings });
  });
  afterEach(() => m.close());

  const storedRows = () => m.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM memories').get()!.n;

  /** Saves the sample as a file, then as a selection and a text note: none may be stored, nothing may echo it. */
  async function expectRefused(sample: SecretSample): Promise<void> {
    const path = join('/p/project', sample.file);
    const outcomes = [
      await worker.handle({ type: 'file', path, content: sample.content }),
      await worker.handle({ type: 'selection', path, text: sample.content }),
      await worker.handle({ type: 'text', text: sample.content }),
    ];
    for (const outcome of outcomes) {
      expect(outcome, sample.format).toMatchObject({ stored: false, reason: 'secret' });
      expect(JSON.stringify(outcome), sample.format).not.toContain(sample.secret);
    }
    expect(log.lines.join('\n'), sample.format).not.toContain(sample.secret);
  }

  it('a postgres URL with a password is never stored', async () => {
    const sample = corpus.find((s) => s.format === 'postgres-url')!;
    await expectRefused(sample);
    expect(storedRows()).toBe(0);
    expect(findSecret(sample.content)).toEqual({ kind: 'url-with-password', line: 3 });
  });

  it('a Twilio API key is never stored', async () => {
    await expectRefused(corpus.find((s) => s.format === 'twilio-api-key')!);
    expect(storedRows()).toBe(0);
  });

  it.each(families)('%s are never stored', async (family) => {
    for (const sample of corpus.filter((s) => s.family === family)) await expectRefused(sample);
    expect(storedRows()).toBe(0);
  });

  it('the corpus covers at least 16 formats, each found by the scanner', () => {
    const formats = new Set(corpus.map((s) => s.format));
    expect(formats.size).toBeGreaterThanOrEqual(16);
    expect(corpus.filter((s) => findSecret(s.content) === null).map((s) => s.format)).toEqual([]);
  });

  it('ordinary code is not flagged: this repository and look-alikes of secrets', async () => {
    const clean = [...cleanSamples(), ...repositoryCorpus(join(__dirname, '../../..'))];
    const flagged = clean.map((s) => ({ file: s.file, finding: findSecret(s.content) })).filter((s) => s.finding !== null);
    expect(flagged).toEqual([]);
    const sample = cleanSamples()[0]!;
    expect(await worker.handle({ type: 'file', path: `/p/${sample.file}`, content: sample.content })).toMatchObject({ stored: true });
  });

  it('placeholders in URLs are not passwords: templates, the user name repeated, stand-in words', () => {
    for (const url of ['postgres://app:${DB_PASSWORD}@db/app', 'postgres://postgres:postgres@localhost/test', 'mysql://user:password@localhost/db', 'redis://:<password>@cache:6379', 'https://host:8080/a@b']) {
      expect(findSecret(`const url = '${url}';`), url).toBeNull();
    }
    expect(findSecret("const url = 'https://deploy:Zq81fKx0pL@git.internal/repo.git';")).toEqual({ kind: 'url-with-password', line: 1 });
  });
});
