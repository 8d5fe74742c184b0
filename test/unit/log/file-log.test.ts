import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileLogSink } from '../../../src/daemon/log/file-log';

const descriptors = () => readdirSync('/proc/self/fd').length;

// /dev/full refuses every write with ENOSPC: a real full disk, for one file.
describe.skipIf(!existsSync('/dev/full') || !existsSync('/proc/self/fd'))('file log', () => {
  it('failed writes on a full disk open no descriptor per line', () => {
    const sink = fileLogSink('/dev/full', false);
    sink('info', 'first');
    const before = descriptors();
    for (let i = 0; i < 111; i++) sink('error', `refused capture ${i}`);
    expect(descriptors()).toBe(before);
    sink.close();
    expect(descriptors()).toBe(before - 1);
  });
});
