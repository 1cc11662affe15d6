/**
 * The differential suite (`support/differential-suite.ts`) against the well-behaved sandbox: the gateway answer equals
 * the same query evaluated in-process over the full set.
 */
import { startStack } from '../helpers/stack';
import { describeDifferential } from './support/differential-suite';

describeDifferential('differential: gateway answer = in-process evaluation over the full set', { gateway: () => startStack() });
