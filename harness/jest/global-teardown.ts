/** Ready-made jest global teardown: stops what the global set-up started (see ./index.ts). */
import { temporalGlobalTeardown } from './index';

export = temporalGlobalTeardown;
