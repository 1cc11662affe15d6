/**
 * The sandbox and a gateway configured for browser sign-in with the sandbox's private OAuth consumer, the gateway on
 * a real socket (redirects need one), and a clock the spec moves to reach token expiry without waiting.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_OAUTH_CONSUMER } from '../../sandbox/identities';
import { startStack, type Stack } from '../helpers/stack';
import { startSecondReplica, type SecondReplica } from '../helpers/second-replica';
import { Browser } from './browser';

export const SESSION_KEYS = 'spec-session-key-0123456789abcdef-one,spec-session-key-0123456789abcdef-two';

export const SIGN_IN_ENV: Record<string, string> = {
  OAUTH_CLIENT_ID: DEMO_OAUTH_CONSUMER.clientId,
  OAUTH_CLIENT_SECRET: DEMO_OAUTH_CONSUMER.clientSecret,
  OAUTH_CALLBACK_URL: DEMO_OAUTH_CONSUMER.callbackUrl,
  SESSION_KEYS,
};

export class ManualClock {
  constructor(public ms: number = Date.now()) {}
  readonly now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface SignInStack {
  stack: Stack;
  clock: ManualClock;
  /** `http://127.0.0.1:PORT`, where the gateway listens. */
  gatewayUrl: string;
  /** A fresh browser that reaches the gateway for the consumer's registered callback origin. */
  browser(options?: { sandboxUser?: string }): Browser;
  close(): Promise<void>;
}

export async function startSignInStack(env: Record<string, string> = {}): Promise<SignInStack> {
  const clock = new ManualClock();
  const stack = await startStack({ env: { ...SIGN_IN_ENV, ...env }, now: clock.now });
  const server = http.createServer(stack.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const callbackOrigin = new URL(DEMO_OAUTH_CONSUMER.callbackUrl).origin;
  return {
    stack,
    clock,
    gatewayUrl,
    browser: ({ sandboxUser } = {}) =>
      new Browser({
        hosts: { [callbackOrigin]: gatewayUrl },
        // The sandbox's consent page approves as the demo user; `sandbox_user` picks another account.
        beforeRequest: (url) => {
          if (sandboxUser && url.pathname.endsWith('/site/oauth2/authorize')) url.searchParams.set('sandbox_user', sandboxUser);
          return url;
        },
      }),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stack.close();
    },
  };
}

/** Replica A (a sign-in stack on `env`'s REDIS_URL) and replica B (its configuration and clock), for what they share. */
export interface SignInReplicas {
  signIn: SignInStack;
  second: SecondReplica;
  close(): Promise<void>;
}

export async function startSignInReplicas(env: Record<string, string>): Promise<SignInReplicas> {
  const signIn = await startSignInStack(env);
  try {
    const second = await startSecondReplica(signIn.stack.config, signIn.clock.now);
    return {
      signIn,
      second,
      async close() {
        await second.close();
        await signIn.close();
      },
    };
  } catch (error) {
    await signIn.close();
    throw error;
  }
}
