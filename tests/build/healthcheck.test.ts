/** The image health probe's fallback reads the container's TCP table (scripts/docker/healthcheck.ts). */
import { describe, expect, it } from 'vitest';
import { establishedTo, natsPorts } from '../../scripts/docker/healthcheck.ts';

// /proc/net/tcp: local and remote address as hex ip:port, then the state (01 = ESTABLISHED, 0A = LISTEN).
const TABLE = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000:24C8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1',
  '   1: 0200000A:A1B2 0300000A:107E 01 00000000:00000000 00:00000000 00000000  1000        0 2 1',
].join('\n');

describe('the health probe fallback', () => {
  it('finds an established connection to a NATS port, and none to another port', () => {
    expect(establishedTo(TABLE, natsPorts('nats://nats-1:4222,nats://nats-2:4222'))).toBe(true); // 0x107E = 4222
    expect(establishedTo(TABLE, natsPorts('nats://nats:14222'))).toBe(false);
    expect(establishedTo(TABLE, new Set([9416]))).toBe(false); // 0x24C8 listens, is not established
  });

  it('defaults to port 4222', () => {
    expect([...natsPorts(undefined)]).toEqual([4222]);
    expect([...natsPorts('nats://host')]).toEqual([4222]);
  });
});
