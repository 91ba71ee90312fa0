import { describe } from '@jest/globals';
import { describeSessionSuite } from './support/session-suite.js';

// One process, the default store.
describeSessionSuite(describe, 'memory', {});
