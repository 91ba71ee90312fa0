import { describeWithRedis } from './support/redis.js';
import { describeRotationSuite } from './support/rotation-suite.js';

const describeRedis = await describeWithRedis();

// The suite of test/support/rotation-suite.ts with a 30 s grace window; rotation.e2e-spec.ts runs it with none
// (@nestjs/config reads the environment once per file, hence a file per window).
describeRotationSuite(describeRedis, 30);
