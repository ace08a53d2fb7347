/**
 * What can stand between the application and the server, as a scenario names it: a kind and its
 * options. Each kind is a module of harness/intermediaries (found through its registry); adding
 * one adds an entry here and a module there, and no branch anywhere else.
 */

export interface IntermediaryOptions {
  /**
   * nginx `stream`: TLS terminated in front of the plaintext server, negotiating ALPN h2 or no
   * protocol at all; `versions` (default TLS 1.2 and 1.3) and `ciphers` (an OpenSSL cipher list
   * for TLS 1.2 and below) narrow what it accepts, as a strict endpoint or an old middlebox does.
   */
  'tls-proxy': { alpn: 'h2' | 'none'; versions?: TlsVersion[]; ciphers?: string };
  /** tinyproxy: an HTTP CONNECT proxy that the application names (proxy variables, or its own proxy option). */
  'connect-proxy': Record<never, never>;
  /**
   * nginx `grpc_pass` over HTTP/2, as an ingress or API gateway is: it ends a call whose response
   * has not started within `readTimeoutS` (`grpc_read_timeout`) with its own 504 page. `upstream:
   * 'nothing-listening'` points it at a port where nothing listens, so it answers every call with 502.
   */
  'grpc-proxy': { readTimeoutS: number; upstream?: 'server' | 'nothing-listening' };
  /**
   * A plain TCP relay standing for a NAT or stateful firewall: `forgetsAfterS` seconds after the
   * first flow through it began, it silently drops every packet of the flows it carries then; new flows pass.
   */
  nat: { forgetsAfterS: number };
  /**
   * A plain TCP relay listening on one loopback address only: the application dials `[::1]:port`
   * or `127.0.0.1:port`, or `dialledAs:port` (`localhost`), which resolves as the cell's hosts say.
   */
  relay: { listen: 'ipv4-loopback' | 'ipv6-loopback'; dialledAs?: 'localhost' };
}

/** TLS protocol versions as nginx and OpenSSL name them. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export type IntermediaryKind = keyof IntermediaryOptions;

/** One intermediary: its kind and that kind's options. */
export type IntermediarySpec = { [K in IntermediaryKind]: { kind: K } & IntermediaryOptions[K] }[IntermediaryKind];
