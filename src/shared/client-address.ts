/**
 * Which address a request comes from when reverse proxies may stand in front of the API. The socket's
 * peer is the client unless it is a proxy we were told to trust (`http.trustedProxies`); then
 * X-Forwarded-For is read from the right — each trusted proxy appends the address it saw — skipping
 * trusted proxies, and the first address that is not one is the client. Whatever lies left of it was
 * written by the client itself, so a forged header cannot choose the address the auth rate limit counts.
 */
import { BlockList, isIP } from 'node:net';
import type { IPVersion } from 'node:net';

export interface TrustedProxies {
  /** Whether the address is one of the trusted proxies (IPv4-mapped IPv6 addresses count as IPv4). */
  includes(address: string): boolean;
}

export type ParsedTrustedProxies = { ok: true; proxies: TrustedProxies } | { ok: false; entry: string };

/**
 * A comma-separated list of addresses and CIDR ranges ("10.0.0.0/8, 127.0.0.1, ::1"); '' trusts none.
 * Names the first entry that is neither.
 */
export function parseTrustedProxies(text: string): ParsedTrustedProxies {
  const list = new BlockList();
  for (const entry of text.split(/[,\s]+/).filter(Boolean)) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = familyOf(address);
    if (!family || rest.length > 0) return { ok: false, entry };
    if (prefix === undefined) {
      list.addAddress(address, family);
      continue;
    }
    const prefixLength = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!(prefixLength >= 0 && prefixLength <= (family === 'ipv4' ? 32 : 128))) return { ok: false, entry };
    list.addSubnet(address, prefixLength, family);
  }
  return { ok: true, proxies: { includes: (address) => isTrusted(list, address) } };
}

function familyOf(address: string): IPVersion | null {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : null;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = familyOf(address);
  return family !== null && list.check(address, family);
}

/** "::ffff:203.0.113.7" → "203.0.113.7": the same client whether it reached us over IPv4 or IPv6. */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1] : address;
}

/**
 * The client's address: `peer` (the socket's remote address) unless it is a trusted proxy, else the
 * rightmost X-Forwarded-For entry that is not one (the leftmost entry when all are).
 */
export function clientAddress(peer: string, forwardedFor: string, proxies: TrustedProxies): string {
  let client = plainAddress(peer);
  if (!proxies.includes(client)) return client;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    client = plainAddress(hops[index]);
    if (!proxies.includes(client)) return client;
  }
  return client;
}
