import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config';
import { parseAgentFlags } from './flags';

describe('parseAgentFlags', () => {
  it('maps --flag value and --flag=value onto the environment variables they override', () => {
    const { env, help } = parseAgentFlags(['--server', 'https://px.example.com', '--location=eu-west', '--token', 'abcdefghijklmnop1234', '--concurrency', '4']);
    expect(help).toBe(false);
    expect(env).toEqual({
      PARALLAX_SERVER_URL: 'https://px.example.com',
      PARALLAX_LOCATION: 'eu-west',
      PARALLAX_AGENT_TOKEN: 'abcdefghijklmnop1234',
      PARALLAX_AGENT_CONCURRENCY: '4',
    });
    const config = loadAgentConfig({ PARALLAX_LOCATION: 'us-east', PARALLAX_AGENT_CONCURRENCY: '1', ...env });
    expect(config).toMatchObject({ PARALLAX_LOCATION: 'eu-west', PARALLAX_AGENT_CONCURRENCY: 4, CHROMIUM_PATH: 'auto' });
  });

  it('refuses unknown flags and flags without a value', () => {
    expect(() => parseAgentFlags(['--sever', 'x'])).toThrow(/unknown argument "--sever"/);
    expect(() => parseAgentFlags(['--location'])).toThrow(/--location needs a value/);
    expect(() => parseAgentFlags(['--location', '--token', 'x'])).toThrow(/--location needs a value/);
    expect(parseAgentFlags(['--help']).help).toBe(true);
  });
});
