import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const libs = ['contracts', 'db', 'sketch', 'detect', 'journeys', 'snippet', 'privacy', 'runner'];
const alias = libs.map((name) => ({
  find: new RegExp(`^@parallax/${name}(/.*)?$`),
  replacement: fileURLToPath(new URL(`./libs/${name}/src$1`, import.meta.url)),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'scripts/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 180_000, // generous: e2e tests wait on states, and a busy two-core CI machine is slow
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
