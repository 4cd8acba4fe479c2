import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The end-to-end tests start lambdas and wait for retries: longer than vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The AWS SDK warns on Node 20 about its releases from 2027 on; evlab supports Node >= 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
