/**
 * The SDK's retry interceptor, and when the retries it scheduled have all fired. Its retry is a
 * plain timer that nothing cancels (SDK 1.24.0, lib/grpc-retry.js): a call aborted while it waits
 * to retry still makes its next attempt when the timer fires, and if the connection was closed
 * meanwhile, that attempt throws in the timer ("Channel has been shut down") and crashes the
 * process. It happens when a server closes connections every few seconds (the lifetime family's
 * max connection age), so a connection made through this waits for the timers before it closes.
 */
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import type { Interceptor } from '@grpc/grpc-js';

export class RetryTimers {
  private lastFiresAt = 0;
  private stopping = false;

  /** The SDK's default retry interceptor, with its delays written down, and no retry once stopping. */
  interceptor(): Interceptor {
    const defaults = defaultGrpcRetryOptions();
    return makeGrpcRetryInterceptor({
      retryableDecider: (attempt, status) => !this.stopping && defaults.retryableDecider(attempt, status),
      delayFunction: (attempt, status) => {
        const ms = defaults.delayFunction(attempt, status);
        this.lastFiresAt = Math.max(this.lastFiresAt, Date.now() + ms);
        return ms;
      },
    });
  }

  /**
   * Schedule no more retries, and resolve once the last one scheduled has fired: the connection
   * can then close. A call still in flight then fails for good instead of scheduling a retry that
   * would fire into the closed channel.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const wait = this.lastFiresAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
  }
}

/**
 * `Connection.connect` with the SDK's retries, whose `close()` first waits for the retries it
 * scheduled: for connections closed on their own schedule, while a server may be closing its
 * connections every few seconds (registering namespaces on a server that just started, the
 * harness's side of a run).
 */
export async function connectClosingAfterRetries(options: ConnectionOptions): Promise<Connection> {
  const timers = new RetryTimers();
  const connection = await Connection.connect({ ...options, interceptors: [timers.interceptor()] });
  const close = connection.close.bind(connection);
  // The SDK's own close, once no retry timer of this connection is left to fire into it.
  connection.close = async () => {
    await timers.stop();
    await close();
  };
  return connection;
}
