/**
 * The address checks QEMU's user-mode network (net/slirp.c) makes on net=/host=/dns=, so the generator refuses
 * what QEMU would refuse. test/core/qemu/slirpNet.oracle.test.ts compares both on the QEMU installed here.
 */

const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** QEMU's netmask for net= without a prefix: by address class, with the private ranges' own sizes. */
function classfulPrefix(addr: number): number {
  if ((addr & 0x80000000) === 0) return 8;
  if ((addr & 0xfff00000) >>> 0 === 0xac100000) return 12;
  if ((addr & 0xc0000000) >>> 0 === 0x80000000) return 16;
  if ((addr & 0xffff0000) >>> 0 === 0xc0a80000) return 16;
  if ((addr & 0xffff0000) >>> 0 === 0xc6120000) return 15;
  if ((addr & 0xe0000000) >>> 0 === 0xc0000000) return 24;
  return 28;
}

/** Why QEMU refuses this user-mode network, in its words, or undefined when it accepts it. Inputs are valid IPv4 text. */
export function slirpAddressProblem(net: string | undefined, host: string | undefined, dns: string | undefined): string | undefined {
  const [addrText, prefixText] = (net ?? '10.0.2.0/24').split('/');
  const addr = toInt(addrText!);
  const prefix = prefixText === undefined ? classfulPrefix(addr) : Number(prefixText);
  if (prefix < 4 || prefix > 32) return `--net ${net}: QEMU takes a prefix from 4 to 32 (Invalid netmask provided)`;
  const mask = maskOf(prefix);
  const base = (addr & mask) >>> 0;
  const inNet = (offset: number): number => (base | (offset & ~mask)) >>> 0;
  // QEMU's defaults keep slirp's historic 10.0.2.2/.3/.15 in the host part: 0x0202 & ~mask, not base + 2.
  const h = host !== undefined ? toInt(host) : inNet(0x0202);
  if (((h & mask) >>> 0) !== base) return `--host ${host} is outside --net ${toIp(base)}/${prefix}: QEMU refuses it (Host doesn't belong to network)`;
  const d = dns !== undefined ? toInt(dns) : inNet(0x0203);
  if (d === h) return `the DNS address ${toIp(d)} is the host's: QEMU refuses it (DNS must be different from host)`;
  const dhcp = inNet(0x020f);
  if (dhcp === h || dhcp === d) return `${toIp(dhcp)}, the first address QEMU's DHCP hands out, is the ${dhcp === h ? 'host' : 'DNS'} address: QEMU refuses it (DHCP must be different from host and DNS)`;
  return undefined;
}
