/**
 * HTTP proxies outside the application's options. grpc-js (client) reads the lower-case
 * variables only, in this order, and only `http://` URLs (grpc-js 1.14 http_proxy.ts, measured):
 * grpc_proxy, https_proxy, http_proxy; exclusions from no_grpc_proxy, else no_proxy. The worker
 * (sdk-core) reads none of them: it takes `NativeConnection`'s `proxy` option.
 */
const CLIENT_PROXY_VARIABLES = ['grpc_proxy', 'https_proxy', 'http_proxy'] as const;

/** `host:port` of the proxy grpc-js takes from `env`, if any. */
export function clientProxy(env: Record<string, string | undefined>): string | undefined {
  const value = CLIENT_PROXY_VARIABLES.map((name) => env[name]).find(Boolean);
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' ? `${url.hostname}:${url.port || '80'}` : undefined;
  } catch {
    return undefined;
  }
}
