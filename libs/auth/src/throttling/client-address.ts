import { isIPv6 } from 'node:net';

/**
 * The key part for a client address: an IPv4 address as it is (an IPv4-mapped IPv6 one as IPv4), an IPv6 address as
 * its /64 prefix, since one client commonly holds a whole /64 and would otherwise get 2^64 counters. Anything else (no
 * address, a proxy's odd value) is cut to 64 characters: keys stay bounded whatever a client sends.
 *
 * @example
 * ```ts
 * addressKeyOf('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * ```
 */
export function addressKeyOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address.slice(0, 64);
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
