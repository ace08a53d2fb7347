/**
 * Variables that decide how a stack reaches the server: trust stores, proxies, Node's own
 * options. A child starts without any of the harness's own, so only the scenario's apply.
 */
export const CONNECTION_VARIABLES = [
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'NODE_USE_SYSTEM_CA',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH',
  'grpc_proxy',
  'https_proxy',
  'http_proxy',
  'all_proxy',
  'no_grpc_proxy',
  'no_proxy',
  'GRPC_PROXY',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
] as const;
