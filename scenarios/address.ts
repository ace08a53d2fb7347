/**
 * The name and address the application dials: one that no resolver knows, the IPv6 loopback
 * with and without the brackets a literal with a port needs. The server is the plain TLS one, so
 * that the address is the only thing in question.
 */
import { both, HarnessScenario, serverAuth } from './define';

const family = 'address';

/** The server as the IPv6 loopback reaches it: a TCP relay on [::1] alone (Docker here publishes on IPv4 only). */
const IPV6_LOOPBACK = { kind: 'relay', listen: 'ipv6-loopback' } as const;

/** `localhost:port` of a relay listening on one family's loopback only, as a one-family port-forward does. */
const LOCALHOST_ON = (listen: 'ipv4-loopback' | 'ipv6-loopback') => ({ kind: 'relay', listen, dialledAs: 'localhost' }) as const;

/** What localhost resolves to, in order: a laptop's or CI runner's hosts file, and the two one-family ones. */
const LOCALHOST_IPV6_FIRST = { hosts: { localhost: ['::1', '127.0.0.1'] } };
const LOCALHOST_IPV4_FIRST = { hosts: { localhost: ['127.0.0.1', '::1'] } };
const LOCALHOST_IPV6_ONLY = { hosts: { localhost: ['::1'] } };
const LOCALHOST_IPV4_ONLY = { hosts: { localhost: ['127.0.0.1'] } };

export const address: HarnessScenario[] = [
  {
    name: 'server-bound-to-loopback-in-container',
    family,
    about: "The server's frontend listens on 127.0.0.1 inside its container and its port is published: the port accepts on the host and reaches nothing (temporal #9734).",
    server: 'tls-bound-to-loopback',
    client: { tls: serverAuth },
    expect: both('SERVER_BOUND_TO_LOOPBACK'),
  },
  {
    name: 'name-not-resolving',
    family,
    about: 'The host name resolves to nothing (a typo, a deleted endpoint, a compose service name used outside compose); here a name under .invalid.',
    server: 'tls',
    client: { address: 'unresolvable-name', tls: serverAuth },
    expect: both('DNS_NAME_NOT_RESOLVED'),
  },
  {
    name: 'ipv6-loopback-bracketed',
    family,
    about: 'The IPv6 loopback as a literal with its port, bracketed: [::1]:port (a relay listening there alone, as kubectl port-forward can); the server certificate names ::1 too.',
    server: 'tls',
    client: { via: IPV6_LOOPBACK, tls: serverAuth },
    expect: { client: 'ok', worker: 'SERVER_NAME_INVALID' },
    divergence:
      "sdk-core (worker) takes the address's host with its brackets, \"[::1]\", as the TLS server name, which rustls refuses as a DNS name (InvalidDnsNameError) before connecting; grpc-js (client) verifies the certificate's IP address.",
  },
  {
    name: 'ipv6-loopback-server-name-override',
    family,
    about: 'The fix for the worker: the same address with serverNameOverride set to a DNS name the certificate holds (localhost).',
    server: 'tls',
    client: { via: IPV6_LOOPBACK, tls: { ...serverAuth, serverName: 'localhost' } },
    expect: both('ok'),
  },
  {
    name: 'ipv6-literal-unbracketed',
    family,
    about: 'The same literal without brackets, ::1:port, as an IPv6 address copied next to a port reads.',
    server: 'tls',
    client: { address: 'ipv6-unbracketed', tls: serverAuth },
    expect: both('INVALID_ADDRESS'),
  },
  {
    name: 'localhost-ipv6-first-server-on-ipv4',
    family,
    about: 'localhost resolves to ::1 first, then 127.0.0.1 (most laptops and CI runners), and the server listens on 127.0.0.1 only.',
    server: 'tls',
    client: { via: LOCALHOST_ON('ipv4-loopback'), tls: serverAuth, environment: LOCALHOST_IPV6_FIRST },
    expect: both('ok'),
  },
  {
    name: 'localhost-ipv4-first-server-on-ipv6',
    family,
    about: 'localhost resolves to 127.0.0.1 first, then ::1, and the server listens on ::1 only (a port-forward on the IPv6 loopback).',
    server: 'tls',
    client: { via: LOCALHOST_ON('ipv6-loopback'), tls: serverAuth, environment: LOCALHOST_IPV4_FIRST },
    expect: both('ok'),
  },
  {
    name: 'localhost-ipv6-only-server-on-ipv4',
    family,
    about: 'localhost resolves to ::1 alone, and the server listens on 127.0.0.1 only.',
    server: 'tls',
    client: { via: LOCALHOST_ON('ipv4-loopback'), tls: serverAuth, environment: LOCALHOST_IPV6_ONLY },
    expect: both('CONNECTION_REFUSED'),
  },
  {
    name: 'localhost-ipv4-only-server-on-ipv6',
    family,
    about: 'localhost resolves to 127.0.0.1 alone (this machine), and the server listens on ::1 only.',
    server: 'tls',
    client: { via: LOCALHOST_ON('ipv6-loopback'), tls: serverAuth, environment: LOCALHOST_IPV4_ONLY },
    expect: both('CONNECTION_REFUSED'),
  },
];
